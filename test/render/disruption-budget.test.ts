/**
 * Issue #16: a KServe or LLMInferenceService candidate on Karpenter nodes is kept from voluntary
 * disruption by a PodDisruptionBudget (lib/render/disruption-budget.ts), not by an annotation in
 * its pod template, which would restart it at promotion. policy/v1 is core (no CRD to validate
 * against), so its shape is asserted exactly.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel, type KubeObject, type RenderContext } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, HF_V2, KSERVE_FILE, LLMISVC_FILE, REV_2, replaceLine, VALID, VALID_KSERVE, VALID_LLMISVC } from "../deployments/fixture";

const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
type Obj = KubeObject & { spec: Record<string, any> };
const render = (file: string, text: string, ctx: RenderContext = CTX) => renderModel(loadDeploymentFile(file, text, CONTEXT), ctx) as Obj[];
const budgets = (objects: Obj[]) => objects.filter((o) => o.kind === "PodDisruptionBudget");
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The labels KServe v0.20.0 gives a predictor's pods: the InferenceService's, then the predictor's (predictor.go buildObjectMeta). */
function predictorPodLabels(isvc: Obj, predictor: Record<string, any>): Record<string, string> {
  return { ...(isvc.metadata.labels ?? {}), ...(predictor.labels ?? {}) };
}

/** Promotes the fixtures' candidate v1.1: it becomes the stable and nothing is in canary. */
function promoted(text: string, uri: string): string {
  const lines = text.split("\n").filter((l) => !l.startsWith("  candidate:"));
  return lines.map((l) => (l.startsWith("  stable:") ? `  stable: { version: v1.1, uri: "${uri}" }` : l)).join("\n");
}

describe("candidate disruption budget", () => {
  it("renders one PodDisruptionBudget allowing no voluntary disruption of the KServe candidate's pods, exactly", () => {
    assert.deepEqual(budgets(render(KSERVE_FILE, VALID_KSERVE)), [
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: {
          annotations: { "ml-gitops.dev/source": KSERVE_FILE },
          labels: {
            "app.kubernetes.io/managed-by": "ml-gitops",
            "app.kubernetes.io/name": "mistral",
            "ml-gitops.dev/environment": "staging",
            "ml-gitops.dev/model": "mistral",
            "ml-gitops.dev/team": "bots",
            "ml-gitops.dev/version": "v1-1",
          },
          name: "mistral-v1-1-canary",
          namespace: "models",
        },
        spec: { maxUnavailable: 0, selector: { matchLabels: { "ml-gitops.dev/model": "mistral", "ml-gitops.dev/version": "v1-1" } } },
      },
    ]);
  });

  it("selects the KServe candidate predictor's pods and not the stable's, in Standard and Knative mode", () => {
    for (const mode of ["Standard", "Knative"] as const) {
      const objects = render(KSERVE_FILE, VALID_KSERVE, { ...CTX, kserveMode: mode });
      const isvc = objects.find((o) => o.kind === "InferenceService")!;
      const selector = budgets(objects)[0]!.spec.selector.matchLabels as Record<string, string>;
      const served = mode === "Standard" ? isvc.spec.canary[0].predictor : isvc.spec.predictor;
      assert.ok(matches(selector, predictorPodLabels(isvc, served)), `${mode}: the candidate's pods are not selected`);
      if (mode === "Standard") assert.ok(!matches(selector, predictorPodLabels(isvc, isvc.spec.predictor)), "the stable's pods are selected");
    }
  });

  it("selects the candidate LLMInferenceService's pods (spec.labels) and not the stable's", () => {
    const objects = render(LLMISVC_FILE, VALID_LLMISVC);
    const [stable, candidate] = objects.filter((o) => o.kind === "LLMInferenceService");
    const [budget] = budgets(objects);
    assert.equal(budget!.metadata.name, "qwen-v1-1-canary");
    assert.deepEqual(budget!.spec, { maxUnavailable: 0, selector: { matchLabels: { "ml-gitops.dev/model": "qwen", "ml-gitops.dev/version": "v1-1" } } });
    assert.ok(matches(budget!.spec.selector.matchLabels, candidate!.spec.labels));
    assert.ok(!matches(budget!.spec.selector.matchLabels, stable!.spec.labels));
  });

  it("renders none without a candidate, when the cluster bootstraps, and for vLLM (whose canary pods carry do-not-disrupt)", () => {
    assert.deepEqual(budgets(render(KSERVE_FILE, promoted(VALID_KSERVE, HF_V2))), []);
    assert.deepEqual(budgets(render(LLMISVC_FILE, VALID_LLMISVC, { ...CTX, bootstrap: true })), []);
    const vllm = render(FILE, VALID);
    assert.deepEqual(budgets(vllm), []);
    assert.deepEqual(vllm.find((o) => o.kind === "Rollout")!.spec.strategy.canary.canaryMetadata, { annotations: { "karpenter.sh/do-not-disrupt": "true" } });
  });

  it("puts nothing in a pod template: promoting an LLMInferenceService candidate changes only its route weight, so its pods do not restart", () => {
    const during = render(LLMISVC_FILE, VALID_LLMISVC).find((o) => o.metadata.name === "qwen-v1-1")!;
    const after = render(LLMISVC_FILE, promoted(VALID_LLMISVC, `hf://Qwen/Qwen2.5-7B-Instruct:${REV_2}`)).find((o) => o.metadata.name === "qwen-v1-1")!;
    assert.deepEqual(after.spec.template, during.spec.template);
    assert.deepEqual(after.spec.labels, during.spec.labels);
    assert.deepEqual([during.spec.router.route.weight, after.spec.router.route.weight], [25, 100]);
  });

  it("follows the candidate through every step and never rides on the stable (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.boolean(), (step, llm) => {
        const text = llm ? VALID_LLMISVC : VALID_KSERVE;
        const objects = render(llm ? LLMISVC_FILE : KSERVE_FILE, replaceLine(text, "step: 4 }", `step: ${step} }`));
        const found = budgets(objects);
        return found.length === 1 && found[0]!.spec.selector.matchLabels["ml-gitops.dev/version"] === "v1-1" && found[0]!.spec.maxUnavailable === 0;
      }),
      { numRuns: 24 },
    );
  });
});
