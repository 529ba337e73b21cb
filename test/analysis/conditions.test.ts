import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { argoConditions, exprNumber, verdict } from "../../lib/analysis/conditions";
import { combine, evidence, gateWindow } from "../../lib/analysis/gate";
import { kserveSelector, sloMetrics } from "../../lib/analysis/slo";
import { argoPhase } from "../support/argo-expr";

describe("analysis conditions", () => {
  it("give the rendered Argo condition and the gate the same verdict for any vector, never an Error", () => {
    const value = fc.oneof(fc.double({ noNaN: false }), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.constant(0));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3 }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (values, max) => {
        const phase = argoPhase(values, argoConditions({ max }));
        assert.notEqual(phase, "Error");
        assert.equal(phase, verdict(values, { max }));
      }),
    );
  });

  it("is Inconclusive with no data (empty, NaN, or several series), Failed above the bound, Successful at or below it", () => {
    const bound = { max: 0.01 };
    assert.deepEqual(
      [[], [Number.NaN], [0.001, 0.002], [0.02], [Number.POSITIVE_INFINITY], [0.01], [0]].map((v) => verdict(v, bound)),
      ["Inconclusive", "Inconclusive", "Inconclusive", "Failed", "Failed", "Successful", "Successful"],
    );
  });

  it("writes thresholds without exponents, which expr would misread", () => {
    assert.equal(exprNumber(0.0000025), "0.0000025");
    assert.equal(exprNumber(2.5), "2.5");
    assert.equal(argoConditions({ max: 0.000001 }).successCondition, "len(result) == 1 && !isNaN(result[0]) && result[0] <= 0.000001");
  });
});

describe("KServe analysis gate", () => {
  it("measures over the analysis's whole window, at least a minute", () => {
    assert.equal(gateWindow({ interval: "1m", count: 5, failureLimit: 1 }), "300s");
    assert.equal(gateWindow({ interval: "5m", count: 6, failureLimit: 0 }), "1800s");
    assert.equal(gateWindow({ interval: "10s", count: 2, failureLimit: 0 }), "60s");
  });

  it("lets a failure outweigh an inconclusive result, and either outweigh a pass", () => {
    assert.equal(combine(["Successful", "Inconclusive", "Failed"]), "Failed");
    assert.equal(combine(["Successful", "Inconclusive"]), "Inconclusive");
    assert.equal(combine(["Successful", "Successful"]), "Successful");
  });

  it("records each measurement in the trailer's units: milliseconds for latency, a ratio for errors", () => {
    const [p99, errors] = sloMetrics("kserve-vllm", kserveSelector("models", "m", "v2"), "m", { p99LatencyMs: 1500, errorRatePercent: 1 }, "300s");
    const run = {
      prometheusUrl: "http://p",
      verdict: "Successful" as const,
      measurements: [
        { metric: p99!, values: [0.41234], verdict: "Successful" as const },
        { metric: errors!, values: [0.002], verdict: "Successful" as const },
      ],
    };
    assert.equal(evidence(run), "p99_latency_ms=412.3<=1500 error_rate=0.002<=0.01 pass");
  });

  it("measures only declared thresholds, on the candidate's version of the model", () => {
    const metrics = sloMetrics("kserve-model-server", kserveSelector("models", "fraud", "v2-4-0"), "fraud", { p99LatencyMs: 50 }, "1800s");
    assert.deepEqual(
      metrics.map((m) => m.query),
      ['histogram_quantile(0.99, sum by (le) (rate(request_predict_seconds_bucket{namespace="models",ml_gitops_model="fraud",ml_gitops_version="v2-4-0"}[1800s])))'],
    );
    assert.throws(() => sloMetrics("kserve-model-server", "x", "fraud", { errorRatePercent: 1 }, "5m"), /exports no error signal/);
  });
});
