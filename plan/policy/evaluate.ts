/**
 * Runs the policy pack offline, exactly as CrossGuard would: the same policy objects from
 * policies/pack.ts, called with `ResourceValidationArgs`/`StackValidationArgs`-compatible
 * arguments, properties behind CrossGuard's unknown-checking proxy, the same enforcement-level
 * precedence (config → policy → pack) and the same handling of unknown values and
 * `notApplicable`. Used by `ml-gitops check` and the offline `plan`.
 *
 * Differences from CrossGuard, on purpose: it is synchronous (every policy in the pack is), and
 * a violation's message is the policy's message alone, without the description CrossGuard
 * prepends.
 */
import {
  type EnforcementLevel,
  type PolicyProviderResource,
  type PolicyResource as CrossGuardResource,
  type PolicyResourceOptions,
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
// From the proxy module alone: the @pulumi/policy index would load all of @pulumi/pulumi.
import { unknownCheckingProxy, UnknownValueError } from "../../policies/lib/known";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies as packPolicies } from "../../policies/pack";
import type { PackConfig, PolicyResource } from "../../lib/policy/types";
import { defaultsOf } from "./config";

export { loadPackConfig } from "./config";
export type { PackConfig, PolicyResource } from "../../lib/policy/types";

export type Level = EnforcementLevel;

export interface Violation {
  policy: string;
  level: Level;
  urn: string;
  name: string;
  type: string;
  message: string;
}

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "Policy does not apply");
}

interface Prepared {
  policy: AnyPolicy;
  level: Level;
  getConfig: <T extends object>() => T;
}

function levelOf(policy: AnyPolicy, config: PackConfig): Level {
  const c = config[policy.name];
  const configured = typeof c === "string" ? c : c?.enforcementLevel;
  const level = configured ?? policy.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL;
  // As in CrossGuard: a remediation that still leaves a violation is reported as mandatory.
  return level === "remediate" ? "mandatory" : level;
}

/** Per-policy level and config, computed once per evaluation rather than per resource. */
function prepare(policyList: readonly AnyPolicy[], config: PackConfig): Prepared[] {
  return policyList.map((policy) => {
    const c = config[policy.name];
    const { enforcementLevel: _ignored, ...own } = typeof c === "object" && c !== null ? c : {};
    const merged = Object.freeze({ ...defaultsOf(policy), ...own });
    return { policy, level: levelOf(policy, config), getConfig: <T extends object>() => merged as T };
  });
}

/** What policies see of a resource besides its identity: the same for resource and stack policies. */
interface View {
  props: Record<string, unknown>;
  opts: PolicyResourceOptions;
  provider: PolicyProviderResource | undefined;
  isType: (cls: unknown) => boolean;
  asType: <T>(cls: unknown) => T | undefined;
}

function isResourcePolicy(p: AnyPolicy): p is ResourceValidationPolicy {
  return "validateResource" in p && p.validateResource !== undefined;
}

function isStackPolicy(p: AnyPolicy): p is StackValidationPolicy {
  return "validateStack" in p && typeof p.validateStack === "function";
}

function optionsOf(r: PolicyResource): PolicyResourceOptions {
  const o = r.opts ?? {};
  const result: PolicyResourceOptions = {
    protect: o.protect ?? false,
    ignoreChanges: o.ignoreChanges ?? [],
    aliases: o.aliases ?? [],
    customTimeouts: {
      createSeconds: o.customTimeouts?.createSeconds ?? 0,
      updateSeconds: o.customTimeouts?.updateSeconds ?? 0,
      deleteSeconds: o.customTimeouts?.deleteSeconds ?? 0,
    },
    additionalSecretOutputs: o.additionalSecretOutputs ?? [],
  };
  if (o.deleteBeforeReplace !== undefined) result.deleteBeforeReplace = o.deleteBeforeReplace;
  const parent = r.parent ?? o.parent;
  if (parent) result.parent = parent;
  return result;
}

type ResourceClass = { new (...rest: never[]): unknown; __pulumiType?: unknown; isInstance?: unknown };

function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
  return typeof resourceClass.__pulumiType === "string" && resourceClass.__pulumiType === type;
}

function pulumiTypeOf(fn: unknown): string | undefined {
  const t = (fn as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

function settle(result: unknown, policy: string): void {
  if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
    throw new Error(`policy ${policy} returned a promise; evaluatePolicies runs synchronous policies only`);
  }
}

/** CrossGuard turns an unknown value read by a policy into an advisory "can't run" note. */
function cantRun(policy: string, err: Error): string {
  return `can't run policy '${policy}' from policy pack '${PACK_NAME}' during preview: ${err.message}`;
}

export function evaluatePolicies(
  resources: readonly PolicyResource[],
  config: PackConfig = {},
  policyList: readonly AnyPolicy[] = packPolicies,
): Violation[] {
  const prepared = prepare(policyList, config).filter((p) => p.level !== "disabled");
  const resourcePolicies = prepared.filter((p) => isResourcePolicy(p.policy));
  const stackPolicies = prepared.filter((p) => isStackPolicy(p.policy));
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // One proxy per resource, shared by resource and stack policies (and as a provider's props),
  // so what a policy copies out of it (policies/lib/policy.ts propsOf) is copied once.
  const proxies = new Map(resources.map((r) => [r, unknownCheckingProxy(r.props) as Record<string, unknown>]));
  const violations: Violation[] = [];
  const stackTags: ReadonlyMap<string, string> = new Map();
  const record = (p: Prepared, fallback: PolicyResource | undefined, message: string, urn: string | undefined) => {
    const target = (urn !== undefined ? byUrn.get(urn) : undefined) ?? fallback;
    violations.push({ policy: p.policy.name, level: p.level, urn: urn ?? target?.urn ?? "", name: target?.name ?? "", type: target?.type ?? "", message });
  };
  const report = (p: Prepared, fallback: PolicyResource | undefined) => (message: string, urn?: string) => record(p, fallback, message, urn);
  const providerOf = (r: PolicyResource): PolicyProviderResource | undefined => {
    const p = r.provider ?? r.opts?.provider;
    const res = p === undefined ? undefined : byUrn.get(p);
    return res && { type: res.type, props: proxies.get(res)!, urn: res.urn, name: res.name };
  };
  // Read-only for policies, so resource and stack policies share them.
  const views: View[] = resources.map((r) => {
    const props = proxies.get(r)!;
    return {
      props,
      opts: optionsOf(r),
      provider: providerOf(r),
      isType: (cls) => isTypeOf(r.type, cls as ResourceClass),
      asType: <T>(cls: unknown) => (isTypeOf(r.type, cls as ResourceClass) ? (props as T) : undefined),
    };
  });

  // What does not depend on the resource is worked out once per policy, not once per resource:
  // the validations, and a reporter that files violations under the resource being checked.
  // Policies run synchronously (settle refuses promises), so `current` and the one args object
  // per resource, whose getConfig is the running policy's, cannot be seen by the wrong policy.
  const checks = resourcePolicies.map((p) => {
    const policy = p.policy as ResourceValidationPolicy;
    const validations: ResourceValidation[] = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    const check = { p, validations, only: validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined, current: undefined as PolicyResource | undefined, reportViolation: undefined as unknown as ReportViolation };
    check.reportViolation = (message: string, urn?: string) => record(p, check.current, message, urn);
    return check;
  });
  resources.forEach((r, i) => {
    const { props, opts, provider, isType, asType } = views[i]!;
    let args: ResourceValidationArgs | undefined;
    for (const check of checks) {
      if (check.only !== undefined && check.only !== r.type) continue;
      args ??= { type: r.type, props, urn: r.urn, name: r.name, opts, stackTags, isType, asType, getConfig: check.p.getConfig, notApplicable, ...(provider && { provider }) };
      args.getConfig = check.p.getConfig;
      check.current = r;
      for (const validate of check.validations) runValidation(check.p, validate, args, check.reportViolation, violations, r);
      check.current = undefined;
    }
  });

  if (stackPolicies.length > 0) {
    const stackResources = toStackResources(resources, views);
    for (const p of stackPolicies) {
      const policy = p.policy as StackValidationPolicy;
      const only = pulumiTypeOf(policy.validateStack);
      if (only !== undefined && !resources.some((r) => r.type === only)) continue;
      const args: StackValidationArgs = { resources: stackResources, stackTags, getConfig: p.getConfig, notApplicable };
      runOne(p, () => policy.validateStack(args, report(p, undefined)), violations, undefined);
    }
  }
  return violations;
}

function runValidation(p: Prepared, validate: ResourceValidation, args: ResourceValidationArgs, reportViolation: ReportViolation, violations: Violation[], r: PolicyResource): void {
  try {
    settle(validate(args, reportViolation), p.policy.name);
  } catch (err) {
    failed(p, err, violations, r);
  }
}

function runOne(p: Prepared, call: () => unknown, violations: Violation[], r: PolicyResource | undefined): void {
  try {
    settle(call(), p.policy.name);
  } catch (err) {
    failed(p, err, violations, r);
  }
}

/** A policy's exception, as CrossGuard treats it: not applicable, can't run (unknowns), or a failure. */
function failed(p: Prepared, err: unknown, violations: Violation[], r: PolicyResource | undefined): void {
  if (err instanceof NotApplicable) return;
  if (err instanceof UnknownValueError) {
    violations.push({ policy: p.policy.name, level: "advisory", urn: r?.urn ?? "", name: r?.name ?? "", type: r?.type ?? "", message: cantRun(p.policy.name, err as Error) });
    return;
  }
  const where = r ? ` on ${r.urn}` : "";
  throw new Error(`policy ${p.policy.name} failed${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

function toStackResources(
  resources: readonly PolicyResource[],
  views: readonly View[],
): CrossGuardResource[] {
  const out = resources.map((r, i) => {
    const { props, opts, provider, isType, asType } = views[i]!;
    const resource: CrossGuardResource = { type: r.type, props, urn: r.urn, name: r.name, opts, dependencies: [], propertyDependencies: {}, isType, asType };
    if (provider) resource.provider = provider;
    return resource;
  });
  const byUrn = new Map(out.map((r) => [r.urn, r]));
  const resolve = (urns: readonly string[] | undefined) => (urns ?? []).map((u) => byUrn.get(u)).filter((x): x is CrossGuardResource => x !== undefined);
  resources.forEach((r, i) => {
    const target = out[i]!;
    const parent = r.parent ?? r.opts?.parent;
    const parentResource = parent === undefined ? undefined : byUrn.get(parent);
    if (parentResource) target.parent = parentResource;
    target.dependencies = resolve(r.dependencies ?? r.opts?.dependencies);
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) target.propertyDependencies[k] = resolve(urns);
  });
  return out;
}
