/**
 * The GatewayApi and Karpenter contracts (lib/contracts/gateway-api.ts, karpenter.ts): the Gateway
 * the stack creates is refused at construction when Kubernetes would refuse it, with the
 * GatewayClass rule the stack config's ml-gitops:gatewayClassName applies word for word; the one
 * Gateway reference rule serves KServe's ingress and ml-gitops:existingGateway; Karpenter's Helm
 * wait follows every add-on's.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";
import { formatProblem } from "../../lib/errors";
import { gatewayApiArgsProblems, type GatewayApiArgs } from "../../lib/contracts/gateway-api";
import { kserveArgsProblems } from "../../lib/contracts/kserve";
import { clusterConfigProblems, problemsOf, STACK_FILE } from "./problems";

const FILE = STACK_FILE;
const GATEWAY = { namespace: "kserve", name: "kserve-ingress-gateway", gatewayClassName: "envoy", routeNamespaces: ["models"] };
const CLASS_MESSAGE =
  "is not a valid GatewayClass name: use at most 253 lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit (got \"Envoy\"). Name the GatewayClass of the cluster's Gateway API implementation, e.g. envoy.";

function configProblems(extra: Record<string, string>): string[] {
  return clusterConfigProblems({ "ml-gitops:gatewayClassName": undefined, ...extra });
}

describe("GatewayApi and Karpenter contracts", async () => {
  await mockRuntime({ region: "us-east-1" });
  const { GatewayApi } = await import("../../components/gateway-api");
  const { Karpenter } = await import("../../components/karpenter");
  let n = 0;
  const gatewayApi = (gateway: Partial<GatewayApiArgs["gateway"] & object>) => problemsOf(() => new GatewayApi(`gateway-api-${n++}`, { gateway: { ...GATEWAY, ...gateway } }));

  it("accepts KServe's default Gateway, and no Gateway at all", () => {
    assert.deepEqual(gatewayApi({}), []);
    assert.deepEqual(gatewayApiArgsProblems({}), []);
  });

  it("refuses a GatewayClass name with one message from GatewayApi and the stack config", () => {
    assert.deepEqual(gatewayApi({ gatewayClassName: "Envoy" }), [`gateway.gatewayClassName: ${CLASS_MESSAGE}`]);
    assert.deepEqual(configProblems({ "ml-gitops:gatewayClassName": "Envoy" }), [`${FILE}: ml-gitops:gatewayClassName: ${CLASS_MESSAGE}`]);
  });

  it("refuses a Gateway no route may attach to", () => {
    assert.deepEqual(gatewayApi({ routeNamespaces: [] }), ['gateway.routeNamespaces: is empty, so no HTTPRoute could attach (got []). Name the namespaces models run in, e.g. ["models"].']);
  });

  it("refuses a route namespace that is no namespace name, naming its index", () => {
    assert.deepEqual(gatewayApi({ routeNamespaces: ["models", "Models"] }), [
      `gateway.routeNamespaces[1]: is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (got "Models"). Name the namespaces models run in, e.g. ["models"].`,
    ]);
  });

  it("refuses a Gateway namespace and name Kubernetes would refuse, all at once", () => {
    assert.deepEqual(gatewayApi({ namespace: "Kserve", name: "-gw" }), [
      `gateway.namespace: is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (got "Kserve"). Name the namespace the Gateway lives in, e.g. kserve.`,
      `gateway.name: is not a valid Gateway name: use at most 253 lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit (got "-gw"). Name the Gateway, e.g. kserve-ingress-gateway.`,
    ]);
  });

  it("reads KServe's ingress Gateway with the rule ml-gitops:existingGateway uses", () => {
    const message = 'is not <namespace>/<name> of a Gateway (got "public"). Name the existing Gateway, e.g. istio-ingress/public.';
    const kserve = kserveArgsProblems({ storage: { bucketRegion: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/model-reader" }, ingress: { kind: "gatewayApi", gateway: "public" } });
    assert.deepEqual(kserve.map(formatProblem), [`ingress.gateway: ${message}`]);
    assert.deepEqual(configProblems({ "ml-gitops:existingGateway": "public" }), [`${FILE}: ml-gitops:existingGateway: ${message}`]);
  });

  it("refuses a Karpenter Helm wait below a minute, naming the default", () => {
    const karpenter = problemsOf(() => new Karpenter(`karpenter-${n++}`, { clusterName: "ml-test", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x", oidcIssuer: "x", helmTimeoutMinutes: 0 }));
    assert.deepEqual(karpenter, ["helmTimeoutMinutes: must be a whole number of minutes, at least 1 (got 0). Omit it for the default 10."]);
  });
});
