import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fromArgoRolloutSteps, parseDurationSeconds, validateCanarySteps, type CanaryStep } from "../../lib/predicates/canary-steps";

const rules = { maxInitialWeight: 25, requireAnalysis: true };
const w = (weight: number): CanaryStep => ({ kind: "setWeight", weight });
const pause: CanaryStep = { kind: "pause", durationSeconds: 600 };
const analysis: CanaryStep = { kind: "analysis", ref: "success-rate" };

describe("canary steps", () => {
  it("accepts a gated, increasing ladder with analysis", () => {
    assert.deepEqual(validateCanarySteps([w(10), pause, w(25), analysis, w(50), pause, w(100)], rules), []);
  });

  it("refuses a first weight above maxInitialWeight", () => {
    assert.deepEqual(validateCanarySteps([w(50), analysis], rules), [
      { index: 0, field: "steps[0].setWeight", message: "the first weight 50 is above maxInitialWeight 25; start at 25 or less" },
    ]);
  });

  it("refuses weights outside 0–100", () => {
    assert.deepEqual(validateCanarySteps([w(120), analysis], rules), [
      { index: 0, field: "steps[0].setWeight", message: "weight 120 is outside 0–100; use a percentage between 0 and 100" },
    ]);
  });

  it("refuses a decreasing weight, and a repeated one when strictly increasing", () => {
    assert.deepEqual(validateCanarySteps([w(20), pause, w(10), analysis], rules), [
      { index: 2, field: "steps[2].setWeight", message: "weight 10 is lower than the previous weight 20; weights must not decrease" },
    ]);
    assert.deepEqual(validateCanarySteps([w(20), pause, w(20), analysis], rules), []);
    assert.deepEqual(validateCanarySteps([w(20), pause, w(20), analysis], rules, { strictlyIncreasing: true }), [
      { index: 2, field: "steps[2].setWeight", message: "weight 20 repeats the previous weight; each setWeight must increase the candidate's share" },
    ]);
  });

  it("refuses a setWeight that is not observed before the next one or the end", () => {
    assert.deepEqual(validateCanarySteps([w(10), w(20), analysis, w(40)], rules), [
      { index: 0, field: "steps[0].setWeight", message: "weight 10 is not followed by a pause or analysis before the next setWeight; add a pause or analysis step after it so the candidate is observed at this weight" },
      { index: 3, field: "steps[3].setWeight", message: "weight 40 is not followed by a pause or analysis before the rollout completes; add a pause or analysis step after it so the candidate is observed at this weight" },
    ]);
  });

  it("requires an analysis unless one runs in the background or it is not required", () => {
    const problem = { index: -1, field: "steps", message: "has no analysis step and there is no background analysis; add an analysis step so a bad candidate is rolled back automatically" };
    assert.deepEqual(validateCanarySteps([w(10), pause], rules), [problem]);
    assert.deepEqual(validateCanarySteps([w(10), pause], rules, { backgroundAnalysis: true }), []);
    assert.deepEqual(validateCanarySteps([w(10), pause], { ...rules, requireAnalysis: false }), []);
  });

  it("accepts every gated non-decreasing ladder within bounds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 25 }), fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 8 }), (start, increments) => {
        let weight = start;
        const steps: CanaryStep[] = [w(weight), pause];
        for (const inc of increments) {
          weight = Math.min(100, weight + inc);
          steps.push(w(weight), analysis);
        }
        steps.push(analysis);
        return validateCanarySteps(steps, rules).length === 0;
      }),
    );
  });

  it("always reports a weight outside 0–100", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 101 })), (bad) =>
        validateCanarySteps([w(10), pause, w(bad), analysis], rules).some((p) => p.field === "steps[2].setWeight" && p.message.includes("outside 0–100")),
      ),
    );
  });

  it("parses Argo durations", () => {
    assert.equal(parseDurationSeconds("30s"), 30);
    assert.equal(parseDurationSeconds("10m"), 600);
    assert.equal(parseDurationSeconds("1h"), 3600);
    assert.equal(parseDurationSeconds("1h30m"), 5400);
    assert.equal(parseDurationSeconds("45"), 45);
    assert.equal(parseDurationSeconds(90), 90);
    assert.equal(parseDurationSeconds("soon"), undefined);
    assert.equal(parseDurationSeconds(-1), undefined);
    assert.equal(parseDurationSeconds(""), undefined);
  });

  it("maps Argo and declaration steps", () => {
    assert.deepEqual(
      fromArgoRolloutSteps([
        { setWeight: 10 },
        { pause: { duration: "10m" } },
        { pause: {} },
        { analysis: { templates: [{ templateName: "success-rate" }] } },
        { analysis: "latency" },
        { setCanaryScale: { replicas: 1 } },
      ]),
      [
        { kind: "setWeight", weight: 10 },
        { kind: "pause", durationSeconds: 600 },
        { kind: "pause" },
        { kind: "analysis", ref: "success-rate" },
        { kind: "analysis", ref: "latency" },
        { kind: "other", name: "setCanaryScale" },
      ],
    );
  });
});
