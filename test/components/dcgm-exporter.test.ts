import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";

describe("DCGM exporter", async () => {
  const h = await mockRuntime({ region: "us-east-1" });
  const k8s = await import("@pulumi/kubernetes");
  const { DcgmExporter } = await import("../../components/dcgm-exporter");

  // GIVEN a cluster provider WHEN the exporter is planned beside the installed monitoring stack, and alone
  const provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
  new DcgmExporter("dcgm", { serviceMonitor: true, namespace: "monitoring" }, { providers: [provider] });
  new DcgmExporter("dcgm-alone", { serviceMonitor: false }, { providers: [provider] });
  await h.settle();
  const release = h.named("kubernetes:helm.sh/v3:Release", "dcgm-release");

  it("installs NVIDIA's pinned chart on the GPU nodes only, through their taint", () => {
    assert.equal(release.props.chart, "dcgm-exporter");
    assert.equal(release.props.version, "4.8.2");
    assert.deepEqual(release.props.repositoryOpts, { repo: "https://nvidia.github.io/dcgm-exporter/helm-charts" });
    assert.equal(release.props.namespace, "monitoring");
    const values = release.props.values as Record<string, unknown>;
    assert.deepEqual(values.nodeSelector, { "ml-gitops.dev/gpu": "true" });
    assert.deepEqual(values.tolerations, [{ effect: "NoSchedule", key: "nvidia.com/gpu", operator: "Exists" }]);
  });

  it("keeps the exporter's pod and namespace labels (honorLabels), which the GPU-memory gate joins on", () => {
    assert.deepEqual((release.props.values as { serviceMonitor: unknown }).serviceMonitor, { enabled: true, honorLabels: true, interval: "15s" });
  });

  it("renders no ServiceMonitor without the Operator's CRDs, and runs in a namespace of its own", () => {
    const alone = h.named("kubernetes:helm.sh/v3:Release", "dcgm-alone-release");
    assert.equal((alone.props.values as { serviceMonitor: { enabled: boolean } }).serviceMonitor.enabled, false);
    assert.equal(alone.props.namespace, "dcgm-exporter");
    assert.ok(h.named("kubernetes:core/v1:Namespace", "dcgm-alone-namespace"));
  });
});
