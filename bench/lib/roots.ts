/**
 * Generated project roots for the plan benchmarks: a temp directory laid out like the repo
 * (Pulumi.yaml, stacks/, deployments/<env>/) that `ml-gitops plan` runs in as its cwd. The
 * program itself still comes from the repo (the CLI resolves it relative to its own location);
 * only stacks and declarations come from the root, which is what the benchmarks vary.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { SUBNETS } from "../../plan/fixtures";

export const REPO = join(__dirname, "..", "..");

const ARTIFACT_STACK = "artifacts";

/** A sample cluster stack a generated one is derived from. */
interface ClusterTemplate {
  readonly stack: string;
  readonly region: string;
  readonly environment: string;
  readonly text: string;
}

function stackText(stack: string): string {
  return readFileSync(join(REPO, "stacks", `Pulumi.${stack}.yaml`), "utf8");
}

/**
 * The sample cluster stacks, one per region. Only regions whose subnets plan/fixtures.ts
 * describes can be planned (eu-central-1 has offerings but no subnets), and the sample stacks
 * cover exactly those, so generated stacks reuse their subnets: several clusters in one VPC.
 */
export function clusterTemplates(): ClusterTemplate[] {
  return readdirSync(join(REPO, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && s !== ARTIFACT_STACK)
    .sort()
    .map((stack) => {
      const text = stackText(stack);
      const config = parseDocument(text).toJS().config as Record<string, unknown>;
      const subnets = config["ml-gitops:privateSubnetIds"] as string[];
      const region = String(config["aws:region"]);
      for (const s of subnets) {
        if (!SUBNETS[s]?.availabilityZone.startsWith(region)) throw new Error(`${stack}: subnet ${s} is not in plan/fixtures.ts SUBNETS for ${region}`);
      }
      return { stack, region, environment: String(config["ml-gitops:environment"]), text };
    });
}

/** The stack file of template `t` under a new stack and cluster name; comments kept. */
function derivedStack(t: ClusterTemplate, clusterName: string): string {
  const doc = parseDocument(t.text);
  doc.setIn(["config", "ml-gitops:clusterName"], clusterName);
  return doc.toString();
}

/** Sample declarations of an environment, in file order: the templates generated ones copy. */
function sampleDeclarations(environment: string): { name: string; text: string }[] {
  const dir = join(REPO, "deployments", environment);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ""), text: withoutWaves(readFileSync(join(dir, f), "utf8")) }));
}

/**
 * Region waves name the sample project's regions (us-east-1, eu-west-1), which a generated
 * root's stacks need not serve: the copies drop them, and every cluster renders the candidate as
 * without waves (the most a plan can render).
 */
function withoutWaves(text: string): string {
  const doc = parseDocument(text);
  if (!doc.hasIn(["spec", "rollout", "waves"])) return text;
  doc.deleteIn(["spec", "rollout", "waves"]);
  if (doc.hasIn(["spec", "candidate", "wave"])) doc.deleteIn(["spec", "candidate", "wave"]);
  return doc.toString();
}

/**
 * `count` declarations cycling through the environment's samples (for production: a KServe CPU
 * model, a vLLM Rollout LLM and a KServe GPU model), each renamed `<sample>-<i>`; everything
 * else, GPU types included, stays as in the sample, so each still fits the stack's pools.
 */
export function generatedDeclarations(environment: string, count: number): { file: string; text: string }[] {
  const samples = sampleDeclarations(environment);
  // The LLM first, so a single declaration is the heaviest kind (a Rollout with its Services,
  // routes and AnalysisTemplates) rather than the lightest.
  samples.sort((a, b) => Number(!a.text.includes("engine: vllm")) - Number(!b.text.includes("engine: vllm")));
  return Array.from({ length: count }, (_, i) => {
    const sample = samples[i % samples.length]!;
    const name = `${sample.name}-${String(i).padStart(3, "0")}`;
    const doc = parseDocument(sample.text);
    doc.setIn(["metadata", "name"], name);
    if (doc.hasIn(["spec", "model", "servedName"])) doc.setIn(["spec", "model", "servedName"], name);
    return { file: `${name}.yaml`, text: doc.toString() };
  });
}

export interface GeneratedRoot {
  readonly dir: string;
  /** Every stack in the root, as plan will order them (artifacts first). */
  readonly stacks: readonly string[];
  /** Declarations each cluster stack serves, by stack name. */
  readonly modelsPerStack: ReadonlyMap<string, number>;
  dispose(): void;
}

function newRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "ml-gitops-bench-root-"));
  copyFileSync(join(REPO, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  mkdirSync(join(dir, "stacks"));
  writeFileSync(join(dir, "stacks", `Pulumi.${ARTIFACT_STACK}.yaml`), stackText(ARTIFACT_STACK));
  return dir;
}

function writeDeclarations(dir: string, environment: string, files: readonly { file: string; text: string }[]): void {
  const envDir = join(dir, "deployments", environment);
  mkdirSync(envDir, { recursive: true });
  for (const f of files) writeFileSync(join(envDir, f.file), f.text);
}

function rootHandle(dir: string, modelsPerStack: ReadonlyMap<string, number>): GeneratedRoot {
  return { dir, stacks: [ARTIFACT_STACK, ...[...modelsPerStack.keys()].sort()], modelsPerStack, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The artifact store and one production cluster (us-east-1) serving `models` generated declarations. */
export function modelsRoot(models: number): GeneratedRoot {
  const template = clusterTemplates().find((t) => t.region === "us-east-1");
  if (!template) throw new Error("no sample cluster stack in us-east-1 to derive the models benchmark from");
  const dir = newRoot();
  const stack = "bench-models";
  writeFileSync(join(dir, "stacks", `Pulumi.${stack}.yaml`), derivedStack(template, "ml-bench-models"));
  writeDeclarations(dir, template.environment, generatedDeclarations(template.environment, models));
  return rootHandle(dir, new Map([[stack, models]]));
}

/**
 * The artifact store and `count` cluster stacks cycling through the sample stacks' regions,
 * each serving its environment's sample declarations (copied unchanged; environments may hold
 * different numbers of them).
 */
export function stacksRoot(count: number): GeneratedRoot {
  const templates = clusterTemplates();
  const dir = newRoot();
  const perEnvironment = new Map<string, number>();
  const perStack = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length]!;
    const stack = `bench-${t.region}-${String(i).padStart(2, "0")}`;
    writeFileSync(join(dir, "stacks", `Pulumi.${stack}.yaml`), derivedStack(t, `ml-bench-${i}-${t.region}`));
    if (!perEnvironment.has(t.environment)) {
      const samples = sampleDeclarations(t.environment);
      writeDeclarations(dir, t.environment, samples.map((s) => ({ file: `${s.name}.yaml`, text: s.text })));
      perEnvironment.set(t.environment, samples.length);
    }
    perStack.set(stack, perEnvironment.get(t.environment)!);
  }
  return rootHandle(dir, perStack);
}
