/**
 * `ml-gitops advance` on an LLMInferenceService canary, end to end: real git, a real Prometheus
 * holding the candidate's `vllm serve` series as our PodMonitor labels them (time to first token,
 * inter-token latency, HTTP status counts), the CLI in-process, and the objects the committed
 * declaration renders at each point. Only a passing analysis moves the routing group's weights.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SCRAPED_LABELS } from "../../lib/analysis/slo";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel } from "../../lib/render/model-manifests";
import { advanceIn, assertUnchanged, cli, FILE, repoPool, trailersOf, type Repo } from "../promotion/repo";
import { withEnv } from "../support/env";
import { OpenMetrics } from "../support/open-metrics";
import { assertPrometheusInstalled, prometheusSkip, startPrometheus, type RunningPrometheus } from "../support/prometheus";

const DECLARATION = `apiVersion: ml-gitops.dev/v1alpha1
kind: ModelDeployment
metadata:
  name: llama-3-8b
  namespace: models
spec:
  model:
    format: huggingface
    servedName: meta-llama/Llama-3.1-8B-Instruct
  serving:
    engine: llm-inference-service
    replicas: { min: 2, max: 2 }
    gpu:
      count: 1
      types: [L4]
    resources: { cpu: "8", memory: 32Gi }
  stable:
    version: v3.1.0
    uri: hf://meta-llama/Llama-3.1-8B-Instruct:${"b".repeat(40)}
  candidate:
    version: v3.2.0
    uri: hf://meta-llama/Llama-3.1-8B-Instruct:${"c".repeat(40)}
    step: 2
    startedAt: "2025-06-01T10:00:00Z"
  releases:
    - version: v3.1.0
      uri: hf://meta-llama/Llama-3.1-8B-Instruct:${"b".repeat(40)}
      promotedAt: "2025-05-01T10:00:00Z"
  rollout:
    steps:
      - setWeight: 10
      - pause: { duration: 15m }
      - analysis: tokens
      - setWeight: 50
      - analysis: tokens
      - setWeight: 100
    analysis:
      tokens: { interval: 1m, count: 5, failureLimit: 1, p99TimeToFirstTokenMs: 800, p99InterTokenLatencyMs: 100, errorRatePercent: 1 }
`;

/** The candidate's pods, as `vllm serve` exports and our PodMonitor labels them. */
function candidateSeries(ttftSeconds: number, itlSeconds: number, requests: number, failed: number): string {
  const om = new OpenMetrics(Math.floor(Date.now() / 1000) - 5, 30 * 60);
  const pod = { namespace: "models", pod: "llama-3-8b-v3-2-0-kserve-6d9f-0", [SCRAPED_LABELS.model]: "llama-3-8b", [SCRAPED_LABELS.version]: "v3-2-0" };
  const engine = { ...pod, engine: "0", model_name: "meta-llama/Llama-3.1-8B-Instruct" };
  om.histogram("vllm:time_to_first_token_seconds", engine, [0.1, 0.25, 0.5, 1, 2.5], ttftSeconds, () => requests);
  om.histogram("vllm:inter_token_latency_seconds", engine, [0.01, 0.025, 0.05, 0.1, 0.25], itlSeconds, () => requests);
  om.counter("http_requests", { ...pod, handler: "/v1/chat/completions", method: "POST", status: "2xx" }, () => requests - failed);
  if (failed > 0) om.counter("http_requests", { ...pod, handler: "/v1/chat/completions", method: "POST", status: "5xx" }, () => failed);
  return om.toString();
}

type Weights = Record<string, number>;

/** The routing group's weights the declaration in the repository renders: LLMInferenceService name → weight. */
function renderedWeights(r: Repo): Weights {
  const objects = renderModel(loadDeploymentFile(FILE, r.read(), { defaultKServeMode: "Standard" }), { kserveMode: "Standard", storageServiceAccount: "sa", prometheusUrl: "http://p:9090" });
  return Object.fromEntries(
    objects.filter((o) => o.kind === "LLMInferenceService").map((o) => [o.metadata.name, (o.spec as { router: { route: { weight: number } } }).router.route.weight]),
  );
}

describe("advance through an LLMInferenceService analysis step", { skip: prometheusSkip }, () => {
  const proms: Record<"healthy" | "slowTokens" | "erroring" | "idle", RunningPrometheus | undefined> = { healthy: undefined, slowTokens: undefined, erroring: undefined, idle: undefined };
  const pool = repoPool(DECLARATION);
  const setup = pool.make;
  const advance = advanceIn;
  const unchanged = assertUnchanged;

  before(async () => {
    assertPrometheusInstalled();
    proms.healthy = await startPrometheus(candidateSeries(0.3, 0.03, 40, 0));
    proms.slowTokens = await startPrometheus(candidateSeries(0.3, 0.2, 40, 0));
    proms.erroring = await startPrometheus(candidateSeries(0.3, 0.03, 40, 4));
    proms.idle = await startPrometheus(candidateSeries(0.3, 0.03, 0, 0));
  });
  after(async () => {
    for (const p of Object.values(proms)) await p?.stop();
    pool.removeAll();
  });

  it("shows in status that the step is gated here and that KServe's routing group carries the share", async () => {
    const r = setup();
    const res = await cli("status", "--root", r.root, "--json");
    assert.equal(res.code, 0, res.stderr);
    const [row] = JSON.parse(res.stdout) as { canary: Record<string, unknown> }[];
    assert.deepEqual(row!.canary, {
      version: "v3.2.0",
      step: 3,
      steps: 6,
      trafficPercent: 10,
      at: "analysis tokens",
      gate: "errors <= 1%, p99 TTFT <= 800 ms, p99 ITL <= 100 ms by ml-gitops advance --prometheus",
      route: "KServe routing group llama-3-8b → llama-3-8b-v3-2-0 (git (ml-gitops advance))",
    });
  });

  it("commits the step after a passing analysis with its evidence, and the next render moves the group's weights to 50/50", async () => {
    const r = setup();
    assert.deepEqual(renderedWeights(r), { "llama-3-8b-v3-1-0": 90, "llama-3-8b-v3-2-0": 10 });
    const res = await advance(r, "--prometheus", proms.healthy!.url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(r.read(), /\n {4}step: 3\n/);
    const trailers = trailersOf(r);
    assert.deepEqual(trailers.slice(0, 6), ["Model: llama-3-8b", "Environment: production", "Action: advance", "From-Version: v3.1.0", "To-Version: v3.2.0", "Step: 4/6"]);
    // 0.3 s to the first token lands in (0.25, 0.5]: p99 interpolates to 497.5 ms; 30 ms between
    // tokens in (0.025, 0.05]: 49.75 ms. No 5xx series at all: the error rate is 0, not nothing.
    assert.deepEqual(trailers.slice(6), ["Analysis: tokens error_rate=0<=0.01 p99_ttft_ms=497.5<=800 p99_itl_ms=49.75<=100 pass"]);
    assert.deepEqual(renderedWeights(r), { "llama-3-8b-v3-1-0": 50, "llama-3-8b-v3-2-0": 50 });
  });

  it("refuses with exit 1 and writes nothing when the inter-token latency breaks its threshold", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await advance(r, "--prometheus", proms.slowTokens!.url);
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      "ml-gitops advance: advance llama-3-8b in production: refused\n" +
        "  - analysis tokens failed: the candidate breaks its thresholds; nothing was written\n" +
        "  - measured: tokens error_rate=0<=0.01 p99_ttft_ms=497.5<=800 p99_itl_ms=248.5<=100 fail\n",
    );
    unchanged(r, before);
    assert.deepEqual(renderedWeights(r), { "llama-3-8b-v3-1-0": 90, "llama-3-8b-v3-2-0": 10 });
  });

  it("refuses with exit 1 when one request in ten answered 5xx", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await advance(r, "--prometheus", proms.erroring!.url);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /measured: tokens error_rate=0\.1<=0\.01 p99_ttft_ms=497\.5<=800 p99_itl_ms=49\.75<=100 fail\n/);
    unchanged(r, before);
  });

  it("refuses with exit 1 when no request reached the candidate: NaN quantiles are inconclusive, not a pass", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await advance(r, "--prometheus", proms.idle!.url);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /analysis tokens is inconclusive: no traffic reached v3\.2\.0 in the analysis window/);
    assert.match(res.stderr, /measured: tokens error_rate=NaN<=0\.01 p99_ttft_ms=NaN<=800 p99_itl_ms=NaN<=100 inconclusive/);
    unchanged(r, before);
  });

  it("is a usage error (exit 2) when no Prometheus is named for the analysis step", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await withEnv("ML_GITOPS_PROMETHEUS", undefined, () => advance(r));
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--prometheus: step 3\/6 is analysis tokens/);
    unchanged(r, before);
  });
});
