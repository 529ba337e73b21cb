import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel, type KubeObject, type RenderContext } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, replaceLine, VALID } from "../deployments/fixture";

const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus:9090" };
type Obj = KubeObject & { spec: Record<string, any> };
const ROUTING = "  routing: { header: x-ml-variant, value: candidate, candidateWeight: 30 }\n";

function routes(text: string, ctx: RenderContext = CTX): Obj[] {
  return (renderModel(loadDeploymentFile(FILE, text, CONTEXT), ctx) as Obj[]).filter((o) => o.kind === "HTTPRoute");
}
const weights = (route: Obj) => route.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => `${b.name}=${b.weight}`);

// Gateway API's HTTPRoute has no CRD in ../shared/crds: these objects are checked here, by shape.
describe("HTTPRoute renderer (no CRD in ../shared: checked by shape, not by CRD validation)", () => {
  it("attaches the model's route to KServe's gateway by default, at the candidate's current weight", () => {
    const [main] = routes(VALID);
    assert.equal(main!.apiVersion, "gateway.networking.k8s.io/v1");
    assert.deepEqual(main!.spec.parentRefs, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "kserve-ingress-gateway", namespace: "kserve" }]);
    assert.deepEqual(main!.spec.hostnames, ["llama-models.example.com"]);
    assert.deepEqual(weights(main!), ["llama-stable=90", "llama-canary=10"]);
  });

  it("attaches to the gateway named in the context", () => {
    const [main] = routes(VALID, { ...CTX, gateway: { namespace: "edge", name: "public", domain: "ml.acme.io" } });
    assert.deepEqual(main!.spec.parentRefs[0], { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "edge" });
    assert.deepEqual(main!.spec.hostnames, ["llama-models.ml.acme.io"]);
  });

  it("sends requests carrying the A/B header to the candidate with candidateWeight, on a route of its own", () => {
    const objs = routes(replaceLine(VALID, "  rollout:\n", `${ROUTING}  rollout:\n`));
    assert.deepEqual(objs.map((o) => o.metadata.name), ["llama", "llama-ab"]);
    const ab = objs[1]!;
    assert.deepEqual(ab.spec.rules[0].matches, [{ headers: [{ name: "x-ml-variant", type: "Exact", value: "candidate" }], path: { type: "PathPrefix", value: "/" } }]);
    assert.deepEqual(weights(ab), ["llama-stable=70", "llama-canary=30"]);
    assert.deepEqual(ab.spec.hostnames, objs[0]!.spec.hostnames);
  });

  it("renders no A/B route without spec.routing", () => {
    assert.deepEqual(routes(VALID).map((o) => o.metadata.name), ["llama"]);
  });
});
