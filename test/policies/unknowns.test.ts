import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { evaluatePolicies, type PolicyResource } from "../../plan/policy/evaluate";
import { fixture, resourceOf, UNKNOWN_STRING, withField } from "./helpers";

// During preview CrossGuard passes unknown values as sentinels behind a proxy that throws when
// they are read; evaluatePolicies reproduces that, so these tests see what a preview sees.
describe("unknown values during preview", () => {
  it("never report a violation, nor a can't-run note, for unknown fields", () => {
    const cases: Record<string, unknown>[] = [
      withField(fixture("inference-service.yaml"), "spec.predictor.model.storageUri", UNKNOWN_STRING),
      withField(fixture("inference-service.yaml"), "spec.predictor.model.image", UNKNOWN_STRING),
      withField(fixture("inference-service.yaml"), "metadata.annotations", UNKNOWN_STRING),
      withField(fixture("inference-service.yaml"), "spec.canary", UNKNOWN_STRING),
      withField(fixture("rollout.yaml"), "spec.strategy", UNKNOWN_STRING),
      withField(fixture("rollout.yaml"), "spec.strategy.canary.steps[0].setWeight", UNKNOWN_STRING),
      withField(fixture("rollout.yaml"), "spec.strategy.canary.canaryService", UNKNOWN_STRING),
      withField(fixture("rollout.yaml"), "spec.progressDeadlineSeconds", UNKNOWN_STRING),
      withField(fixture("rollout.yaml"), "spec.template.spec.containers[0].args", UNKNOWN_STRING),
      withField(fixture("knative-inference-service.yaml"), 'metadata.annotations["serving.kserve.io/enable-tag-routing"]', UNKNOWN_STRING),
    ];
    for (const c of cases) assert.deepEqual(evaluatePolicies([resourceOf(c)]), [], JSON.stringify(c).slice(0, 200));
  });

  it("still check the known fields next to an unknown one", () => {
    const isvc = withField(withField(fixture("inference-service.yaml"), "spec.predictor.model.storageUri", UNKNOWN_STRING), "spec.predictor.model.image", "vllm");
    assert.deepEqual(evaluatePolicies([resourceOf(isvc)]).map((v) => v.policy), ["serving-image-digest"]);
  });

  it("skip stack checks whose inputs are unknown", () => {
    const ng: PolicyResource = {
      urn: "urn:ng", type: "aws:eks/nodeGroup:NodeGroup", name: "gpu",
      props: { amiType: "AL2023_x86_64_NVIDIA", taints: UNKNOWN_STRING, launchTemplate: UNKNOWN_STRING },
    };
    assert.deepEqual(evaluatePolicies([ng]), []);
    const release: PolicyResource = { urn: "urn:h", type: "kubernetes:helm.sh/v3:Release", name: "h", props: { chart: "kserve", version: UNKNOWN_STRING } };
    assert.deepEqual(evaluatePolicies([release]), []);
  });
});
