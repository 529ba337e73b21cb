import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";
import type { GpuAmiType } from "../../lib/gpu/catalogue";

describe("NVIDIA device plugin", async () => {
  const h = await mockRuntime({ region: "us-east-1" });
  const k8s = await import("@pulumi/kubernetes");
  const { NvidiaDevicePlugin, needsDevicePlugin } = await import("../../components/nvidia-device-plugin");

  // GIVEN a cluster provider WHEN the plugin is planned
  const provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
  new NvidiaDevicePlugin("nvidia", {}, { providers: [provider] });
  await h.settle();
  const release = h.named("kubernetes:helm.sh/v3:Release", "nvidia-release");

  it("installs the pinned chart into kube-system through the cluster's provider", () => {
    assert.equal(release.props.chart, "nvidia-device-plugin");
    assert.equal(release.props.version, "0.20.0");
    assert.deepEqual(release.props.repositoryOpts, { repo: "https://nvidia.github.io/k8s-device-plugin" });
    assert.equal(release.props.namespace, "kube-system");
    assert.equal(release.props.createNamespace, false);
    assert.match(String(release.options.provider), /::cluster-k8s$/);
    assert.equal(release.parent, h.named("ml-gitops:platform:NvidiaDevicePlugin", "nvidia").urn);
  });

  it("runs only on platform GPU nodes whose AMI lacks the plugin, tolerating the GPU taint", () => {
    const values = release.props.values as Record<string, unknown>;
    assert.deepEqual(values.nodeSelector, { "ml-gitops.dev/gpu": "true" });
    assert.deepEqual(values.affinity, {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "ml-gitops.dev/node-os", operator: "In", values: ["al2023"] }] }] } },
    });
    assert.deepEqual(values.tolerations, [
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "CriticalAddonsOnly", operator: "Exists" },
    ]);
  });

  const cases: [GpuAmiType[], boolean][] = [
    [[], false],
    [["BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA"], false],
    [["AL2023_x86_64_NVIDIA"], true],
    [["BOTTLEROCKET_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA"], true],
  ];
  for (const [amis, needed] of cases) {
    it(`${needed ? "is" : "is not"} needed for ${amis.join(", ") || "no pools"}`, () => assert.equal(needsDevicePlugin(amis), needed));
  }
});
