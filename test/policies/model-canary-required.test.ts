import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import { fixture, messages, resourceOf, violations, withField } from "./helpers";

const POLICY = "model-canary-required";
const rollout = fixture("rollout.yaml");
const isvc = fixture("inference-service.yaml");
const knative = fixture("knative-inference-service.yaml");
const check = (o: Record<string, unknown>, config = {}) => messages(POLICY, [resourceOf(o)], config);
const MODE = 'metadata.annotations["serving.kserve.io/deploymentMode"]';
const STEPS = 'metadata.annotations["ml-gitops.dev/canary-step-weights"]';

describe("model-canary-required: Argo Rollout", () => {
  it("accepts the valid fixture", () => assert.deepEqual(check(rollout), []));

  it("refuses a first weight above maxInitialWeight, as mandatory", () => {
    const v = violations(POLICY, [resourceOf(withField(rollout, "spec.strategy.canary.steps[0].setWeight", 50))]);
    assert.deepEqual(v.map((x) => [x.level, x.message]), [
      ["mandatory", "spec.strategy.canary.steps[0].setWeight: the first weight 50 is above maxInitialWeight 25; start at 25 or less"],
      ["mandatory", "spec.strategy.canary.steps[2].setWeight: weight 25 is lower than the previous weight 50; weights must not decrease"],
    ]);
  });

  it("honours maxInitialWeight from config", () => {
    assert.deepEqual(check(rollout, { [POLICY]: { maxInitialWeight: 5 } }), ["spec.strategy.canary.steps[0].setWeight: the first weight 10 is above maxInitialWeight 5; start at 5 or less"]);
  });

  it("refuses a setWeight not followed by a pause or analysis", () => {
    assert.deepEqual(check(withField(rollout, "spec.strategy.canary.steps[1]", { setWeight: 20 })), [
      "spec.strategy.canary.steps[0].setWeight: weight 10 is not followed by a pause or analysis before the next setWeight; add a pause or analysis step after it so the candidate is observed at this weight",
      "spec.strategy.canary.steps[1].setWeight: weight 20 is not followed by a pause or analysis before the next setWeight; add a pause or analysis step after it so the candidate is observed at this weight",
    ]);
  });

  it("requires an analysis unless it runs in the background or is not required", () => {
    const noAnalysis = withField(rollout, "spec.strategy.canary.steps[3]", { pause: {} });
    assert.deepEqual(check(noAnalysis), ["spec.strategy.canary.steps has no analysis step and there is no background analysis; add an analysis step so a bad candidate is rolled back automatically"]);
    assert.deepEqual(check(withField(noAnalysis, "spec.strategy.canary.analysis", { templates: [{ templateName: "success-rate" }] })), []);
    assert.deepEqual(check(noAnalysis, { [POLICY]: { requireAnalysis: false } }), []);
  });

  it("requires distinct canary and stable services", () => {
    assert.deepEqual(check(withField(rollout, "spec.strategy.canary.canaryService", undefined)), ["spec.strategy.canary.canaryService is nothing; name the Service that receives the candidate's traffic"]);
    assert.deepEqual(check(withField(rollout, "spec.strategy.canary.canaryService", "llama-stable")), ['spec.strategy.canary.canaryService and stableService are both "llama-stable"; give the candidate its own Service']);
  });

  it("requires a long enough progress deadline", () => {
    assert.deepEqual(check(withField(rollout, "spec.progressDeadlineSeconds", undefined)), ["spec.progressDeadlineSeconds is not set, so Argo Rollouts uses 600 seconds; set it to at least 1800 so GPU pods have time to pull the image and load the model"]);
    assert.deepEqual(check(withField(rollout, "spec.progressDeadlineSeconds", 900)), ["spec.progressDeadlineSeconds is 900, below 1800; set it to at least 1800 so GPU pods have time to pull the image and load the model"]);
  });

  it("refuses blue-green unless allowed, and a missing strategy", () => {
    const blueGreen = withField(rollout, "spec.strategy", { blueGreen: { activeService: "a", previewService: "b" } });
    assert.deepEqual(check(blueGreen), ["spec.strategy.blueGreen is not allowed for model rollouts: it moves all traffic at once; use spec.strategy.canary with setWeight, pause and analysis steps, or set allowBlueGreen: true"]);
    assert.deepEqual(check(blueGreen, { [POLICY]: { allowBlueGreen: true } }), []);
    assert.deepEqual(check(withField(rollout, "spec.strategy", {})), ["spec.strategy.canary is not set (got nothing); add a canary strategy with setWeight, pause and analysis steps"]);
  });

  it("checks the strategy of a Rollout using workloadRef", () => {
    const ref = withField(withField(rollout, "spec.template", undefined), "spec.workloadRef", { apiVersion: "apps/v1", kind: "Deployment", name: "llama" });
    assert.deepEqual(check(ref), []);
    assert.deepEqual(check(withField(ref, "spec.strategy.canary.steps[0].setWeight", 22), { [POLICY]: { maxInitialWeight: 20 } }), ["spec.strategy.canary.steps[0].setWeight: the first weight 22 is above maxInitialWeight 20; start at 20 or less"]);
  });
});

describe("model-canary-required: InferenceService, Standard mode", () => {
  it("accepts the valid fixture, and treats a missing annotation as the default mode", () => {
    assert.deepEqual(check(isvc), []);
    assert.deepEqual(check(withField(isvc, MODE, undefined)), []);
  });

  it("refuses canaryTrafficPercent, which Standard mode ignores", () => {
    assert.deepEqual(check(withField(isvc, "spec.predictor.canaryTrafficPercent", 10)), ["spec.predictor.canaryTrafficPercent is 10, but KServe ignores it in Standard mode; use spec.canary[] with trafficPercent, or annotate serving.kserve.io/deploymentMode: Knative"]);
    assert.deepEqual(check(withField(withField(isvc, MODE, "RawDeployment"), "spec.predictor.canaryTrafficPercent", 10)).length, 1);
  });

  it("refuses a candidate above maxInitialWeight unless the steps are recorded", () => {
    const high = withField(isvc, "spec.canary[0].trafficPercent", 50);
    assert.deepEqual(check(high), ['spec.canary[0].trafficPercent is 50, above maxInitialWeight 25, and annotation ml-gitops.dev/canary-step-weights (nothing) does not show it was stepped there; start at 25 or less and record each step, e.g. ml-gitops.dev/canary-step-weights: "25,50"']);
    assert.deepEqual(check(withField(high, STEPS, "10,25,50")), []);
    assert.deepEqual(check(withField(high, STEPS, "50")).length, 1);
  });

  it("refuses canary traffic summing above 100", () => {
    const two = withField(withField(isvc, STEPS, "10,25,60"), "spec.canary[1]", { trafficPercent: 60, predictor: { name: "llama-b" } });
    assert.deepEqual(check(withField(two, "spec.canary[0].trafficPercent", 60)), ["spec.canary[].trafficPercent sums to 120, above 100; lower the candidates' traffic so the total is at most 100"]);
  });

  it("refuses candidate names equal to the stable predictor or to each other", () => {
    assert.deepEqual(check(withField(isvc, "spec.canary[0].predictor.name", "llama-stable")), ['spec.canary[0].predictor.name "llama-stable" is the stable predictor\'s name; give each candidate its own name']);
    const dup = withField(isvc, "spec.canary[1]", { trafficPercent: 5, predictor: { name: "llama-candidate" } });
    assert.deepEqual(check(dup), ['spec.canary[1].predictor.name "llama-candidate" repeats spec.canary[0].predictor.name; give each candidate its own name']);
  });
});

describe("model-canary-required: InferenceService, Knative mode", () => {
  it("accepts the valid fixture", () => assert.deepEqual(check(knative), []));

  it("requires tag routing when a canary is set", () => {
    assert.deepEqual(check(withField(knative, 'metadata.annotations["serving.kserve.io/enable-tag-routing"]', undefined)), ['metadata.annotations["serving.kserve.io/enable-tag-routing"] is nothing, but spec.predictor.canaryTrafficPercent sets a canary; set it to "true" so the candidate is reachable at its own tagged URL']);
  });

  it("bounds canaryTrafficPercent", () => {
    assert.deepEqual(check(withField(knative, "spec.predictor.canaryTrafficPercent", 40)), ['spec.predictor.canaryTrafficPercent is 40, above maxInitialWeight 25, and annotation ml-gitops.dev/canary-step-weights (nothing) does not show it was stepped there; start at 25 or less and record each step, e.g. ml-gitops.dev/canary-step-weights: "25,40"']);
    assert.deepEqual(check(withField(knative, "spec.predictor.canaryTrafficPercent", 140)), ["spec.predictor.canaryTrafficPercent is 140, outside 0–100; use a percentage between 0 and 100"]);
  });

  it("uses defaultKServeMode when the annotation is absent", () => {
    const bare = withField(knative, MODE, undefined);
    assert.equal(check(bare).length, 1);
    assert.deepEqual(check(bare, { [POLICY]: { defaultKServeMode: "Knative" } }), []);
  });
});

describe("model-canary-required: ModelDeployment", () => {
  const md = (steps: unknown[]) => ({ urn: "urn:md", type: MODEL_DEPLOYMENT_TYPE, name: "llama", props: { declaration: { spec: { rollout: { steps } } } } });
  it("accepts strictly increasing, gated steps with analysis", () => {
    assert.deepEqual(messages(POLICY, [md([{ setWeight: 10 }, { pause: { duration: "10m" } }, { setWeight: 50 }, { analysis: "latency" }])]), []);
  });
  it("refuses a repeated weight", () => {
    assert.deepEqual(messages(POLICY, [md([{ setWeight: 10 }, { pause: {} }, { setWeight: 10 }, { analysis: "latency" }])]), ["declaration.spec.rollout.steps[2].setWeight: weight 10 repeats the previous weight; each setWeight must increase the candidate's share"]);
  });
});
