import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ARGO_ROLLOUTS_SERVICE_ACCOUNT,
  argoRolloutsValues,
  gatewayApiPluginRules,
  kserveControllerValues,
  s3Endpoint,
  storageServiceAccountAnnotations,
} from "../../lib/render/kserve-platform";
import { GATEWAY_API_PLUGIN } from "../../lib/render/rollout";
import { ROLLOUTS_PLUGINS } from "../../lib/versions";

describe("KServe platform values", () => {
  it("always writes the deployment mode, since the chart defaults to Knative", () => {
    for (const deploymentMode of ["Standard", "Knative"] as const) {
      const values = kserveControllerValues({ deploymentMode, ingress: { kind: "none" }, networkingLayer: "istio", domain: "example.com" });
      assert.equal(values.kserve.controller.deploymentMode, deploymentMode);
    }
  });

  it("uses the named IngressClass for plain Ingress", () => {
    const values = kserveControllerValues({ deploymentMode: "Standard", ingress: { kind: "ingress", className: "alb" }, domain: "models.example.com" });
    assert.deepEqual(values.kserve.controller.gateway, {
      domain: "models.example.com",
      disableIngressCreation: false,
      ingressGateway: { enableGatewayApi: false, createGateway: false, className: "alb" },
    });
  });

  it("keeps Istio virtual hosts for Istio and drops them for Kourier", () => {
    const istio = kserveControllerValues({ deploymentMode: "Knative", ingress: { kind: "none" }, networkingLayer: "istio", domain: "d" });
    assert.equal(istio.kserve.controller.gateway.disableIstioVirtualHost, false);
  });
});

describe("KServe local model cache switch", () => {
  it("is off unless asked for, and written either way", () => {
    const off = kserveControllerValues({ deploymentMode: "Standard", ingress: { kind: "none" }, domain: "d" });
    assert.deepEqual(off.kserve.localmodel, { enabled: false });
    const on = kserveControllerValues({ deploymentMode: "Standard", ingress: { kind: "none" }, domain: "d", localModel: true });
    assert.deepEqual(on.kserve.localmodel, { enabled: true });
  });
});

describe("model storage annotations", () => {
  it("derives the regional endpoint, including China regions", () => {
    assert.equal(s3Endpoint("us-west-2"), "s3.us-west-2.amazonaws.com");
    assert.equal(s3Endpoint("cn-north-1"), "s3.cn-north-1.amazonaws.com.cn");
  });

  it("carries the role and never anonymous credentials", () => {
    const a = storageServiceAccountAnnotations({ region: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/r" });
    assert.equal(a["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/r");
    assert.equal(a["serving.kserve.io/s3-useanoncredential"], "false");
  });
});

describe("Argo Rollouts values", () => {
  it("creates a ServiceMonitor only when metrics are on", () => {
    const off = argoRolloutsValues({ metrics: false, serviceMonitor: true, serviceMonitorLabels: {}, dashboard: false, trafficRouterPlugins: [] });
    assert.equal(off.controller.metrics.serviceMonitor.enabled, false);
    const on = argoRolloutsValues({ metrics: true, serviceMonitor: true, serviceMonitorLabels: { release: "kps" }, dashboard: true, trafficRouterPlugins: [] });
    assert.deepEqual(on.controller.metrics, { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { release: "kps" } } });
    assert.deepEqual(on.dashboard, { enabled: true, readonly: true });
  });
});

describe("Gateway API traffic-router plugin", () => {
  it("registers the pinned plugin under the name the rendered Rollouts use", () => {
    // GIVEN the pinned plugin WHEN the chart values are built
    const values = argoRolloutsValues({ metrics: true, serviceMonitor: false, serviceMonitorLabels: {}, dashboard: false, trafficRouterPlugins: [ROLLOUTS_PLUGINS.gatewayApi] });
    // THEN the controller gets one {name, location} item, and the name is the Rollouts' plugin key
    assert.deepEqual(values.controller.trafficRouterPlugins, [
      {
        name: "argoproj-labs/gatewayAPI",
        location: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.15.0/gatewayapi-plugin-linux-amd64",
      },
    ]);
    assert.equal(ROLLOUTS_PLUGINS.gatewayApi.name, GATEWAY_API_PLUGIN);
  });

  it("pins an exact release, and its asset, never latest", () => {
    const pin = ROLLOUTS_PLUGINS.gatewayApi;
    assert.match(pin.version, /^v\d+\.\d+\.\d+$/);
    assert.ok(pin.location.includes(`/releases/download/${pin.version}/`), pin.location);
    assert.ok(!pin.location.includes("latest"), pin.location);
  });

  it("passes a checksum through when one is pinned", () => {
    const values = argoRolloutsValues({
      metrics: true,
      serviceMonitor: false,
      serviceMonitorLabels: {},
      dashboard: false,
      trafficRouterPlugins: [{ name: "acme/router", version: "v1.0.0", location: "https://example.com/router", sha256: "ab".repeat(32) }],
    });
    assert.deepEqual(values.controller.trafficRouterPlugins, [{ name: "acme/router", location: "https://example.com/router", sha256: "ab".repeat(32) }]);
  });

  it("names the controller's ServiceAccount explicitly, so the plugin's binding cannot miss it", () => {
    const values = argoRolloutsValues({ metrics: true, serviceMonitor: false, serviceMonitorLabels: {}, dashboard: false, trafficRouterPlugins: [] });
    assert.deepEqual(values.serviceAccount, { create: true, name: ARGO_ROLLOUTS_SERVICE_ACCOUNT });
  });

  it("grants what the plugin's own guide lists for HTTPRoutes and no ConfigMap access (it keeps no state there since v0.13.0)", () => {
    assert.deepEqual(gatewayApiPluginRules(), [
      { apiGroups: [""], resources: ["services"], verbs: ["get"] },
      { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: ["get", "list", "update", "patch"] },
    ]);
  });
});
