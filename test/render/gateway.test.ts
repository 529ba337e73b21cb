import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { crdsAvailable, validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { buildGateway, parseGatewayRef } from "../../lib/render/gateway";

const skip = crdsAvailable() ? false : "../shared/crds is absent: the Gateway is not validated against the Gateway API CRD here";
const gateway = buildGateway({ namespace: "kserve", name: "kserve-ingress-gateway", gatewayClassName: "envoy", routeNamespaces: ["models"] });

describe("Gateway (Gateway API v1.5.1)", () => {
  it("validates strictly against the v1.5.1 CRD (uses ../shared/crds)", { skip }, () => {
    assert.deepEqual(validateAgainstCrds(gateway), []);
  });
  it("catches a misspelt listener field against the CRD (the check is not vacuous; uses ../shared/crds)", { skip }, () => {
    const bad = structuredClone(gateway) as unknown as { spec: { listeners: Record<string, unknown>[] } };
    bad.spec.listeners[0]!.protocoll = "HTTP";
    assert.equal(validateAgainstCrds(bad as unknown as typeof gateway).length > 0, true);
  });
  it("admits HTTPRoutes from the model namespaces only", () => {
    assert.deepEqual(gateway.spec.listeners[0]!.allowedRoutes.namespaces, {
      from: "Selector",
      selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["models"] }] },
    });
  });
  it("reads an existing Gateway as namespace/name, and refuses anything else", () => {
    assert.deepEqual(parseGatewayRef("edge/public", "k"), { namespace: "edge", name: "public", domain: "example.com" });
    for (const bad of ["public", "edge/public/x", "Edge/public", "/public"]) {
      assert.deepEqual(parseGatewayRef(bad, "k"), { path: "k", value: bad, message: "is not <namespace>/<name> of a Gateway", fix: "Name the existing Gateway, e.g. istio-ingress/public." });
    }
  });
});
