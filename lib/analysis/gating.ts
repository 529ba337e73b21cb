/**
 * Who moves a canary's traffic and who gates each of its analysis steps, per engine: what the PR
 * summary's diagram and `ml-gitops status` tell people, decided once.
 */
import type { ModelDeploymentDeclaration } from "../deployments/schema";
import { versionSlug } from "../render/inference-service";
import { kservePredictorServiceName } from "../render/routing";

export interface TrafficPath {
  /** Who applies each step's weight. */
  readonly mover: string;
  /** Where the candidate's share goes, e.g. `HTTPRoute llama → llama-v2-predictor`. */
  readonly route: string;
}

export function trafficPath(d: ModelDeploymentDeclaration, kserveMode: "Standard" | "Knative"): TrafficPath {
  const { name } = d.metadata;
  if (d.spec.serving.engine === "vllm") return { mover: "Argo Rollouts (Gateway API plugin)", route: `HTTPRoute ${name} → ${name}-canary` };
  if ((d.spec.serving.mode ?? kserveMode) === "Knative") return { mover: "git (ml-gitops advance)", route: "Knative route: canaryTrafficPercent → latest revision" };
  const target = d.spec.candidate ? kservePredictorServiceName(name, versionSlug(d.spec.candidate.version)) : "candidate predictor";
  return { mover: "git (ml-gitops advance)", route: `HTTPRoute ${name} → ${target}` };
}

/** Who runs an analysis step and stops a failing canary. */
export function analysisGate(d: ModelDeploymentDeclaration): string {
  return d.spec.serving.engine === "vllm" ? "Argo Rollouts AnalysisRun" : "ml-gitops advance --prometheus";
}

/** `p99 <= 800 ms, errors <= 1%`: the thresholds an analysis holds the candidate to. */
export function thresholdSummary(a: { p99LatencyMs?: number | undefined; errorRatePercent?: number | undefined }): string {
  return [a.p99LatencyMs !== undefined ? `p99 <= ${a.p99LatencyMs} ms` : undefined, a.errorRatePercent !== undefined ? `errors <= ${a.errorRatePercent}%` : undefined]
    .filter((s) => s !== undefined)
    .join(", ");
}
