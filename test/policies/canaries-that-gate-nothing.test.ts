/**
 * A Rollout whose canary is written but gates nothing is refused; one that gates through an
 * experiment's analyses is not. Semantics read in argo-rollouts@v1.9.1 (see policies/lib/canary.ts).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fixture, messages, resourceOf, withField } from "./helpers";

const POLICY = "model-canary-required";
const rollout = fixture("rollout.yaml");
const check = (o: Record<string, unknown>, config = {}) => messages(POLICY, [resourceOf(o)], config);
const NO_ANALYSIS = "spec.strategy.canary.steps has no analysis step and there is no background analysis; add an analysis step so a bad candidate is rolled back automatically";
const ANALYSIS_STEP = 3;
const gated = [{ setWeight: 10 }, { pause: { duration: "10m" } }, { setWeight: 50 }, { pause: { duration: "10m" } }];
const background = (analysis: unknown) => withField(withField(rollout, "spec.strategy.canary.steps", gated), "spec.strategy.canary.analysis", analysis);

describe("model-canary-required: canaries that gate nothing", () => {
  it("refuses steps: [], a plain rolling update", () => {
    assert.deepEqual(check(withField(rollout, "spec.strategy.canary.steps", [])), [
      "spec.strategy.canary.steps is [], so Argo Rollouts moves all traffic to the new version at once, like a rolling update; add setWeight, pause and analysis steps",
    ]);
  });

  it("refuses absent steps, even with requireAnalysis off", () => {
    assert.deepEqual(check(withField(rollout, "spec.strategy.canary.steps", undefined), { [POLICY]: { requireAnalysis: false } }), [
      "spec.strategy.canary.steps is [], so Argo Rollouts moves all traffic to the new version at once, like a rolling update; add setWeight, pause and analysis steps",
    ]);
  });

  it("accepts a background analysis that starts during the canary", () => {
    assert.deepEqual(check(background({ templates: [{ templateName: "success-rate" }], startingStep: 1 })), []);
  });

  it("refuses canary.analysis: {}", () => {
    assert.deepEqual(check(background({})), ["spec.strategy.canary.analysis has no templates, so Argo Rollouts runs no background analysis; name an AnalysisTemplate in templates, or add analysis steps", NO_ANALYSIS]);
  });

  it("refuses a background analysis whose startingStep is never reached", () => {
    assert.deepEqual(check(background({ templates: [{ templateName: "success-rate" }], startingStep: 4 })), [
      "spec.strategy.canary.analysis.startingStep is 4, but the canary has 4 steps (0–3), so the background analysis never starts; set it to a step before the last",
      NO_ANALYSIS,
    ]);
  });

  it("refuses an analysis step without templates", () => {
    assert.deepEqual(check(withField(rollout, `spec.strategy.canary.steps[${ANALYSIS_STEP}].analysis`, { templates: [] })), [
      `spec.strategy.canary.steps[${ANALYSIS_STEP}].analysis has no templates, so Argo Rollouts runs no analysis at this step; name an AnalysisTemplate in templates`,
      "spec.strategy.canary.steps[2].setWeight: weight 25 is not followed by a pause or analysis before the next setWeight; add a pause or analysis step after it so the candidate is observed at this weight",
      NO_ANALYSIS,
    ]);
  });

  it("counts an experiment step with analyses as the analysis gate", () => {
    const experiment = { experiment: { duration: "10m", templates: [{ name: "canary", specRef: "canary" }], analyses: [{ name: "quality", templateName: "success-rate" }] } };
    assert.deepEqual(check(withField(rollout, `spec.strategy.canary.steps[${ANALYSIS_STEP}]`, experiment)), []);
    const withoutAnalyses = { experiment: { duration: "10m", templates: [{ name: "canary", specRef: "canary" }] } };
    assert.deepEqual(check(withField(rollout, `spec.strategy.canary.steps[${ANALYSIS_STEP}]`, withoutAnalyses)), [
      "spec.strategy.canary.steps[2].setWeight: weight 25 is not followed by a pause or analysis before the next setWeight; add a pause or analysis step after it so the candidate is observed at this weight",
      NO_ANALYSIS,
    ]);
  });

  it("accepts a background analysis exactly when its startingStep is before the last step", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), (start) => {
        const refused = check(background({ templates: [{ templateName: "success-rate" }], startingStep: start })).length > 0;
        return refused === start >= gated.length;
      }),
    );
  });
});
