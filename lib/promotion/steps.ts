/**
 * Where a canary stands. `candidate.step` is a 0-based index into `spec.rollout.steps`; people
 * and commit messages count from 1 (`step 3/7`).
 */
import type { DeclaredStep } from "../deployments/types";

/** Traffic share of the candidate at step `index`: the last setWeight at or before it, 0 before any. */
export function weightAt(steps: readonly DeclaredStep[], index: number): number {
  let weight = 0;
  for (let i = 0; i <= index && i < steps.length; i++) {
    const w = steps[i]!.setWeight;
    if (w !== undefined) weight = w;
  }
  return weight;
}

/** `3/7` for index 2 of 7 steps. */
export function stepLabel(index: number, total: number): string {
  return `${index + 1}/${total}`;
}

/** What a step does, for status and advance output: `setWeight 25`, `pause 30m`, `pause (until advanced)`, `analysis slo`. */
export function describeStep(step: DeclaredStep): string {
  if (step.setWeight !== undefined) return `setWeight ${step.setWeight}`;
  if (step.pause !== undefined) return step.pause.duration ? `pause ${step.pause.duration}` : "pause (until advanced)";
  return `analysis ${step.analysis ?? "?"}`;
}
