/**
 * The shapes the offline policy evaluator (plan/policy/evaluate.ts) takes, in lib/ so pure code
 * that prepares its input (lib/manifests: manifests and declarations as CrossGuard presents them)
 * needs nothing above lib/. Types only: `@pulumi/policy` is imported for its types, which
 * compile away, so nothing here loads the SDK.
 */
import type { EnforcementLevel, PolicyCustomTimeouts, PolicyResourceOptions } from "@pulumi/policy";

/**
 * Policy pack configuration, in the shape `pulumi preview --policy-pack-config file.json`
 * takes: `{ "<policy>": "<level>" | { "enforcementLevel"?: "<level>", ...policy config } }`.
 */
export type PackConfig = {
  [policyName: string]: ({ enforcementLevel?: EnforcementLevel } & { [k: string]: unknown }) | EnforcementLevel;
};

/** A resource as CrossGuard presents it to a policy. */
export interface PolicyResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
  opts?: Partial<Omit<PolicyResourceOptions, "customTimeouts">> & { customTimeouts?: Partial<PolicyCustomTimeouts>; dependencies?: string[]; provider?: string };
  parent?: string;
  custom?: boolean;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  /** URN of the provider resource, which must be in the same list to be passed to policies. */
  provider?: string;
}
