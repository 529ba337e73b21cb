import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { argoRolloutsValues, kserveControllerValues, s3Endpoint, storageServiceAccountAnnotations } from "../../lib/render/kserve-platform";

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
    const off = argoRolloutsValues({ metrics: false, serviceMonitor: true, serviceMonitorLabels: {}, dashboard: false });
    assert.equal(off.controller.metrics.serviceMonitor.enabled, false);
    const on = argoRolloutsValues({ metrics: true, serviceMonitor: true, serviceMonitorLabels: { release: "kps" }, dashboard: true });
    assert.deepEqual(on.controller.metrics, { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { release: "kps" } } });
    assert.deepEqual(on.dashboard, { enabled: true, readonly: true });
  });
});
