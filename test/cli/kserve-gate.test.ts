/**
 * `ml-gitops advance` on a KServe canary at an analysis step, end to end: real git, a real
 * Prometheus holding the candidate's series (backfilled up to now, as a cluster's would be), the
 * CLI in-process. Only a passing analysis is committed, with its evidence; everything else leaves
 * the declaration's bytes and HEAD exactly as they were.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SCRAPED_LABELS } from "../../lib/analysis/slo";
import { advanceIn, assertUnchanged, cli, FILE, repoPool, trailersOf } from "../promotion/repo";
import { withEnv } from "../support/env";
import { OpenMetrics } from "../support/open-metrics";
import { assertPrometheusInstalled, freePort, prometheusSkip, startPrometheus, type RunningPrometheus } from "../support/prometheus";

const DIGEST = (c: string) => c.repeat(64);
const DECLARATION = `apiVersion: ml-gitops.dev/v1alpha1
kind: ModelDeployment
metadata:
  name: llama-3-8b
  namespace: models
spec:
  model:
    format: huggingface
  serving:
    engine: kserve
    replicas: { min: 1, max: 2 }
    gpu:
      count: 1
      types: [L4]
    resources: { cpu: "8", memory: 32Gi }
  stable:
    version: v3.1.0
    uri: s3://models/llama-3-8b/sha256-${DIGEST("b")}/
  candidate:
    version: v3.2.0
    uri: s3://models/llama-3-8b/sha256-${DIGEST("c")}/
    step: 2
    startedAt: "2025-06-01T10:00:00Z"
  releases:
    - version: v3.1.0
      uri: s3://models/llama-3-8b/sha256-${DIGEST("b")}/
      promotedAt: "2025-05-01T10:00:00Z"
  rollout:
    steps:
      - setWeight: 10
      - pause: { duration: 15m }
      - analysis: slo
      - setWeight: 50
      - analysis: slo
      - setWeight: 100
    analysis:
      slo: { interval: 1m, count: 5, failureLimit: 1, p99LatencyMs: 3000, errorRatePercent: 1 }
`;

/** The candidate's pods as our PodMonitor labels them, serving `requests` per scrape with `aborted` of them aborted. */
function candidateSeries(latencySeconds: number, requests: number, aborted: number): string {
  const om = new OpenMetrics(Math.floor(Date.now() / 1000) - 5, 30 * 60);
  const labels = { namespace: "models", pod: "llama-3-8b-v3-2-0-predictor-0", [SCRAPED_LABELS.model]: "llama-3-8b", [SCRAPED_LABELS.version]: "v3-2-0", engine: "0", model_name: "llama-3-8b" };
  om.histogram("vllm:e2e_request_latency_seconds", labels, [0.5, 1, 2.5, 5, 10, 20], latencySeconds, () => requests - aborted);
  om.counter("vllm:request_success", { ...labels, finished_reason: "stop" }, () => requests - aborted);
  om.counter("vllm:request_success", { ...labels, finished_reason: "abort" }, () => aborted);
  return om.toString();
}

describe("advance through a KServe analysis step", { skip: prometheusSkip }, () => {
  const proms: Record<"healthy" | "slow" | "idle", RunningPrometheus | undefined> = { healthy: undefined, slow: undefined, idle: undefined };
  const pool = repoPool(DECLARATION);
  const setup = pool.make;
  const advance = advanceIn;
  const unchanged = assertUnchanged;
  /** A candidate 10× over its p99 budget: advance refuses with exit 1 and the evidence, and writes nothing. */
  const refusesSlowCandidate = async (r: ReturnType<typeof setup>) => {
    const before = { text: r.read(), head: r.head() };
    const res = await advance(r, "--prometheus", proms.slow!.url);
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      "ml-gitops advance: advance llama-3-8b in production: refused\n" +
        "  - analysis slo failed: the candidate breaks its thresholds; nothing was written\n" +
        "  - measured: slo p99_latency_ms=9950<=3000 error_rate=0<=0.01 fail\n",
    );
    unchanged(r, before);
  };

  before(async () => {
    assertPrometheusInstalled();
    proms.healthy = await startPrometheus(candidateSeries(0.8, 40, 0));
    proms.slow = await startPrometheus(candidateSeries(8, 40, 0));
    proms.idle = await startPrometheus(candidateSeries(0.8, 0, 0));
  });
  after(async () => {
    for (const p of Object.values(proms)) await p?.stop();
    pool.removeAll();
  });

  it("shows in status that the step is gated here and which predictor the route sends the share to", async () => {
    const r = setup();
    const res = await cli("status", "--root", r.root, "--json");
    assert.equal(res.code, 0, res.stderr);
    const [row] = JSON.parse(res.stdout) as { canary: Record<string, unknown> }[];
    assert.deepEqual(row!.canary, {
      version: "v3.2.0",
      step: 3,
      steps: 6,
      trafficPercent: 10,
      at: "analysis slo",
      gate: "p99 <= 3000 ms, errors <= 1% by ml-gitops advance --prometheus",
      route: "HTTPRoute llama-3-8b → llama-3-8b-v3-2-0-predictor (git (ml-gitops advance))",
    });
  });

  it("commits the step after a passing analysis, with what it measured as Analysis trailers", async () => {
    const r = setup();
    const res = await advance(r, "--prometheus", proms.healthy!.url);
    assert.equal(res.code, 0, res.stderr);
    assert.match(r.read(), /\n {4}step: 3\n/);
    const trailers = trailersOf(r);
    assert.deepEqual(trailers.slice(0, 6), ["Model: llama-3-8b", "Environment: production", "Action: advance", "From-Version: v3.1.0", "To-Version: v3.2.0", "Step: 4/6"]);
    // 0.8 s requests land in the (0.5, 1] bucket: p99 interpolates to 0.995 s.
    assert.deepEqual(trailers.slice(6), ["Analysis: slo p99_latency_ms=995<=3000 error_rate=0<=0.01 pass"]);
    // AND the next step (setWeight 50) needs no analysis: no Prometheus asked
    const next = await advance(r);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(trailersOf(r).filter((t) => t.startsWith("Analysis:")).length, 0);
  });

  it("refuses with exit 1 and writes nothing when the candidate breaks a threshold", async () => {
    await refusesSlowCandidate(setup());
  });

  it("refuses with exit 1 when no traffic reached the candidate: inconclusive is not a pass", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await advance(r, "--prometheus", proms.idle!.url);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /analysis slo is inconclusive: no traffic reached v3\.2\.0 in the analysis window/);
    assert.match(res.stderr, /measured: slo p99_latency_ms=NaN<=3000 error_rate=NaN<=0\.01 inconclusive/);
    unchanged(r, before);
  });

  it("needs every cluster's Prometheus to pass: one failing server refuses", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await advance(r, "--prometheus", proms.healthy!.url, "--prometheus", proms.slow!.url);
    assert.equal(res.code, 1);
    assert.match(res.stderr, new RegExp(`measured: slo p99_latency_ms=995<=3000 error_rate=0<=0.01 pass at ${proms.healthy!.url}\\n`));
    assert.match(res.stderr, new RegExp(`measured: slo p99_latency_ms=9950<=3000 error_rate=0<=0.01 fail at ${proms.slow!.url}\\n`));
    unchanged(r, before);
  });

  it("is a usage error (exit 2), never a pass, when Prometheus cannot answer", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const res = await advance(r, "--prometheus", nobody);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, `ml-gitops advance: Prometheus at ${nobody} is unreachable (ECONNREFUSED); nothing was written. The analysis could not run, so the canary stays where it is.\n`);
    unchanged(r, before);
  });

  it("is a usage error (exit 2) naming --prometheus when no Prometheus is given", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await withEnv("ML_GITOPS_PROMETHEUS", undefined, () => advance(r));
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--prometheus: step 3\/6 is analysis slo, which ml-gitops runs for KServe canaries, and no Prometheus was named\. Name each cluster's Prometheus serving production/);
    unchanged(r, before);
    assert.equal(r.read(FILE), DECLARATION);
  });

  it("refuses a Prometheus URL with a credential or a query, by the contracts' rule, printing no credential", async () => {
    const r = setup();
    const before = { text: r.read(), head: r.head() };
    const res = await advance(r, "--prometheus", "http://admin:s3cr3t@127.0.0.1:9090", "--prometheus", "http://127.0.0.1:9090/?x=1");
    assert.equal(res.code, 2);
    assert.equal(
      res.stderr,
      [
        "ml-gitops advance: advance: 2 problems",
        "  - --prometheus: carries a credential in the URL (not repeated here). Remove it from the URL, e.g. http://127.0.0.1:9090 (kubectl -n monitoring port-forward svc/kube-prometheus-stack-prometheus 9090).",
        '  - --prometheus: must not have a query or fragment (got "http://127.0.0.1:9090/?x=1"). Give the Prometheus base URL, e.g. http://127.0.0.1:9090 (kubectl -n monitoring port-forward svc/kube-prometheus-stack-prometheus 9090).',
        "",
      ].join("\n"),
    );
    unchanged(r, before);
  });

  it("names the environment variable when the bad URL came from it", async () => {
    const r = setup();
    const res = await withEnv("ML_GITOPS_PROMETHEUS", "prometheus:9090", () => advance(r));
    assert.equal(res.code, 2);
    assert.match(res.stderr, /  - ML_GITOPS_PROMETHEUS: must be an http or https URL \(got "prometheus:9090"\)\. Give the Prometheus base URL/);
  });

  it("queries the address without its trailing slash", async () => {
    const r = setup();
    const res = await advance(r, "--prometheus", `${proms.healthy!.url}/`);
    assert.equal(res.code, 0, res.stderr);
  });

  describe("in region waves", () => {
    // The same canary in wave 2 of 2 (eu-west-1), at the same analysis step.
    const WAVED = DECLARATION.replace("    step: 2\n", "    step: 2\n    wave: 2\n").replace("  rollout:\n", "  rollout:\n    waves: [{ clusters: [us-east-1], soak: 1h }, { clusters: [eu-west-1] }]\n");
    const STACKS: Record<string, string> = {
      "stacks/Pulumi.prod-use1.yaml": "config:\n  aws:region: us-east-1\n  ml-gitops:environment: production\n",
      "stacks/Pulumi.prod-euw1.yaml": "config:\n  aws:region: eu-west-1\n  ml-gitops:environment: production\n",
    };
    function wavedRepo() {
      const r = setup();
      r.write(FILE, WAVED);
      for (const [file, text] of Object.entries(STACKS)) r.write(file, text);
      r.git("add", "-A");
      r.git("commit", "-q", "-m", "waves");
      return r;
    }

    it("stops the rollout in the wave whose analysis fails: exit 1, nothing written", async () => {
      await refusesSlowCandidate(wavedRepo());
    });

    it("commits a passing analysis with its evidence, the wave and the wave's region", async () => {
      const r = wavedRepo();
      const res = await advance(r, "--prometheus", proms.healthy!.url);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(trailersOf(r).slice(5), ["Step: 4/6", "Wave: 2/2", "Region: eu-west-1", "Analysis: slo p99_latency_ms=995<=3000 error_rate=0<=0.01 pass"]);
    });

    it("asks for the Prometheus of the wave's clusters only when none is named", async () => {
      const r = wavedRepo();
      const res = await withEnv("ML_GITOPS_PROMETHEUS", undefined, () => advance(r));
      assert.equal(res.code, 2);
      assert.match(res.stderr, /no Prometheus was named\. Name each cluster's Prometheus serving wave 2\/2 of production \(prod-euw1 in eu-west-1\), and only those: --prometheus URL/);
    });
  });
});
