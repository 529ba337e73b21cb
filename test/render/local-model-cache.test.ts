import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { cacheNodeGroups } from "../../lib/render/local-model-cache";
import { renderModel, type RenderContext } from "../../lib/render/model-manifests";
import { CONTEXT, HF_V1, HF_V2, KSERVE_FILE, replaceLine, VALID_KSERVE } from "../deployments/fixture";

const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus:9090" };

function caches(text: string, ctx: RenderContext = CTX) {
  return renderModel(loadDeploymentFile(KSERVE_FILE, text, CONTEXT), ctx).filter((o) => o.kind === "LocalModelCache");
}

describe("LocalModelCache renderer", () => {
  it("caches the stable and the candidate, on the GPU pools' node groups, naming the download jobs' ServiceAccount (credentials are injected only when one is named)", () => {
    const objs = caches(VALID_KSERVE);
    assert.deepEqual(
      objs.map((o) => [o.apiVersion, o.metadata.name, o.metadata.namespace, o.spec]),
      [
        ["serving.kserve.io/v1alpha1", "models-mistral-v1-0", undefined, { modelSize: "16Gi", nodeGroups: ["gpu-l4"], serviceAccountName: "default", sourceModelUri: HF_V1 }],
        ["serving.kserve.io/v1alpha1", "models-mistral-v1-1", undefined, { modelSize: "16Gi", nodeGroups: ["gpu-l4"], serviceAccountName: "default", sourceModelUri: HF_V2 }],
      ],
    );
  });

  it("names node groups with ctx.localModelNodeGroup", () => {
    const [obj] = caches(replaceLine(VALID_KSERVE, "types: [L4]", "types: [L4, A10G]"), { ...CTX, localModelNodeGroup: (g) => `cache-${g.toLowerCase()}` });
    assert.deepEqual((obj!.spec as { nodeGroups: string[] }).nodeGroups, ["cache-a10g", "cache-l4"]);
  });

  it("names only the declared GPU models' groups the cluster has", () => {
    // GIVEN a declaration on L4, A10G and L40S WHEN the cluster has groups for L4 and H100
    const [obj] = caches(replaceLine(VALID_KSERVE, "types: [L4]", "types: [L4, A10G, L40S]"), { ...CTX, localModelNodeGroups: ["gpu-h100", "gpu-l4"] });
    // THEN the cache lands on the L4 group only, never on a group the cluster lacks
    assert.deepEqual((obj!.spec as { nodeGroups: string[] }).nodeGroups, ["gpu-l4"]);
  });

  it("renders no cache where the cluster has a group for none of the declared models", () => {
    // GIVEN the L4 pools of this cluster are Bottlerocket, so it has no gpu-l4 group
    assert.deepEqual(caches(VALID_KSERVE, { ...CTX, localModelNodeGroups: ["gpu-h100"] }), []);
    assert.deepEqual(caches(VALID_KSERVE, { ...CTX, localModelNodeGroups: [] }), []);
  });

  it("intersects by the names ctx.localModelNodeGroup gives", () => {
    const ctx = { ...CTX, localModelNodeGroup: (g: string) => `cache-${g.toLowerCase()}`, localModelNodeGroups: ["cache-a10g"] };
    assert.deepEqual(cacheNodeGroups(["L4", "A10G"], ctx), ["cache-a10g"]);
    assert.deepEqual(cacheNodeGroups(["L4", "A10G"], {}), ["gpu-a10g", "gpu-l4"]);
  });

  it("renders nothing without serving.cache", () => {
    assert.deepEqual(caches(replaceLine(VALID_KSERVE, "    cache: { size: 16Gi }\n", "")), []);
  });
});

describe("LocalModelCache ordering under Argo CD", () => {
  it("goes in sync wave -1, before the InferenceService (wave 0) that KServe points at it on admission", () => {
    for (const c of caches(VALID_KSERVE)) assert.equal(c.metadata.annotations?.["argocd.argoproj.io/sync-wave"], "-1");
  });
});
