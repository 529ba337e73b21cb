/**
 * What the plan prints and writes: the per-stack summary for a terminal, the documented plan.json
 * and manifests/ tree, and summary.md for a pull-request comment. Output is deterministic (sorted,
 * stable names), so two runs of the same commit produce byte-identical files.
 */
import { writeTree, type WrittenTree } from "../lib/output-tree";
import { UNKNOWN } from "./capture";
import { gpuGates } from "../lib/analysis/gating";
import { rolloutDiagram, weightAt } from "./mermaid";
import type { KubeObject, PlannedModel, StackPlan } from "./plan";
import { clusterWaveState } from "../lib/deployments/waves";

/** plan.json as documented in the README. */
export function planDocument(plan: StackPlan) {
  const redact = (value: unknown, secretPaths: readonly string[], path = ""): unknown => {
    if (secretPaths.includes(path)) return "[secret]";
    if (value === UNKNOWN) return "<unknown>";
    if (Array.isArray(value)) return value.map((v, i) => redact(v, secretPaths, `${path}[${i}]`));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secretPaths, path ? `${path}.${k}` : k)]));
    }
    return value;
  };
  return {
    stack: plan.stack,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      custom: r.custom,
      props: redact(r.props, r.secretPaths),
      options: r.options,
      // What a re-check of this file needs to reach the plan's verdicts: the property
      // dependencies stack policies relate resources by (a node group's launch template), a
      // component's registered outputs and a read resource's state (stack policies see those).
      ...(Object.keys(r.propertyDependencies).length > 0 && { propertyDependencies: r.propertyDependencies }),
      ...(r.outputs && { outputs: redact(r.outputs, r.outputSecretPaths ?? []) }),
      ...(r.read && { read: r.read }),
    })),
    violations: plan.violations.map((v) => ({ policy: v.policy, level: v.level, urn: v.urn, message: v.message })),
  };
}

export function countsByType(plan: StackPlan): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

export function mandatoryCount(plans: readonly StackPlan[]): number {
  return plans.reduce((n, p) => n + p.violations.filter((v) => v.level === "mandatory").length, 0);
}

function manifestName(o: KubeObject): string {
  const ns = o.metadata.namespace ?? "_cluster";
  return `${ns}/${o.kind.toLowerCase()}-${o.metadata.name ?? "unnamed"}.yaml`;
}

/** Loads the yaml library on first use: only `--out` writes YAML. */
function toYaml(value: unknown): string {
  const { stringify } = require("yaml") as typeof import("yaml");
  return stringify(value, { sortMapEntries: false, lineWidth: 0 });
}

/** The first line of summary.md: how a plan directory written before manifests is recognised. */
const SUMMARY_HEADING = "# ml-gitops plan\n";

/** Every file of `--out DIR`, relative POSIX path to content. */
export function planFiles(plans: readonly StackPlan[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const plan of plans) {
    files.set(`${plan.stack}/plan.json`, `${JSON.stringify(planDocument(plan), null, 2)}\n`);
    for (const object of plan.manifests) files.set(`${plan.stack}/manifests/${manifestName(object)}`, toYaml(redactSecrets(object)));
    for (const file of plan.gitopsFiles) files.set(`${plan.stack}/gitops/${file.path}`, file.content);
  }
  files.set("summary.md", summaryMarkdown(plans));
  return files;
}

/**
 * Writes DIR/<stack>/plan.json, DIR/<stack>/manifests/, DIR/<stack>/gitops/ and DIR/summary.md,
 * and nothing outside DIR; removes only files an earlier plan wrote (lib/output-tree.ts).
 * @throws OutputError
 */
export function writePlan(dir: string, plans: readonly StackPlan[]): WrittenTree {
  return writeTree(dir, planFiles(plans), { label: "--out", legacy: { file: "summary.md", startsWith: SUMMARY_HEADING } });
}

/** Kubernetes Secrets carry placeholders offline; never print even those as data. */
function redactSecrets(object: KubeObject): KubeObject {
  if (object.kind !== "Secret") return object;
  const hide = (m: unknown) =>
    m && typeof m === "object" ? Object.fromEntries(Object.keys(m).map((k) => [k, "[secret]"])) : m;
  return { ...object, ...(object.data !== undefined && { data: hide(object.data) }), ...(object.stringData !== undefined && { stringData: hide(object.stringData) }) };
}

export function summaryText(plan: StackPlan): string {
  const lines = [`stack ${plan.stack} (${plan.role}): ${plan.resources.length} resources, ${plan.manifests.length} Kubernetes objects, ${plan.models.length} models`];
  for (const [type, n] of countsByType(plan)) lines.push(`  ${String(n).padStart(4)}  ${type}`);
  if (plan.violations.length === 0) lines.push("  policy: no violations");
  const declaredIn = new Map(plan.models.map((m) => [m.urn, m.file]));
  for (const v of plan.violations) {
    const file = declaredIn.get(v.urn);
    lines.push(`  ${v.level.toUpperCase()} ${v.policy}: ${v.name} (${v.type}${file ? `, declared in ${file}` : ""}): ${v.message}`);
  }
  return lines.join("\n");
}

/**
 * The canary as this stack serves it. With region waves the stack is one cluster of one wave: it
 * serves the candidate at the current step, at its last step (a completed wave), or not yet.
 */
export function modelState(m: PlannedModel): string {
  const d = m.declaration;
  const c = d.spec.candidate;
  if (!c) return "no canary in progress";
  const steps = d.spec.rollout.steps.length;
  const here = m.cluster !== undefined ? clusterWaveState(d.spec, m.cluster) : undefined;
  if (here === undefined) return `canary ${c.version} at step ${c.step + 1}/${steps} (${weightAt(d, c.step)}%)`;
  const wave = `wave ${here.wave}/${here.total}`;
  const region = m.cluster!.region;
  if (here.state === "current") return `canary ${c.version} at step ${c.step + 1}/${steps} (${weightAt(d, c.step)}%), ${wave} (${region})`;
  if (here.state === "completed") return `canary ${c.version} at its last step ${steps}/${steps} (${weightAt(d, steps - 1)}%): ${wave} (${region}) is complete, wave ${c.wave}/${here.total} is at step ${c.step + 1}/${steps}`;
  return `stable only: ${wave} (${region}) waits while canary ${c.version} is in wave ${c.wave}/${here.total} at step ${c.step + 1}/${steps}`;
}

export function summaryMarkdown(plans: readonly StackPlan[]): string {
  const mandatory = mandatoryCount(plans);
  const out: string[] = [
    "# ml-gitops plan",
    "",
    mandatory === 0 ? "All stacks pass the policy pack (no mandatory violations)." : `**${mandatory} mandatory policy violation(s)**: this change cannot be applied as is.`,
    "",
    "| stack | role | resources | Kubernetes objects | models | mandatory | advisory |",
    "|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const p of plans) {
    const count = (level: string) => p.violations.filter((v) => v.level === level).length;
    out.push(`| ${p.stack} | ${p.role} | ${p.resources.length} | ${p.manifests.length} | ${p.models.length} | ${count("mandatory")} | ${count("advisory")} |`);
  }
  for (const p of plans) {
    out.push("", `## ${p.stack}`, "", "<details><summary>Resources by type</summary>", "", "| type | count |", "|---|---:|");
    for (const [type, n] of countsByType(p)) out.push(`| \`${type}\` | ${n} |`);
    out.push("", "</details>");
    if (p.violations.length > 0) {
      out.push("", "| level | policy | resource | message |", "|---|---|---|---|");
      for (const v of p.violations) out.push(`| ${v.level} | ${v.policy} | \`${v.name}\` | ${v.message.replace(/\|/g, "\\|")} |`);
    }
    for (const m of p.models) {
      const d = m.declaration;
      const state = modelState(m);
      const gpu = gpuGates(d);
      out.push("", `### ${d.metadata.name}: stable ${d.spec.stable.version}, ${state}`, "", `Declared in \`${m.file}\`.`);
      if (gpu.length > 0) out.push("", `GPU metrics gating the canary: ${gpu.join(", ")}.`);
      out.push("", "```mermaid", rolloutDiagram(d, m.kserveMode), "```");
    }
  }
  return `${out.join("\n")}\n`;
}
