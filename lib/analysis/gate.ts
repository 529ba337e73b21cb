/**
 * The KServe engine's analysis gate. Argo Rollouts runs the vLLM engine's analyses in the
 * cluster; a KServe canary moves only when `ml-gitops advance` commits its next step, so the
 * analysis runs there: the same queries (slo.ts) and the same verdicts (conditions.ts), over
 * the analysis's whole window (`count` × `interval`, looking back from now), against every
 * Prometheus the user names (one per cluster serving the environment). The evidence lands in
 * the advance commit as an `Analysis:` trailer.
 *
 * A failed or inconclusive measurement on any Prometheus stops the advance; a Prometheus that
 * cannot answer is an error (PrometheusError), never a pass.
 */
import type { Analysis, Candidate, ModelDeploymentDeclaration } from "../deployments/schema";
import { parseDurationSeconds } from "../predicates/canary-steps";
import { versionSlug } from "../render/inference-service";
import type { Verdict } from "./conditions";
import { queryVector } from "./prometheus";
import { kserveSelector, measure, metricSource, sloMetrics, type Measurement, type SloMetric } from "./slo";

/** Prometheus needs a few scrapes in a rate's window; shorter analyses are measured over this. */
export const MIN_GATE_WINDOW_SECONDS = 60;

/** The analysis window as a PromQL duration: `count` × `interval`, at least a minute. */
export function gateWindow(analysis: Analysis): string {
  const interval = parseDurationSeconds(analysis.interval);
  if (interval === undefined) throw new Error(`analysis interval ${analysis.interval} is not a duration`);
  return `${Math.max(MIN_GATE_WINDOW_SECONDS, interval * analysis.count)}s`;
}

/** The measurements that gate a KServe candidate: the analysis's thresholds, on the candidate's pods. */
export function gateMetrics(d: ModelDeploymentDeclaration, candidate: Pick<Candidate, "version">, analysis: Analysis): SloMetric[] {
  const { name, namespace } = d.metadata;
  const selector = kserveSelector(namespace, name, versionSlug(candidate.version));
  return sloMetrics(metricSource(d), selector, d.spec.model.servedName ?? name, analysis, gateWindow(analysis));
}

export interface GateRun {
  readonly prometheusUrl: string;
  readonly measurements: readonly Measurement[];
  readonly verdict: Verdict;
}

export interface GateResult {
  readonly analysis: string;
  readonly runs: readonly GateRun[];
  readonly verdict: Verdict;
}

/** Failed beats Inconclusive beats Successful. */
export function combine(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("Failed")) return "Failed";
  if (verdicts.includes("Inconclusive")) return "Inconclusive";
  return "Successful";
}

/** @throws PrometheusError when a Prometheus cannot answer. */
export async function runGate(
  d: ModelDeploymentDeclaration,
  candidate: Pick<Candidate, "version">,
  analysisName: string,
  prometheusUrls: readonly string[],
  options: { readonly time?: Date; readonly timeoutMs?: number } = {},
): Promise<GateResult> {
  const analysis = d.spec.rollout.analysis[analysisName];
  if (!analysis) throw new Error(`analysis ${analysisName} is not defined`);
  const metrics = gateMetrics(d, candidate, analysis);
  const runs: GateRun[] = [];
  for (const url of prometheusUrls) {
    const measurements = await Promise.all(metrics.map(async (m) => measure(m, await queryVector(url, m.query, options))));
    runs.push({ prometheusUrl: url, measurements, verdict: combine(measurements.map((m) => m.verdict)) });
  }
  return { analysis: analysisName, runs, verdict: combine(runs.map((r) => r.verdict)) };
}

/** A number for a trailer: up to four significant digits, no exponent for ordinary values. */
function show(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  return String(Number(value.toPrecision(4)));
}

const WORD: Record<Verdict, string> = { Successful: "pass", Failed: "fail", Inconclusive: "inconclusive" };

/** `p99_latency_ms=412<=2500 error_rate=0.002<=0.01 tokens_per_s=61>=40 pass`, one measurement per metric. */
export function evidence(run: GateRun): string {
  const parts = run.measurements.map(({ metric, values }) => {
    const measured = values.length === 0 ? "none" : values.map((v) => show(metric.toEvidence(v))).join("|");
    const bound = metric.bound.max !== undefined ? `<=${show(metric.toEvidence(metric.bound.max))}` : `>=${show(metric.toEvidence(metric.bound.min))}`;
    return `${metric.evidenceKey}=${measured}${bound}`;
  });
  return [...parts, WORD[run.verdict]].join(" ");
}

/** One `Analysis:` trailer value per Prometheus: `slo p99_latency_ms=… pass`, with the server when there are several. */
export function evidenceTrailers(result: GateResult): string[] {
  return result.runs.map((run) => `${result.analysis} ${evidence(run)}${result.runs.length > 1 ? ` at ${run.prometheusUrl}` : ""}`);
}
