/** Test helpers: fixtures as CrossGuard resources, and the pack run over them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { kubeTypeToken } from "../../policies/lib/k8s";
import { evaluatePolicies, type PackConfig, type PolicyResource, type Violation } from "../../plan/policy/evaluate";

export const DIGEST = "a".repeat(64);
export const COMMIT = "0123456789abcdef0123456789abcdef01234567";
/** CrossGuard's sentinel for a string that is unknown during preview (@pulumi/policy proxy.js). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function fixture(name: string): Record<string, unknown> {
  return parse(readFileSync(join(__dirname, "../fixtures/policies", name), "utf8")) as Record<string, unknown>;
}

export function resourceOf(object: Record<string, unknown>, name = "r"): PolicyResource {
  const type = kubeTypeToken(String(object.apiVersion), String(object.kind));
  return { urn: `urn:pulumi:test::ml-gitops::${type}::${name}`, type, name, props: object };
}

/**
 * A deep copy of `object` with one field set (or removed, for `undefined`), addressed the way
 * messages name it: `spec.canary[0].trafficPercent`. Missing parents are created.
 */
export function withField<T>(object: T, path: string, value: unknown): T {
  const copy = structuredClone(object);
  const keys = [...path.matchAll(/\["([^"]+)"\]|\[(\d+)\]|([^.[\]]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  let target = copy as Record<string, unknown>;
  keys.slice(0, -1).forEach((key, i) => {
    if (typeof target[key] !== "object" || target[key] === null) target[key] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    target = target[key] as Record<string, unknown>;
  });
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** The messages one policy reports for the given resources. */
export function messages(policy: string, resources: PolicyResource[], config?: PackConfig): string[] {
  return evaluatePolicies(resources, config).filter((v) => v.policy === policy).map((v) => v.message);
}

export function violations(policy: string, resources: PolicyResource[], config?: PackConfig): Violation[] {
  return evaluatePolicies(resources, config).filter((v) => v.policy === policy);
}
