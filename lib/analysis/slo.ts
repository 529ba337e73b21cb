/**
 * The PromQL of every canary analysis, written once: the vLLM engine's AnalysisTemplates (Argo
 * Rollouts runs them) and the KServe engine's gate (`ml-gitops advance` runs it) both take their
 * queries and their verdicts from here.
 *
 * Where the numbers come from, per engine (what the model server really exports, read at the
 * pinned versions):
 * - `vllm` (vLLM's OpenAI server in an Argo Rollout, scraped on its API port): latency from the
 *   `vllm:e2e_request_latency_seconds` histogram (label `model_name`, the served name), errors
 *   from `http_requests_total{handler,status}` that the server's prometheus-fastapi-instrumentator
 *   exports, with status codes grouped as "5xx" (prometheus-fastapi-instrumentator@v8.0.2:
 *   middleware.py). The canary's pods are the ones with the canary's pod-template hash, which
 *   Argo passes as an argument.
 * - `kserve` with the Hugging Face runtime: KServe v0.20.0's huggingfaceserver runs vLLM's engine
 *   in-process and serves the default registry, `vllm:*` included, on :8080/metrics
 *   (kserve/kserve@v0.20.0:python/huggingfaceserver/huggingfaceserver/vllm/vllm_model.py,
 *   python/kserve/kserve/protocol/rest/server.py metrics_handler), but no HTTP status counter.
 *   The error rate is the share of finished requests the engine aborted
 *   (`vllm:request_success_total{finished_reason="abort"}`), the only per-predictor failure
 *   signal it exports; client disconnects count too, which errs on the side of stopping.
 * - `kserve` with any other runtime (xgboost, sklearn, …): KServe's Python model server exports
 *   only latency histograms, `request_predict_seconds{model_name}`
 *   (kserve/kserve@v0.20.0:python/kserve/kserve/metrics.py). There is no error signal, so an
 *   error-rate threshold for these is refused when the declaration is loaded
 *   (`errorRateMeasurable`), never silently passed.
 * - `llm-inference-service` (KServe v0.20.0's LLMInferenceService): the controller runs `vllm serve`
 *   (vLLM's OpenAI server) in the `main` container on port 8000 with `--served-model-name
 *   <spec.model.name> publishers/<namespace>/models/<spec.model.name>`
 *   (kserve/kserve@v0.20.0:charts/kserve-runtime-configs/files/llmisvcconfigs/resources.yaml,
 *   kserve-config-llm-template), so it exports what the vllm engine's server does: `vllm:*` with
 *   `model_name` the first served name, and `http_requests_total{handler,status}`. Only the
 *   selector differs: the version label our PodMonitor copies, as for KServe.
 *
 * Token latencies (vLLM engine metrics, every vLLM source): time to first token from
 * `vllm:time_to_first_token_seconds`, inter-token latency from `vllm:inter_token_latency_seconds`
 * (vllm-project/vllm:vllm/v1/metrics/loggers.py, PrometheusStatLogger; its older
 * `vllm:time_per_output_token_seconds` is documented there as deprecated in favour of
 * `vllm:inter_token_latency_seconds`). Read in stored versions of that file: the vLLM repository
 * is too large to fetch here, so the exact tags (vllm 0.24.0, which KServe v0.20.0 pins in
 * python/kserve/pyproject.toml, and the llm-d-cuda v0.8.0 image its LLM template runs) were not
 * read; both names are exported side by side in the versions read. A p99 over no requests is
 * NaN, hence Inconclusive.
 *
 * The candidate's KServe pods are told apart by the labels the model's PodMonitor copies from
 * the pods (lib/render/monitoring.ts): `ml_gitops_model` and `ml_gitops_version`.
 *
 * Empty and NaN are handled in the conditions (conditions.ts); the error ratio's numerator is
 * `or on() vector(0)` so that a canary with traffic and no errors measures 0, not nothing.
 *
 * GPU-side thresholds (issue: GPU metrics the canary can gate on):
 * - generation throughput per replica, from vLLM's `vllm:generation_tokens_total` (every vLLM
 *   source): tokens/s summed over the candidate's pods divided by how many pods report. With no
 *   finished request in the window it is empty (`and on() (… > 0)`), so an idle canary is
 *   Inconclusive, not a throughput failure;
 * - KV-cache usage, vLLM's `vllm:kv_cache_usage_perc` gauge (0–1), the highest over the window
 *   on any candidate pod;
 * - GPU memory use from NVIDIA's DCGM exporter (`DCGM_FI_DEV_FB_USED` / (`…USED` + `…FREE`), MiB;
 *   NVIDIA/dcgm-exporter@4.5.3-4.8.2:etc/default-counters.csv), which labels each GPU's series
 *   with the `namespace` and `pod` using it (internal/pkg/transformation/const.go). DCGM series
 *   carry none of our labels, so they are joined on (namespace, pod) with `up` of the candidate's
 *   scrape targets, which do.
 */
import type { ParsedDeclaration } from "../deployments/schema";
import { argoConditions, type Bound, type Verdict, verdict } from "./conditions";

/** Where a model's metrics come from: which server exports them. */
export type MetricSource = "vllm-openai" | "kserve-vllm" | "kserve-model-server" | "llmisvc-vllm";

export function metricSource(d: ParsedDeclaration): MetricSource {
  const engine = d.spec.serving.engine;
  switch (engine) {
    case "vllm":
      return "vllm-openai";
    case "llm-inference-service":
      return "llmisvc-vllm";
    case "kserve":
      return d.spec.model.format === "huggingface" ? "kserve-vllm" : "kserve-model-server";
    default: {
      const never: never = engine;
      throw new Error(`unknown engine ${String(never)}`);
    }
  }
}

/** Whether the model server exports anything an error rate can be computed from. */
export function errorRateMeasurable(source: MetricSource): boolean {
  return source !== "kserve-model-server";
}

/** The labels our PodMonitors put on every scraped series, from the pods' labels. */
export const SCRAPED_LABELS = {
  /** From the pod label `ml-gitops.dev/model`. */
  model: "ml_gitops_model",
  /** From the pod label `ml-gitops.dev/version` (the version slug of the predictor's artifact). */
  version: "ml_gitops_version",
  /** From the pod label Argo Rollouts sets on every pod of a ReplicaSet. */
  podTemplateHash: "rollouts_pod_template_hash",
} as const;

/** Which pods a query reads: label matchers, without braces. */
export type Selector = string;

export function kserveSelector(namespace: string, model: string, versionSlug: string): Selector {
  return `namespace="${namespace}",${SCRAPED_LABELS.model}="${model}",${SCRAPED_LABELS.version}="${versionSlug}"`;
}

/** The canary's pods of a Rollout, by the hash Argo passes to the analysis as an argument. */
export function rolloutSelector(namespace: string, hashArgument: string): Selector {
  return `namespace="${namespace}",${SCRAPED_LABELS.podTemplateHash}="{{args.${hashArgument}}}"`;
}

export type SloMetricName =
  | "p99-latency"
  | "error-rate"
  | "p99-time-to-first-token"
  | "p99-inter-token-latency"
  | "generation-throughput"
  | "kv-cache-usage"
  | "gpu-memory-usage";

/** One measurement: its query, the bound its value must stay under, and how to show it. */
export interface SloMetric {
  readonly name: SloMetricName;
  /** Key in the `Analysis:` trailer, with its unit. */
  readonly evidenceKey: "p99_latency_ms" | "error_rate" | "p99_ttft_ms" | "p99_itl_ms" | "tokens_per_s" | "kv_cache_usage" | "gpu_memory_usage";
  readonly query: string;
  /** In the query's unit (seconds for latency, ratios for errors and usage, tokens/s). */
  readonly bound: Bound;
  /** The query's value in the evidence's unit. */
  readonly toEvidence: (value: number) => number;
}

export interface SloThresholds {
  readonly p99LatencyMs?: number | undefined;
  readonly errorRatePercent?: number | undefined;
  readonly p99TimeToFirstTokenMs?: number | undefined;
  readonly p99InterTokenLatencyMs?: number | undefined;
  readonly minGenerationTokensPerSecond?: number | undefined;
  readonly maxKvCacheUsagePercent?: number | undefined;
  readonly maxGpuMemoryUsagePercent?: number | undefined;
}

/** Whether the model server exports vLLM's engine metrics (throughput, KV cache). */
export function vllmMetricsExported(source: MetricSource): boolean {
  return source !== "kserve-model-server";
}

/** Which series a source's latency and errors come from. */
function series(source: MetricSource, sel: Selector, servedName: string) {
  switch (source) {
    case "vllm-openai":
    case "llmisvc-vllm":
      return {
        latencyBucket: `vllm:e2e_request_latency_seconds_bucket{${sel},model_name="${servedName}"}`,
        errors: `http_requests_total{${sel},handler=~"/v1/.*",status=~"5.."}`,
        requests: `http_requests_total{${sel},handler=~"/v1/.*"}`,
      };
    case "kserve-vllm":
      return {
        latencyBucket: `vllm:e2e_request_latency_seconds_bucket{${sel}}`,
        errors: `vllm:request_success_total{${sel},finished_reason="abort"}`,
        requests: `vllm:request_success_total{${sel}}`,
      };
    case "kserve-model-server":
      return { latencyBucket: `request_predict_seconds_bucket{${sel}}` };
    default: {
      const never: never = source;
      throw new Error(`unknown metric source ${String(never)}`);
    }
  }
}

/**
 * The measurements for a set of thresholds, over `window` (a PromQL duration such as `5m`).
 * Only thresholds that are declared are measured.
 */
export function sloMetrics(source: MetricSource, sel: Selector, servedName: string, thresholds: SloThresholds, window: string): SloMetric[] {
  const s = series(source, sel, servedName);
  const out: SloMetric[] = [];
  if (thresholds.p99LatencyMs !== undefined) {
    out.push({
      name: "p99-latency",
      evidenceKey: "p99_latency_ms",
      query: `histogram_quantile(0.99, sum by (le) (rate(${s.latencyBucket}[${window}])))`,
      bound: { max: thresholds.p99LatencyMs / 1000 },
      toEvidence: (v) => v * 1000,
    });
  }
  if (thresholds.errorRatePercent !== undefined) {
    if (!("errors" in s)) throw new Error(`${source} exports no error signal; the loader refuses errorRatePercent for it`);
    out.push({
      name: "error-rate",
      evidenceKey: "error_rate",
      query: `(sum(rate(${s.errors}[${window}])) or on() vector(0)) / sum(rate(${s.requests}[${window}]))`,
      bound: { max: thresholds.errorRatePercent / 100 },
      toEvidence: (v) => v,
    });
  }
  const needsVllm = (what: string) => {
    if (!vllmMetricsExported(source)) throw new Error(`${source} exports no vLLM engine metrics; the loader refuses ${what} for it`);
  };
  // vLLM's OpenAI server labels its histograms with the served name; KServe's in-process engine
  // is selected by the pods' labels alone (the kserve-vllm latency above does the same).
  const engineSeries = (metric: string) => `${metric}{${sel}${source === "kserve-vllm" ? "" : `,model_name="${servedName}"`}}`;
  const tokenLatency = (name: "p99-time-to-first-token" | "p99-inter-token-latency", metric: string, ms: number): SloMetric => ({
    name,
    evidenceKey: name === "p99-time-to-first-token" ? "p99_ttft_ms" : "p99_itl_ms",
    query: `histogram_quantile(0.99, sum by (le) (rate(${engineSeries(`${metric}_bucket`)}[${window}])))`,
    bound: { max: ms / 1000 },
    toEvidence: (v) => v * 1000,
  });
  if (thresholds.p99TimeToFirstTokenMs !== undefined) {
    needsVllm("p99TimeToFirstTokenMs");
    out.push(tokenLatency("p99-time-to-first-token", "vllm:time_to_first_token_seconds", thresholds.p99TimeToFirstTokenMs));
  }
  if (thresholds.p99InterTokenLatencyMs !== undefined) {
    needsVllm("p99InterTokenLatencyMs");
    out.push(tokenLatency("p99-inter-token-latency", "vllm:inter_token_latency_seconds", thresholds.p99InterTokenLatencyMs));
  }
  if (thresholds.minGenerationTokensPerSecond !== undefined) {
    needsVllm("minGenerationTokensPerSecond");
    const tokens = `vllm:generation_tokens_total{${sel}}`;
    out.push({
      name: "generation-throughput",
      evidenceKey: "tokens_per_s",
      query: `(sum(rate(${tokens}[${window}])) / count(count by (pod) (${tokens}))) and on() (sum(rate(vllm:request_success_total{${sel}}[${window}])) > 0)`,
      bound: { min: thresholds.minGenerationTokensPerSecond },
      toEvidence: (v) => v,
    });
  }
  if (thresholds.maxKvCacheUsagePercent !== undefined) {
    needsVllm("maxKvCacheUsagePercent");
    out.push({
      name: "kv-cache-usage",
      evidenceKey: "kv_cache_usage",
      query: `max(max_over_time(vllm:kv_cache_usage_perc{${sel}}[${window}]))`,
      bound: { max: thresholds.maxKvCacheUsagePercent / 100 },
      toEvidence: (v) => v,
    });
  }
  if (thresholds.maxGpuMemoryUsagePercent !== undefined) {
    const used = "DCGM_FI_DEV_FB_USED";
    const free = "DCGM_FI_DEV_FB_FREE";
    out.push({
      name: "gpu-memory-usage",
      evidenceKey: "gpu_memory_usage",
      query: `max((${used} / (${used} + ${free})) * on(namespace, pod) group_left() max by (namespace, pod) (up{${sel}}))`,
      bound: { max: thresholds.maxGpuMemoryUsagePercent / 100 },
      toEvidence: (v) => v,
    });
  }
  return out;
}

/** An Argo Rollouts AnalysisTemplate metric for one measurement. */
export function argoMetric(metric: SloMetric, prometheusUrl: string, timing: Record<string, unknown>): Record<string, unknown> {
  return { ...timing, name: metric.name, provider: { prometheus: { address: prometheusUrl, query: metric.query } }, ...argoConditions(metric.bound) };
}

/** What one measurement of the gate found. */
export interface Measurement {
  readonly metric: SloMetric;
  /** The vector's values, as Argo hands them to its conditions. */
  readonly values: readonly number[];
  readonly verdict: Verdict;
}

export function measure(metric: SloMetric, values: readonly number[]): Measurement {
  return { metric, values, verdict: verdict(values, metric.bound) };
}
