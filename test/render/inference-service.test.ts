import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel, type KubeObject, type RenderContext } from "../../lib/render/model-manifests";
import { versionSlug } from "../../lib/render/inference-service";
import { CONTEXT, HF_V1, HF_V2, KSERVE_FILE, replaceLine, VALID_KSERVE } from "../deployments/fixture";

const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };

function isvc(text: string, ctx: RenderContext = CTX): KubeObject & { spec: Record<string, any> } {
  const objects = renderModel(loadDeploymentFile(KSERVE_FILE, text, CONTEXT), ctx);
  const found = objects.filter((o) => o.kind === "InferenceService");
  assert.equal(found.length, 1);
  return found[0] as KubeObject & { spec: Record<string, any> };
}

describe("InferenceService renderer", () => {
  describe("Standard mode", () => {
    it("puts the stable in spec.predictor and the candidate in spec.canary[] with its step's weight", () => {
      // GIVEN a candidate on step 4 (the pause after setWeight 25)
      const obj = isvc(VALID_KSERVE);
      // THEN
      assert.equal(obj.apiVersion, "serving.kserve.io/v1beta1");
      assert.equal(obj.metadata.annotations?.["serving.kserve.io/deploymentMode"], "Standard");
      assert.equal(obj.spec.predictor.model.storageUri, HF_V1);
      assert.equal(obj.spec.predictor.name, "v1-0");
      assert.equal(obj.spec.canary.length, 1);
      assert.equal(obj.spec.canary[0].trafficPercent, 25);
      assert.equal(obj.spec.canary[0].predictor.name, "v1-1");
      assert.equal(obj.spec.canary[0].predictor.model.storageUri, HF_V2);
      assert.equal(obj.metadata.annotations?.["ml-gitops.dev/canary-step-weights"], "10,25");
    });

    it("never emits canaryTrafficPercent, and gives the canary no autoscaling fields", () => {
      const obj = isvc(VALID_KSERVE);
      assert.doesNotMatch(JSON.stringify(obj), /canaryTrafficPercent/);
      for (const field of ["maxReplicas", "scaleTarget", "scaleMetric", "autoScaling"]) {
        assert.equal(field in obj.spec.canary[0].predictor, false, field);
      }
      assert.equal(obj.spec.predictor.maxReplicas, 3);
    });

    it("renders no canary without a candidate", () => {
      const text = replaceLine(VALID_KSERVE, `  candidate: { version: v1.1, uri: "${HF_V2}", step: 4 }\n`, "");
      const obj = isvc(text);
      assert.equal("canary" in obj.spec, false);
      assert.equal(obj.metadata.annotations?.["ml-gitops.dev/canary-step-weights"], undefined);
    });
  });

  describe("Knative mode", () => {
    it("puts the candidate in the predictor with canaryTrafficPercent and enables tag routing", () => {
      const obj = isvc(VALID_KSERVE, { ...CTX, kserveMode: "Knative" });
      assert.equal(obj.metadata.annotations?.["serving.kserve.io/deploymentMode"], "Knative");
      assert.equal(obj.metadata.annotations?.["serving.kserve.io/enable-tag-routing"], "true");
      assert.equal(obj.spec.predictor.canaryTrafficPercent, 25);
      assert.equal(obj.spec.predictor.model.storageUri, HF_V2);
      assert.equal("canary" in obj.spec, false);
    });

    it("lets a declaration's serving.mode override the cluster's", () => {
      const obj = isvc(replaceLine(VALID_KSERVE, "    engine: kserve", "    engine: kserve\n    mode: Knative"));
      assert.equal(obj.metadata.annotations?.["serving.kserve.io/deploymentMode"], "Knative");
    });
  });

  it("requests GPUs, tolerates the GPU taint and selects the GPU model's nodes", () => {
    const { predictor } = isvc(VALID_KSERVE).spec;
    assert.deepEqual(predictor.model.resources, {
      limits: { memory: "24Gi", "nvidia.com/gpu": "1" },
      requests: { cpu: "6", memory: "24Gi", "nvidia.com/gpu": "1" },
    });
    assert.deepEqual(predictor.tolerations, [{ effect: "NoSchedule", key: "nvidia.com/gpu", operator: "Equal", value: "true" }]);
    assert.deepEqual(predictor.nodeSelector, { "ml-gitops.dev/gpu-model": "l4" });
    assert.equal(predictor.serviceAccountName, "model-reader");
    assert.equal(predictor.model.runtime, "kserve-huggingfaceserver");
    assert.deepEqual(predictor.model.modelFormat, { name: "huggingface" });
  });

  it("uses a node affinity with In when several GPU models will do", () => {
    const { predictor } = isvc(replaceLine(VALID_KSERVE, "types: [L4]", "types: [L4, A10G, L4]")).spec;
    assert.equal(predictor.nodeSelector, undefined);
    assert.deepEqual(predictor.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [{ key: "ml-gitops.dev/gpu-model", operator: "In", values: ["a10g", "l4"] }] },
    ]);
  });

  it("reads artifacts through ctx.rewriteUri (region-local buckets)", () => {
    const obj = isvc(VALID_KSERVE, { ...CTX, rewriteUri: (u) => u.replace("hf://", "hf://mirror-") });
    assert.equal(obj.spec.predictor.model.storageUri, HF_V1.replace("hf://", "hf://mirror-"));
  });

  it("renders the stable alone when bootstrapping a cluster, so a canary is never skipped", () => {
    const obj = isvc(VALID_KSERVE, { ...CTX, kserveMode: "Knative", bootstrap: true });
    assert.equal(obj.spec.predictor.model.storageUri, HF_V1);
    assert.equal(obj.spec.predictor.canaryTrafficPercent, undefined);
  });

  it("turns version labels into DNS labels", () => {
    assert.equal(versionSlug("v2.1.0"), "v2-1-0");
    assert.equal(versionSlug("2025.05.2"), "v2025-05-2");
    assert.equal(versionSlug("V1_RC..3"), "v1-rc-3");
  });
});
