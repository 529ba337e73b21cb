/**
 * Policy pack configuration, in the shape `pulumi preview --policy-pack-config file.json`
 * takes: `{ "<policy>": "<level>" | { "enforcementLevel"?: "<level>", ...policy config } }`.
 * Validated against each policy's configSchema, with every problem reported at once.
 */
import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import type { EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policies/pack";
import { Problems, type Problem } from "../../lib/errors";
import type { PackConfig } from "../../lib/policy/types";

export type { PackConfig } from "../../lib/policy/types";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The `default` of every property in the policy's configSchema. */
export function defaultsOf(policy: { configSchema?: PolicyConfigSchema }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (schema.default !== undefined) out[k] = schema.default;
  }
  return out;
}

// Ajv (63 modules) is loaded when a pack config is first validated: `check` without
// --policy-config never needs it.
let ajv: import("ajv").default | undefined;
const validators = new Map<string, ValidateFunction>();

function validatorFor(policy: ResourceValidationPolicy | StackValidationPolicy): ValidateFunction {
  let v = validators.get(policy.name);
  if (!v) {
    ajv ??= new (require("ajv") as typeof import("ajv")).default({ allErrors: true, strict: false });
    v = ajv.compile({
      type: "object",
      properties: { ...(policy.configSchema?.properties ?? {}), enforcementLevel: { enum: [...ENFORCEMENT_LEVELS] } },
      required: policy.configSchema?.required ?? [],
      additionalProperties: false,
    });
    validators.set(policy.name, v);
  }
  return v;
}

export function validatePackConfig(config: unknown, file: string): Problem[] {
  const problems = new Problems();
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    problems.add({ file, path: "(root)", value: config, message: "must be an object keyed by policy name", fix: `write {"model-canary-required": {"maxInitialWeight": 20}}` });
    return [...problems.list];
  }
  const names = policies.map((p) => p.name);
  for (const [name, value] of Object.entries(config)) {
    const policy = policies.find((p) => p.name === name);
    if (!policy) {
      problems.add({ file, path: name, message: "is not a policy of the ml-gitops pack", fix: `use one of ${names.join(", ")}` });
      continue;
    }
    if (typeof value === "string") {
      if (!(ENFORCEMENT_LEVELS as readonly string[]).includes(value)) {
        problems.add({ file, path: name, value, message: "is not an enforcement level", fix: `use one of ${ENFORCEMENT_LEVELS.join(", ")}` });
      }
      continue;
    }
    const validate = validatorFor(policy);
    if (validate(value)) continue;
    for (const e of validate.errors ?? []) {
      const key = e.keyword === "additionalProperties" ? `/${String(e.params.additionalProperty)}` : e.instancePath;
      const path = `${name}${key.split("/").filter(Boolean).map((s) => (/^[0-9]+$/.test(s) ? `[${s}]` : `.${s}`)).join("")}`;
      const allowed = Object.keys(policy.configSchema?.properties ?? {}).concat("enforcementLevel");
      const fix = e.keyword === "additionalProperties" ? `use one of ${allowed.join(", ")}` : `see the configSchema of ${name}`;
      const problem: Problem = { file, path, message: e.message ?? "is invalid", fix };
      problems.add(e.keyword === "additionalProperties" ? problem : { ...problem, value: valueAt(value, e.instancePath) });
    }
  }
  return [...problems.list];
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointer.split("/").filter(Boolean)) v = (v as Record<string, unknown> | undefined)?.[seg];
  return v;
}

/** Reads and validates a pack config file; throws a ValidationError naming file, key, value and fix. */
export function loadPackConfig(file: string): PackConfig {
  const problems = new Problems();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    problems.add({ file, path: "(file)", message: `cannot be read as JSON: ${err instanceof Error ? err.message : String(err)}`, fix: "pass a JSON file like the one `pulumi preview --policy-pack-config` takes" });
    problems.throwIfAny("policy pack config");
  }
  problems.addAll(validatePackConfig(parsed, file));
  problems.throwIfAny("policy pack config");
  return parsed as PackConfig;
}

/**
 * The options `model-artifact-immutable` judges URIs with under this config: its schema
 * defaults overlaid with the config, as the pack does (policies/lib/policy.ts configOf). Used by
 * `promote`, so a URI the pack would refuse (a bucket outside allowedBuckets) is never committed.
 */
export function artifactOptionsOf(config: PackConfig): { allowedBuckets: string[]; allowedMutableSchemes: string[] } {
  const policy = policies.find((p) => p.name === "model-artifact-immutable");
  const own = config["model-artifact-immutable"];
  const merged = { ...(policy ? defaultsOf(policy) : {}), ...(typeof own === "object" && own !== null ? own : {}) } as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
  return { allowedBuckets: strings(merged.allowedBuckets), allowedMutableSchemes: strings(merged.allowedMutableSchemes) };
}
