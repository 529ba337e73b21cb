/**
 * Every analysis we render, run through a real Prometheus on synthetic series shaped like what
 * the model servers export and our PodMonitors scrape, and judged with Argo Rollouts' semantics
 * (test/support/argo-expr.ts) or, for the KServe gate, with the gate's own code.
 *
 * Scenarios per model, all in one TSDB and told apart only by the labels the queries select on
 * (a canary pod-template hash, a version slug), beside a misbehaving stable that must not leak
 * into any verdict:
 * - healthy: traffic, no 5xx series at all (the numerator is empty, as on a real cluster
 *   before the first error), latencies far below every threshold → Successful;
 * - slow: p99 above the threshold, and so are the time to first token and the inter-token
 *   latency → every latency Failed, errors Successful;
 * - erroring: error ratio above the threshold → error-rate Failed, p99 Successful;
 * - idle: the series exist but no request arrives (0/0, quantile of empty buckets) → Inconclusive;
 * - absent: no series at all (pods never scraped) → Inconclusive;
 * - saturated: fast and error-free, but generating too few tokens per replica, with the KV cache
 *   and GPU memory past their limits → the GPU-side metrics Failed, the rest Successful.
 * GPU memory comes from DCGM exporter series that carry only `namespace` and `pod`, as the
 * exporter labels them, so the query's join with the candidate's scrape targets is exercised.
 * Never `Error`: an Error would abort a healthy canary after the consecutive-error limit.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { argoConditions, verdict } from "../../lib/analysis/conditions";
import { gateMetrics, runGate } from "../../lib/analysis/gate";
import { metricSource, SCRAPED_LABELS, type MetricSource, type SloMetricName, type SloThresholds } from "../../lib/analysis/slo";
import { loadDeployments } from "../../lib/deployments/loader";
import { GATED_BY_ADVANCE } from "../../lib/promotion/transitions";
import type { ModelDeploymentDeclaration } from "../../lib/deployments/schema";
import type { LoadedDeployment } from "../../lib/deployments/types";
import { versionSlug } from "../../lib/render/inference-service";
import { renderModel, type KubeObject } from "../../lib/render/model-manifests";
import { argoPhase } from "../support/argo-expr";
import { OpenMetrics } from "../support/open-metrics";
import { assertPrometheusInstalled, prometheusSkip, startPrometheus, type RunningPrometheus } from "../support/prometheus";

const ROOT = path.resolve(__dirname, "../..");
/** The moment every query is evaluated at: the last sample. */
const END = Math.floor(Date.parse("2026-06-01T12:00:00Z") / 1000);
const REQUESTS_PER_STEP = 40;

type Scenario = "healthy" | "slow" | "erroring" | "idle" | "absent" | "saturated";
const SCENARIOS: readonly Scenario[] = ["healthy", "slow", "erroring", "idle", "absent", "saturated"];

const OK = { "generation-throughput": "Successful", "kv-cache-usage": "Successful", "gpu-memory-usage": "Successful" } as const;
const FAST = { "p99-time-to-first-token": "Successful", "p99-inter-token-latency": "Successful" } as const;
const NO_TOKENS = { "p99-time-to-first-token": "Inconclusive", "p99-inter-token-latency": "Inconclusive" } as const;
const EXPECTED: Record<Scenario, Record<SloMetricName, string>> = {
  healthy: { "p99-latency": "Successful", "error-rate": "Successful", ...FAST, ...OK },
  slow: { "p99-latency": "Failed", "error-rate": "Successful", "p99-time-to-first-token": "Failed", "p99-inter-token-latency": "Failed", ...OK },
  erroring: { "p99-latency": "Successful", "error-rate": "Failed", ...FAST, ...OK },
  // An idle model still holds its KV cache and GPU memory: those are real readings, within bounds.
  idle: { "p99-latency": "Inconclusive", "error-rate": "Inconclusive", ...NO_TOKENS, "generation-throughput": "Inconclusive", "kv-cache-usage": "Successful", "gpu-memory-usage": "Successful" },
  absent: { "p99-latency": "Inconclusive", "error-rate": "Inconclusive", ...NO_TOKENS, "generation-throughput": "Inconclusive", "kv-cache-usage": "Inconclusive", "gpu-memory-usage": "Inconclusive" },
  saturated: { "p99-latency": "Successful", "error-rate": "Successful", ...FAST, "generation-throughput": "Failed", "kv-cache-usage": "Failed", "gpu-memory-usage": "Failed" },
};

interface Range {
  readonly min: number;
  readonly max: number;
}

interface Thresholds {
  readonly minLatencyS: number;
  readonly maxLatencyS: number;
  /** Time to first token and inter-token latency bounds, in seconds. */
  readonly ttftS: Range;
  readonly itlS: Range;
  readonly maxErrorRatio: number;
  readonly minTokensPerSecond: number;
  readonly maxKvCache: number;
  readonly maxGpuMemory: number;
}

/** Every threshold a model's analyses use, so one scenario's data fits all of its templates. */
function thresholdsOf(d: ModelDeploymentDeclaration): Thresholds {
  const sets = [...Object.values(d.spec.rollout.analysis), ...(d.spec.drift ? [d.spec.drift.autoRollback] : [])];
  const latencies = sets.flatMap((s) => (s.p99LatencyMs !== undefined ? [s.p99LatencyMs / 1000] : []));
  const errors = sets.flatMap((s) => (s.errorRatePercent !== undefined ? [s.errorRatePercent / 100] : []));
  const over = (key: "minGenerationTokensPerSecond" | "maxKvCacheUsagePercent" | "maxGpuMemoryUsagePercent" | "p99TimeToFirstTokenMs" | "p99InterTokenLatencyMs") =>
    sets.flatMap((s) => ((s as SloThresholds)[key] !== undefined ? [(s as SloThresholds)[key]!] : []));
  const range = (ms: number[]): Range => ({ min: Math.min(...ms, 1000) / 1000, max: Math.max(...ms, 1) / 1000 });
  return {
    minLatencyS: Math.min(...latencies, 1),
    maxLatencyS: Math.max(...latencies, 0.001),
    ttftS: range(over("p99TimeToFirstTokenMs")),
    itlS: range(over("p99InterTokenLatencyMs")),
    maxErrorRatio: Math.max(...errors, 0),
    minTokensPerSecond: Math.max(...over("minGenerationTokensPerSecond"), 1),
    maxKvCache: Math.min(...over("maxKvCacheUsagePercent").map((p) => p / 100), 1),
    maxGpuMemory: Math.min(...over("maxGpuMemoryUsagePercent").map((p) => p / 100), 1),
  };
}

/** The pods' identity for a scenario: what our PodMonitor relabelings put on every series. */
function podLabels(d: ModelDeploymentDeclaration, source: MetricSource, scenario: string): Record<string, string> {
  const base = { namespace: d.metadata.namespace, pod: `${d.metadata.name}-${scenario}-0`, [SCRAPED_LABELS.model]: d.metadata.name };
  return source === "vllm-openai" ? { ...base, [SCRAPED_LABELS.podTemplateHash]: `hash-${scenario}` } : { ...base, [SCRAPED_LABELS.version]: versionSlug(scenario) };
}

/** Series for one model in one scenario, shaped like its server's /metrics. */
function seriesFor(om: OpenMetrics, d: ModelDeploymentDeclaration, scenario: Scenario | "stable", t: Thresholds): void {
  if (scenario === "absent") return;
  const source = metricSource(d);
  const labels = podLabels(d, source, scenario);
  const requests = scenario === "idle" ? 0 : REQUESTS_PER_STEP;
  const errorRatio = scenario === "erroring" || scenario === "stable" ? Math.min(0.5, t.maxErrorRatio * 5 + 0.05) : 0;
  const errors = Math.round(requests * errorRatio);
  const slow = scenario === "slow" || scenario === "stable";
  const latency = slow ? t.maxLatencyS * 3 : t.minLatencyS / 4;
  const bucketsAround = (min: number, max: number) => [...new Set([min / 8, min / 4, min / 2, min, max, max * 2, max * 4])].sort((a, b) => a - b);
  const bounds = bucketsAround(t.minLatencyS, t.maxLatencyS);
  const served = d.spec.model.servedName ?? d.metadata.name;
  const saturated = scenario === "saturated";
  // Every scraped pod has an `up` series with the labels our PodMonitor gives it; DCGM joins on it.
  om.gauge("up", { ...labels, job: `${d.metadata.namespace}/${d.metadata.name}` }, () => 1);
  if (d.spec.serving.gpu.count > 0) {
    const total = 81559;
    const usedRatio = saturated ? t.maxGpuMemory + (1 - t.maxGpuMemory) / 2 : t.maxGpuMemory / 2;
    const gpu = { gpu: "0", modelName: "NVIDIA H100 80GB HBM3", namespace: labels.namespace!, pod: labels.pod!, container: "kserve-container" };
    om.gauge("DCGM_FI_DEV_FB_USED", gpu, () => Math.round(total * usedRatio));
    om.gauge("DCGM_FI_DEV_FB_FREE", gpu, () => total - Math.round(total * usedRatio));
  }
  if (source !== "kserve-model-server") {
    // vLLM's OpenAI server (the vllm engine, and `vllm serve` in an LLMInferenceService) labels
    // its series with the served name; KServe's in-process engine with the model's name.
    const engine = { ...labels, engine: "0", model_name: source === "kserve-vllm" ? d.metadata.name : served };
    // Tokens per step for this one pod: four times the minimum rate when healthy, a quarter when saturated.
    const tokensPerStep = (saturated ? t.minTokensPerSecond / 4 : t.minTokensPerSecond * 4) * 15;
    om.counter("vllm:generation_tokens", engine, () => (requests > 0 ? tokensPerStep : 0));
    om.gauge("vllm:kv_cache_usage_perc", engine, () => (saturated ? t.maxKvCache + (1 - t.maxKvCache) / 2 : requests > 0 ? t.maxKvCache / 2 : 0));
    if (source !== "kserve-vllm") om.counter("vllm:request_success", { ...engine, finished_reason: "stop" }, () => requests - errors);
    // Token latencies: a quarter of the tightest bound when fast, three times the loosest when slow.
    om.histogram("vllm:time_to_first_token_seconds", engine, bucketsAround(t.ttftS.min, t.ttftS.max), slow ? t.ttftS.max * 3 : t.ttftS.min / 4, () => requests);
    om.histogram("vllm:inter_token_latency_seconds", engine, bucketsAround(t.itlS.min, t.itlS.max), slow ? t.itlS.max * 3 : t.itlS.min / 4, () => requests);
  }
  switch (source) {
    case "vllm-openai":
    case "llmisvc-vllm":
      om.histogram("vllm:e2e_request_latency_seconds", { ...labels, engine: "0", model_name: served }, bounds, latency, () => requests - errors);
      om.counter("http_requests", { ...labels, handler: "/v1/chat/completions", method: "POST", status: "2xx" }, () => requests - errors);
      // Probes are excluded by the handler filter; if they were not, they would hide every error.
      om.counter("http_requests", { ...labels, handler: "/health", method: "GET", status: "2xx" }, () => 100);
      // Healthy pods have never answered a 5xx: the series does not exist yet.
      if (errors > 0) om.counter("http_requests", { ...labels, handler: "/v1/chat/completions", method: "POST", status: "5xx" }, () => errors);
      break;
    case "kserve-vllm":
      om.histogram("vllm:e2e_request_latency_seconds", { ...labels, engine: "0", model_name: d.metadata.name }, bounds, latency, () => requests - errors);
      // vLLM creates every finished_reason series at 0 when it starts.
      om.counter("vllm:request_success", { ...labels, engine: "0", finished_reason: "stop", model_name: d.metadata.name }, () => requests - errors);
      om.counter("vllm:request_success", { ...labels, engine: "0", finished_reason: "length", model_name: d.metadata.name }, () => 0);
      om.counter("vllm:request_success", { ...labels, engine: "0", finished_reason: "abort", model_name: d.metadata.name }, () => errors);
      break;
    case "kserve-model-server":
      om.histogram("request_predict_seconds", { ...labels, model_name: d.metadata.name }, bounds, latency, () => requests);
      break;
  }
}

const ENVIRONMENTS = ["production", "staging"] as const;

function samples(): { deployment: LoadedDeployment; thresholds: Thresholds }[] {
  return ENVIRONMENTS.flatMap((env) =>
    loadDeployments(ROOT, env, { defaultKServeMode: "Standard" }).map((deployment) => ({ deployment, thresholds: thresholdsOf(deployment.declaration) })),
  );
}

describe("canary analyses on a real Prometheus", { skip: prometheusSkip }, () => {
  // One Prometheus per environment, as each cluster has its own: the same model name serves in
  // both environments with different thresholds.
  const proms = new Map<string, RunningPrometheus>();
  const models = samples();
  const at = new Date(END * 1000);
  const promFor = (d: LoadedDeployment): RunningPrometheus => proms.get(d.environment)!;

  before(async () => {
    assertPrometheusInstalled();
    for (const env of ENVIRONMENTS) {
      const om = new OpenMetrics(END);
      for (const { deployment, thresholds } of models.filter((m) => m.deployment.environment === env)) {
        seriesFor(om, deployment.declaration, "stable", thresholds);
        for (const scenario of SCENARIOS) seriesFor(om, deployment.declaration, scenario, thresholds);
      }
      proms.set(env, await startPrometheus(om.toString()));
    }
  });
  after(async () => {
    for (const p of proms.values()) await p.stop();
  });

  it("judges every AnalysisTemplate of every sample declaration as Argo Rollouts would, per scenario", async () => {
    const seen: string[] = [];
    for (const { deployment } of models) {
      const prom = promFor(deployment);
      const templates = renderModel(deployment, { kserveMode: "Standard", storageServiceAccount: "sa", prometheusUrl: prom.url }).filter((o: KubeObject) => o.kind === "AnalysisTemplate");
      for (const template of templates) {
        const metrics = (template.spec as { metrics: { name: SloMetricName; provider: { prometheus: { query: string } }; successCondition: string; failureCondition: string }[] }).metrics;
        for (const metric of metrics) {
          for (const scenario of SCENARIOS) {
            const query = metric.provider.prometheus.query.replaceAll("{{args.canary-hash}}", `hash-${scenario}`);
            const result = await prom.query(query, at);
            const phase = argoPhase(result, metric);
            assert.equal(phase, EXPECTED[scenario][metric.name], `${deployment.file} ${template.metadata.name} ${metric.name} in scenario ${scenario}: result ${JSON.stringify(result)} from ${query}`);
          }
          seen.push(`${deployment.environment}/${template.metadata.name}/${metric.name}`);
        }
      }
    }
    // The vLLM samples' SLO and drift templates, each with both metrics, in both environments.
    assert.ok(seen.length >= 8, `only ${seen.length} template metrics were exercised: ${seen.join(", ")}`);
    for (const gpu of ["generation-throughput", "kv-cache-usage", "gpu-memory-usage"]) {
      assert.ok(seen.some((s) => s.endsWith(`/${gpu}`)), `no sample template gates on ${gpu}`);
    }
  });

  it("judges every gated sample's gate (KServe and LLMInferenceService) the same way, and agrees with the rendered Argo conditions", async () => {
    let exercised = 0;
    const measured = new Set<string>();
    for (const { deployment } of models) {
      const d = deployment.declaration;
      if (!GATED_BY_ADVANCE[d.spec.serving.engine]) continue;
      for (const analysisName of Object.keys(d.spec.rollout.analysis)) {
        for (const scenario of SCENARIOS) {
          const result = await runGate(d, { version: scenario }, analysisName, [promFor(deployment).url], { time: at });
          for (const m of result.runs[0]!.measurements) {
            assert.equal(m.verdict, EXPECTED[scenario][m.metric.name], `${deployment.file} gate ${analysisName} ${m.metric.name} in ${scenario}: ${JSON.stringify(m.values)} from ${m.metric.query}`);
            assert.equal(argoPhase(m.values, argoConditions(m.metric.bound)), m.verdict, "the gate and the rendered conditions disagree");
            measured.add(`${d.spec.serving.engine}/${m.metric.name}`);
          }
          exercised++;
        }
        assert.ok(gateMetrics(d, { version: "x" }, d.spec.rollout.analysis[analysisName]!).length >= 1);
      }
    }
    // fraud-detector and mistral-7b-instruct in both environments, qwen2-5-7b-instruct in staging, every scenario.
    assert.ok(exercised >= 5 * SCENARIOS.length, `only ${exercised} gate runs`);
    for (const metric of ["p99-time-to-first-token", "p99-inter-token-latency", "error-rate"]) {
      assert.ok(measured.has(`llm-inference-service/${metric}`), `no LLMInferenceService sample is gated on ${metric}: ${[...measured].join(", ")}`);
    }
  });

  it("sees a 0/0 and a quantile of empty buckets as NaN, and a missing series as an empty vector (the cases the conditions guard)", async () => {
    const idle = models.find((m) => metricSource(m.deployment.declaration) === "vllm-openai")!;
    const d = idle.deployment.declaration;
    const prom = promFor(idle.deployment);
    const sel = `namespace="${d.metadata.namespace}",${SCRAPED_LABELS.podTemplateHash}="hash-idle"`;
    const ratio = await prom.query(`sum(rate(http_requests_total{${sel},handler=~"/v1/.*"}[5m])) / sum(rate(http_requests_total{${sel},handler=~"/v1/.*"}[5m]))`, at);
    assert.equal(ratio.length, 1);
    assert.ok(Number.isNaN(ratio[0]));
    assert.deepEqual(await prom.query(`sum(rate(http_requests_total{${sel},status=~"5.."}[5m]))`, at), []);
    // Unguarded, the old condition would have been an Error for the missing series:
    assert.equal(argoPhase([], { successCondition: "result[0] <= 0.01", failureCondition: "result[0] > 0.01" }), "Error");
    assert.equal(verdict([], { max: 0.01 }), "Inconclusive");
  });
});
