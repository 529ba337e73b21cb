/**
 * Each health expression's verdict on the status shapes the controllers write, run in the real
 * expression engines (test/support/health-engines.ts). The shapes follow the upstream types and
 * fixtures: argo-rollouts@v1.9.1 RolloutStatus (string observedGeneration, controller-computed
 * phase), kserve@v0.20.0 InferenceService/LocalModelCache/LocalModelNode status types, and
 * argo-cd@v3.5.1 resource_customizations/serving.kserve.io/InferenceService/testdata (degraded:
 * transitionStatus BlockedByFailedLoad with Ready False).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ARGOCD_HEALTH_CUSTOMIZATIONS,
  INFERENCE_SERVICE_HEALTH,
  LOCAL_MODEL_CACHE_HEALTH,
  LOCAL_MODEL_CACHE_HEALTH_LUA,
  LLM_INFERENCE_SERVICE_HEALTH,
  LLM_INFERENCE_SERVICE_HEALTH_LUA,
  LOCAL_MODEL_NODE_HEALTH_LUA,
  MODEL_HEALTH_CHECK_EXPRS,
  ROLLOUT_HEALTH,
} from "../../lib/render/health";
import { argoCdValues } from "../../lib/render/argocd";
import { argoHealth, fluxVerdict } from "../support/health-engines";
import { LLMISVC_CASES, llmisvc } from "../fixtures/health/llm-inference-service-statuses";

const rollout = (generation: number, status?: Record<string, unknown>) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Rollout",
  metadata: { name: "llama", namespace: "models", generation },
  spec: { replicas: 2 },
  ...(status ? { status } : {}),
});

describe("Flux health of a Rollout (Argo Rollouts v1.9.1)", () => {
  it("is in progress while the controller has not observed the new generation (a string there)", () => {
    assert.equal(fluxVerdict(ROLLOUT_HEALTH, rollout(4, { observedGeneration: "3", phase: "Healthy" })), "InProgress");
  });
  it("is in progress while a step rolls out", () => {
    assert.equal(fluxVerdict(ROLLOUT_HEALTH, rollout(4, { observedGeneration: "4", phase: "Progressing", message: "more replicas need to be updated" })), "InProgress");
  });
  it("is current when healthy, and when paused at a canary step", () => {
    assert.equal(fluxVerdict(ROLLOUT_HEALTH, rollout(4, { observedGeneration: "4", phase: "Healthy" })), "Current");
    assert.equal(fluxVerdict(ROLLOUT_HEALTH, rollout(4, { observedGeneration: "4", phase: "Paused", message: "CanaryPauseStep", pauseConditions: [{ reason: "CanaryPauseStep" }] })), "Current");
  });
  it("has failed when degraded (aborted, invalid spec, deadline exceeded)", () => {
    assert.equal(fluxVerdict(ROLLOUT_HEALTH, rollout(4, { observedGeneration: "4", phase: "Degraded", message: "RolloutAborted: metric failed" })), "Failed");
  });
  it("cannot be read before the controller writes any status (Flux reads again)", () => {
    assert.equal(fluxVerdict(ROLLOUT_HEALTH, rollout(1)), "Error");
  });
  it("is current only when the phase says so and the generation is observed (property)", () => {
    const phase = fc.constantFrom("Healthy", "Paused", "Progressing", "Degraded", "");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), phase, (generation, observed, p) => {
        const verdict = fluxVerdict(ROLLOUT_HEALTH, rollout(generation, { observedGeneration: String(observed), phase: p }));
        const expected = observed !== generation ? "InProgress" : p === "Degraded" ? "Failed" : p === "Healthy" || p === "Paused" ? "Current" : "InProgress";
        return verdict === expected;
      }),
    );
  });
});

const isvc = (status: Record<string, unknown>, generation = 2) => ({
  apiVersion: "serving.kserve.io/v1beta1",
  kind: "InferenceService",
  metadata: { name: "mistral", namespace: "models", generation },
  spec: {},
  status,
});

describe("Flux health of an InferenceService (KServe v0.20.0)", () => {
  it("is in progress while the predictor loads", () => {
    const status = { observedGeneration: 2, conditions: [{ type: "PredictorReady", status: "Unknown" }, { type: "Ready", status: "Unknown" }], modelStatus: { transitionStatus: "InProgress" } };
    assert.equal(fluxVerdict(INFERENCE_SERVICE_HEALTH, isvc(status)), "InProgress");
  });
  it("is in progress while KServe has not observed the new generation (int64: Flux's own check)", () => {
    const status = { observedGeneration: 1, conditions: [{ type: "Ready", status: "True" }], modelStatus: { transitionStatus: "UpToDate" } };
    assert.equal(fluxVerdict(INFERENCE_SERVICE_HEALTH, isvc(status)), "InProgress");
  });
  it("is current when Ready", () => {
    const status = { observedGeneration: 2, conditions: [{ type: "PredictorReady", status: "True" }, { type: "Ready", status: "True" }], modelStatus: { transitionStatus: "UpToDate" } };
    assert.equal(fluxVerdict(INFERENCE_SERVICE_HEALTH, isvc(status)), "Current");
  });
  it("has failed when the model failed to load or the spec is invalid", () => {
    const blocked = { observedGeneration: 2, conditions: [{ type: "PredictorReady", status: "False", reason: "RevisionFailed" }, { type: "Ready", status: "False" }], modelStatus: { transitionStatus: "BlockedByFailedLoad" } };
    assert.equal(fluxVerdict(INFERENCE_SERVICE_HEALTH, isvc(blocked)), "Failed");
    assert.equal(fluxVerdict(INFERENCE_SERVICE_HEALTH, isvc({ observedGeneration: 2, modelStatus: { transitionStatus: "InvalidSpec" } })), "Failed");
  });
  it("is in progress, not an error, when status has no conditions yet", () => {
    assert.equal(fluxVerdict(INFERENCE_SERVICE_HEALTH, isvc({ observedGeneration: 2 })), "InProgress");
  });
});

const cache = (status?: Record<string, unknown>) => ({
  apiVersion: "serving.kserve.io/v1alpha1",
  kind: "LocalModelCache",
  metadata: { name: "models-mistral-v0-3", generation: 1 },
  spec: { sourceModelUri: "hf://mistralai/Mistral-7B-Instruct-v0.3", modelSize: "15Gi", nodeGroups: ["gpu-a10g"] },
  ...(status ? { status } : {}),
});

describe("health of a LocalModelCache (KServe v0.20.0): Flux and Argo CD agree", () => {
  // copies fields are omitempty: zero values are absent.
  const cases: [string, Record<string, unknown>, string, string, string][] = [
    ["no copies reported yet", {}, "InProgress", "Progressing", "Waiting for the LocalModel controller to report copies"],
    ["no node of its groups yet", { copies: {} }, "InProgress", "Progressing", "No node of the cache's node groups yet"],
    ["downloading on one of two nodes", { copies: { available: 1, total: 2 }, nodeStatus: { "ip-10-0-1-5": "NodeDownloaded", "ip-10-0-2-7": "NodeDownloading" } }, "InProgress", "Progressing", "Model cached on 1 of 2 nodes"],
    ["cached on every node", { copies: { available: 2, total: 2 }, nodeStatus: { "ip-10-0-1-5": "NodeDownloaded", "ip-10-0-2-7": "NodeDownloaded" } }, "Current", "Healthy", "Model cached on 2 of 2 nodes"],
    ["failed on a node", { copies: { available: 1, total: 2, failed: 1 }, nodeStatus: { "ip-10-0-1-5": "NodeDownloaded", "ip-10-0-2-7": "NodeDownloadError" } }, "Failed", "Degraded", "Download failed on 1 of 2 nodes: ip-10-0-2-7"],
  ];
  for (const [what, status, flux, argo, message] of cases) {
    it(`${what}: Flux ${flux}, Argo CD ${argo}`, () => {
      assert.equal(fluxVerdict(LOCAL_MODEL_CACHE_HEALTH, cache(status)), flux);
      assert.deepEqual(argoHealth(LOCAL_MODEL_CACHE_HEALTH_LUA, cache(status)), { status: argo, message });
    });
  }
  it("Argo CD reports Progressing before any status", () => {
    assert.equal(argoHealth(LOCAL_MODEL_CACHE_HEALTH_LUA, cache()).status, "Progressing");
  });
  it("Flux and Argo CD agree on every copies count (property)", () => {
    const n = fc.integer({ min: 0, max: 50 });
    fc.assert(
      fc.property(n, n, n, (total, available, failed) => {
        const copies = Object.fromEntries(Object.entries({ total, available: Math.min(available, total), failed }).filter(([, v]) => v !== 0));
        const flux = fluxVerdict(LOCAL_MODEL_CACHE_HEALTH, cache({ copies }));
        const argo = argoHealth(LOCAL_MODEL_CACHE_HEALTH_LUA, cache({ copies })).status;
        return ({ Current: "Healthy", InProgress: "Progressing", Failed: "Degraded" } as Record<string, string>)[flux] === argo;
      }),
      { numRuns: 200 },
    );
  });
});

const node = (models: string[], modelStatus?: Record<string, string>) => ({
  apiVersion: "serving.kserve.io/v1alpha1",
  kind: "LocalModelNode",
  metadata: { name: "ip-10-0-1-5" },
  spec: { localModels: models.map((m) => ({ modelName: m, sourceModelUri: `hf://org/${m}` })) },
  ...(modelStatus ? { status: { modelStatus } } : {}),
});

describe("Argo CD health of a LocalModelNode (KServe v0.20.0)", () => {
  it("is Progressing while models download", () => {
    assert.deepEqual(argoHealth(LOCAL_MODEL_NODE_HEALTH_LUA, node(["a", "b"], { a: "ModelDownloaded", b: "ModelDownloading" })), { status: "Progressing", message: "1 of 2 models downloaded" });
    assert.deepEqual(argoHealth(LOCAL_MODEL_NODE_HEALTH_LUA, node(["a"])), { status: "Progressing", message: "0 of 1 models downloaded" });
  });
  it("is Healthy when every model is downloaded", () => {
    assert.deepEqual(argoHealth(LOCAL_MODEL_NODE_HEALTH_LUA, node(["a", "b"], { a: "ModelDownloaded", b: "ModelDownloaded" })), { status: "Healthy", message: "2 of 2 models downloaded" });
  });
  it("is Degraded, naming the models, when a download failed", () => {
    assert.deepEqual(argoHealth(LOCAL_MODEL_NODE_HEALTH_LUA, node(["a", "b"], { b: "ModelDownloadError", a: "ModelDownloadError" })), { status: "Degraded", message: "Download failed: a, b" });
  });
});

describe("health of an LLMInferenceService (KServe v0.20.0): Flux and Argo CD agree", () => {
  for (const [what, object, flux, argo, message] of LLMISVC_CASES) {
    it(`${what}: Flux ${flux}, Argo CD ${argo}`, () => {
      assert.equal(fluxVerdict(LLM_INFERENCE_SERVICE_HEALTH, object), flux);
      assert.deepEqual(argoHealth(LLM_INFERENCE_SERVICE_HEALTH_LUA, object), { status: argo, message });
    });
  }
  it("is healthy only when Ready is True for the observed generation (property)", () => {
    const status = fc.constantFrom("True", "False", "Unknown");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), status, (generation, observed, ready) => {
        const object = llmisvc(generation, { observedGeneration: observed, conditions: [{ type: "Ready", status: ready }] });
        const healthy = observed >= generation && ready === "True";
        const fluxCurrent = observed === generation && ready === "True";
        return (argoHealth(LLM_INFERENCE_SERVICE_HEALTH_LUA, object).status === "Healthy") === healthy && (fluxVerdict(LLM_INFERENCE_SERVICE_HEALTH, object) === "Current") === fluxCurrent;
      }),
      { numRuns: 200 },
    );
  });
});

describe("where the checks are installed", () => {
  it("Flux: one expression per kind the models Kustomization delivers, each parsable by Flux's rules (current required)", () => {
    assert.deepEqual(MODEL_HEALTH_CHECK_EXPRS.map((c) => `${c.apiVersion}/${c.kind}`), ["argoproj.io/v1alpha1/Rollout", "serving.kserve.io/v1beta1/InferenceService", "serving.kserve.io/v1alpha1/LocalModelCache", "serving.kserve.io/v1alpha2/LLMInferenceService"]);
    for (const c of MODEL_HEALTH_CHECK_EXPRS) assert.ok(c.current.length > 0);
  });
  it("Argo CD: the chart values put every script into argocd-cm (configs.cm)", () => {
    const cm = argoCdValues({ adminPasswordBcrypt: "x", dexEnabled: false, syncTimeoutMinutes: 45 }).configs.cm as Record<string, string>;
    for (const [key, script] of Object.entries(ARGOCD_HEALTH_CUSTOMIZATIONS)) assert.equal(cm[key], script);
  });
  it("Argo CD: argocd-cm keys resource.customizations.health.<group>_<kind> for the three KServe kinds", () => {
    assert.deepEqual(Object.keys(ARGOCD_HEALTH_CUSTOMIZATIONS).sort(), [
      "resource.customizations.health.serving.kserve.io_LLMInferenceService",
      "resource.customizations.health.serving.kserve.io_LocalModelCache",
      "resource.customizations.health.serving.kserve.io_LocalModelNode",
    ]);
  });
});
