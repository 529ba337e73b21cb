import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { canonical, renderModel, type RenderContext } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, KSERVE_FILE, VALID, VALID_KSERVE } from "../deployments/fixture";

const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus:9090" };

function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSorted);
  if (typeof value !== "object" || value === null) return true;
  const keys = Object.keys(value);
  return keys.every((k, i) => i === 0 || keys[i - 1]! < k) && Object.values(value).every(keysSorted);
}

describe("model manifests", () => {
  it("renders the same bytes for the same declaration and context", () => {
    for (const [file, text] of [[FILE, VALID], [KSERVE_FILE, VALID_KSERVE]] as const) {
      const a = JSON.stringify(renderModel(loadDeploymentFile(file, text, CONTEXT), CTX));
      const b = JSON.stringify(renderModel(loadDeploymentFile(file, text, CONTEXT), CTX));
      assert.equal(a, b);
    }
  });

  it("sorts keys at every level and objects by kind and name", () => {
    const objs = renderModel(loadDeploymentFile(FILE, VALID, CONTEXT), CTX);
    assert.ok(keysSorted(objs));
    const order = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(order, [...order].sort());
  });

  it("records the source declaration on every object", () => {
    for (const o of renderModel(loadDeploymentFile(KSERVE_FILE, VALID_KSERVE, CONTEXT), CTX)) {
      assert.equal(o.metadata.annotations?.["ml-gitops.dev/source"], KSERVE_FILE);
    }
  });

  it("renders an InferenceService for the kserve engine and a Rollout for vllm", () => {
    const kinds = (file: string, text: string) => [...new Set(renderModel(loadDeploymentFile(file, text, CONTEXT), CTX).map((o) => o.kind))];
    assert.deepEqual(kinds(KSERVE_FILE, VALID_KSERVE), ["HTTPRoute", "InferenceService", "LocalModelCache", "PodDisruptionBudget", "PodMonitor"]);
    assert.deepEqual(kinds(FILE, VALID), ["AnalysisTemplate", "HTTPRoute", "PodMonitor", "Rollout", "Service"]);
  });

  it("canonical() keeps values and array order, whatever the key order", () => {
    // Integer-like keys are excluded: JavaScript always enumerates them first, and Kubernetes
    // field and label names are never integers.
    const key = fc.string().filter((k) => !/^(0|[1-9][0-9]*)$/.test(k) && k !== "__proto__");
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.array(tie("json")), fc.dictionary(key, tie("json"), { noNullPrototype: true })),
    }));
    fc.assert(
      fc.property(json, (value) => {
        const once = canonical(value);
        assert.deepEqual(once, value);
        assert.ok(keysSorted(once));
        assert.equal(JSON.stringify(canonical(once)), JSON.stringify(once));
      }),
    );
  });
});
