/**
 * A normalized canary step model shared by the Argo Rollout policy and the ModelDeployment
 * declaration loader, so both refuse the same step lists with the same words.
 */

export type CanaryStep =
  | { kind: "setWeight"; weight: number }
  | { kind: "pause"; durationSeconds?: number }
  | { kind: "analysis"; ref?: string }
  | { kind: "other"; name: string };

export interface CanaryRules {
  /** Highest weight the first setWeight may send to the candidate. @default 25 */
  maxInitialWeight: number;
  /** At least one analysis step, or a background analysis. @default true */
  requireAnalysis: boolean;
}

export const DEFAULT_CANARY_RULES: CanaryRules = { maxInitialWeight: 25, requireAnalysis: true };

export interface StepProblem {
  /** Index of the offending step; -1 for a problem with the list as a whole. */
  index: number;
  /** Where, relative to the step list, e.g. `steps[2].setWeight`. */
  field: string;
  message: string;
}

export interface StepOptions {
  /** An analysis that runs for the whole rollout (Argo `canary.analysis`). */
  backgroundAnalysis?: boolean;
  /** Refuse a setWeight equal to the previous one, not only a lower one. @default false */
  strictlyIncreasing?: boolean;
}

export function validateCanarySteps(steps: readonly CanaryStep[], rules: CanaryRules, opts: StepOptions = {}): StepProblem[] {
  const problems: StepProblem[] = [];
  let previous: { index: number; weight: number; gated: boolean } | undefined;
  let first = true;
  const ungated = (p: { index: number; weight: number }, before: string): void => {
    problems.push({
      index: p.index,
      field: `steps[${p.index}].setWeight`,
      message: `weight ${p.weight} is not followed by a pause or analysis ${before}; add a pause or analysis step after it so the candidate is observed at this weight`,
    });
  };
  steps.forEach((step, index) => {
    if (step.kind === "pause" || step.kind === "analysis") {
      if (previous) previous.gated = true;
      return;
    }
    if (step.kind !== "setWeight") return;
    const field = `steps[${index}].setWeight`;
    const weight = step.weight;
    if (!Number.isFinite(weight) || weight < 0 || weight > 100) {
      problems.push({ index, field, message: `weight ${weight} is outside 0–100; use a percentage between 0 and 100` });
      return;
    }
    if (first && weight > rules.maxInitialWeight) {
      problems.push({ index, field, message: `the first weight ${weight} is above maxInitialWeight ${rules.maxInitialWeight}; start at ${rules.maxInitialWeight} or less` });
    }
    first = false;
    if (previous) {
      if (weight < previous.weight) {
        problems.push({ index, field, message: `weight ${weight} is lower than the previous weight ${previous.weight}; weights must not decrease` });
      } else if (opts.strictlyIncreasing && weight === previous.weight) {
        problems.push({ index, field, message: `weight ${weight} repeats the previous weight; each setWeight must increase the candidate's share` });
      }
      if (!previous.gated && previous.weight < 100) ungated(previous, "before the next setWeight");
    }
    previous = { index, weight, gated: false };
  });
  if (previous && !previous.gated && previous.weight < 100) ungated(previous, "before the rollout completes");
  if (rules.requireAnalysis && !opts.backgroundAnalysis && !steps.some((s) => s.kind === "analysis")) {
    problems.push({ index: -1, field: "steps", message: "has no analysis step and there is no background analysis; add an analysis step so a bad candidate is rolled back automatically" });
  }
  return problems;
}

/**
 * Argo-style durations: a bare number or digit string is seconds; otherwise Go duration syntax
 * ("30s", "10m", "1h", "1h30m", "500ms"). Negative or malformed durations give undefined.
 */
export function parseDurationSeconds(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  if (/^[0-9]+$/.test(text)) return Number(text);
  if (!/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(text)) return undefined;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function templateNames(templates: unknown, key: string): string[] {
  return (Array.isArray(templates) ? templates : []).map((t) => (isRecord(t) && typeof t[key] === "string" ? (t[key] as string) : undefined)).filter((n): n is string => n !== undefined);
}

/**
 * Maps Argo Rollout canary steps (and our declarations' steps, whose `analysis` is the name of
 * an analysis as a string) to the normalized model. Anything unrecognised becomes `other`.
 */
export function fromArgoRolloutSteps(steps: unknown[]): CanaryStep[] {
  return steps.map((step): CanaryStep => {
    if (!isRecord(step)) return { kind: "other", name: typeof step };
    if ("setWeight" in step && step.setWeight !== undefined) {
      const w = step.setWeight;
      return { kind: "setWeight", weight: typeof w === "number" ? w : typeof w === "string" && w.trim() !== "" ? Number(w) : Number.NaN };
    }
    if ("pause" in step) {
      const duration = isRecord(step.pause) ? step.pause.duration : undefined;
      const seconds = typeof duration === "string" || typeof duration === "number" ? parseDurationSeconds(duration) : undefined;
      return seconds === undefined ? { kind: "pause" } : { kind: "pause", durationSeconds: seconds };
    }
    if ("analysis" in step) {
      if (typeof step.analysis === "string") return { kind: "analysis", ref: step.analysis };
      // Argo runs no AnalysisRun for a step without templates and moves on
      // (argo-rollouts@v1.9.1 rollout/analysis.go reconcileStepBasedAnalysisRun), so it gates nothing.
      const names = templateNames(isRecord(step.analysis) ? step.analysis.templates : undefined, "templateName");
      return names.length > 0 ? { kind: "analysis", ref: names.join(",") } : { kind: "other", name: "analysis without templates" };
    }
    if ("experiment" in step) {
      // An experiment's analyses abort the rollout when they fail (argo-rollouts@v1.9.1
      // rollout/experiment.go reconcileExperiments: AnalysisPhaseFailed/Error → AddAbort), so an
      // experiment step with analyses is a gate; without, it only runs pods.
      const names = templateNames(isRecord(step.experiment) ? step.experiment.analyses : undefined, "templateName");
      return names.length > 0 ? { kind: "analysis", ref: names.join(",") } : { kind: "other", name: "experiment" };
    }
    return { kind: "other", name: Object.keys(step)[0] ?? "empty" };
  });
}
