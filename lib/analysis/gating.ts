/**
 * Who moves a canary's traffic and who gates each of its analysis steps, per engine: what the PR
 * summary's diagram and `ml-gitops status` tell people, decided once.
 */
import type { ParsedDeclaration } from "../deployments/schema";
import { versionSlug } from "../render/inference-service";
import { kservePredictorServiceName } from "../render/routing";
import { llmisvcName } from "../render/llm-inference-service";
import type { SloThresholds } from "./slo";

export interface TrafficPath {
  /** Who applies each step's weight. */
  readonly mover: string;
  /** Where the candidate's share goes, e.g. `HTTPRoute llama → llama-v2-predictor`. */
  readonly route: string;
}

export function trafficPath(d: ParsedDeclaration, kserveMode: "Standard" | "Knative"): TrafficPath {
  const { name } = d.metadata;
  if (d.spec.serving.engine === "vllm") return { mover: "Argo Rollouts (Gateway API plugin)", route: `HTTPRoute ${name} → ${name}-canary` };
  if (d.spec.serving.engine === "llm-inference-service") {
    const target = d.spec.candidate ? llmisvcName(name, d.spec.candidate.version) : "candidate LLMInferenceService";
    return { mover: "git (ml-gitops advance)", route: `KServe routing group ${name} → ${target}` };
  }
  if ((d.spec.serving.mode ?? kserveMode) === "Knative") return { mover: "git (ml-gitops advance)", route: "Knative route: canaryTrafficPercent → latest revision" };
  const target = d.spec.candidate ? kservePredictorServiceName(name, versionSlug(d.spec.candidate.version)) : "candidate predictor";
  return { mover: "git (ml-gitops advance)", route: `HTTPRoute ${name} → ${target}` };
}

/** Who runs an analysis step and stops a failing canary. */
export function analysisGate(d: ParsedDeclaration): string {
  return d.spec.serving.engine === "vllm" ? "Argo Rollouts AnalysisRun" : "ml-gitops advance --prometheus";
}

/** `p99 <= 800 ms, errors <= 1%, tokens/s >= 40`: the thresholds an analysis holds the candidate to. */
export function thresholdSummary(a: SloThresholds): string {
  const parts: [number | undefined, (v: number) => string][] = [
    [a.p99LatencyMs, (v) => `p99 <= ${v} ms`],
    [a.errorRatePercent, (v) => `errors <= ${v}%`],
    [a.p99TimeToFirstTokenMs, (v) => `p99 TTFT <= ${v} ms`],
    [a.p99InterTokenLatencyMs, (v) => `p99 ITL <= ${v} ms`],
    [a.minGenerationTokensPerSecond, (v) => `tokens/s per replica >= ${v}`],
    [a.maxKvCacheUsagePercent, (v) => `KV cache <= ${v}%`],
    [a.maxGpuMemoryUsagePercent, (v) => `GPU memory <= ${v}%`],
  ];
  return parts.flatMap(([v, text]) => (v !== undefined ? [text(v)] : [])).join(", ");
}

/** Which GPU-side metrics gate a model's canary, for the PR summary: empty when none. */
export function gpuGates(d: ParsedDeclaration): string[] {
  const out = new Set<string>();
  for (const a of Object.values(d.spec.rollout.analysis)) {
    if (a.minGenerationTokensPerSecond !== undefined) out.add("generation throughput (vLLM)");
    if (a.maxKvCacheUsagePercent !== undefined) out.add("KV-cache usage (vLLM)");
    if (a.maxGpuMemoryUsagePercent !== undefined) out.add("GPU memory (DCGM)");
  }
  return [...out];
}
