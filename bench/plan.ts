/**
 * `ml-gitops plan` as users run it: a fresh process running the real CLI (`node bin/ml-gitops
 * plan`, the compiled CLI in dist/) with the project root as cwd. Each run is checked against the root it was
 * given (its stacks, and each cluster stack's model count), so a CLI that silently planned the
 * repo's own declarations instead of the generated ones fails the benchmark rather than
 * producing a flattering figure.
 */
import { BIN, expectStatus, type ChildCase } from "./lib/cases";
import type { ChildRun } from "./lib/proc";
import { REPO, modelsRoot, stacksRoot, type GeneratedRoot } from "./lib/roots";

export interface StackLine {
  readonly stack: string;
  readonly resources: number;
  readonly models: number;
}

/** `stack <name> (<role>): <n> resources, <k> Kubernetes objects, <m> models` lines of the summary. */
export function stackLines(stdout: string): StackLine[] {
  return [...stdout.matchAll(/^stack (\S+) \(\w+\): (\d+) resources, \d+ Kubernetes objects, (\d+) models$/gm)].map((m) => ({
    stack: m[1]!,
    resources: Number(m[2]),
    models: Number(m[3]),
  }));
}

export function totalResources(run: ChildRun): number {
  return stackLines(run.stdout).reduce((n, s) => n + s.resources, 0);
}

function planCase(id: string, label: string, cwd: string, check: (lines: StackLine[]) => string | undefined): ChildCase {
  return {
    id,
    label,
    cwd,
    nodeArgs: [BIN, "plan"],
    verify: (run) => {
      expectStatus(run, [0], label);
      const problem = check(stackLines(run.stdout));
      if (problem) throw new Error(`${label}: ${problem}\n${run.stdout.slice(-2000)}`);
    },
  };
}

function sameStacks(lines: StackLine[], expected: readonly string[]): string | undefined {
  const got = lines.map((l) => l.stack).sort();
  const want = [...expected].sort();
  return got.join(",") === want.join(",") ? undefined : `planned stacks ${got.join(", ")}, expected ${want.join(", ")}`;
}

/** Every sample stack of the repo, with the repo as cwd. */
export function planSamples(sampleStacks: readonly string[]): ChildCase {
  return planCase("plan-samples", `plan: ${sampleStacks.length} sample stacks`, REPO, (lines) => sameStacks(lines, sampleStacks));
}

function generatedCase(id: string, label: string, root: GeneratedRoot): ChildCase {
  return planCase(id, label, root.dir, (lines) => {
    const wrong = sameStacks(lines, root.stacks);
    if (wrong) return wrong;
    const clusters = lines.filter((l) => l.stack !== "artifacts");
    const off = clusters.find((l) => l.models !== root.modelsPerStack.get(l.stack));
    return off ? `stack ${off.stack} planned ${off.models} models, but the generated root declares ${root.modelsPerStack.get(off.stack)}: was another root planned?` : undefined;
  });
}

export function planModels(models: number, roots: GeneratedRoot[]): ChildCase {
  const root = modelsRoot(models);
  roots.push(root);
  return generatedCase(`plan-models-${models}`, `plan: 1 stack, ${models} models`, root);
}

export function planStacks(count: number, roots: GeneratedRoot[]): ChildCase {
  const root = stacksRoot(count);
  roots.push(root);
  return generatedCase(`plan-stacks-${count}`, `plan: ${count} cluster stack${count === 1 ? "" : "s"}`, root);
}
