import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mockRuntime } from "../support/harness";
import { CHARTS } from "../../lib/versions";
import { buildLocalModelNodeGroup } from "../../lib/render/local-model-node-group";
import { GPU_NODE_LABEL, GPU_NODE_MODEL_LABEL, GPU_NODE_OS_LABEL, GPU_NODE_TAINT } from "../../lib/render/kserve-platform";
import { GPU_LABEL, GPU_MODEL_LABEL, GPU_TAINT, NODE_OS_LABEL } from "../../components/gpu-node-pool";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROLE = "arn:aws:iam::123456789012:role/model-reader";

describe("KServe component", async () => {
  const h = await mockRuntime();
  const { KServe } = await import("../../components/kserve");

  // GIVEN only the storage args WHEN the component is created
  new KServe("kserve", { storage: { bucketRegion: "eu-west-1", roleArn: pulumi.output(ROLE) } });
  // AND a Knative-mode platform whose operator acknowledged Knative Serving with Kourier
  new KServe("kn", {
    deploymentMode: "Knative",
    knative: { servingInstalled: true, networkingLayer: "kourier" },
    installCertManager: false,
    storage: { bucketRegion: "us-east-1", roleArn: ROLE },
  });
  // AND a Standard-mode platform on Gateway API
  new KServe("gw", {
    ingress: { kind: "gatewayApi", gateway: "gateways/models" },
    installCertManager: false,
    storage: { bucketRegion: "us-east-1", roleArn: ROLE, serviceAccountName: "weights-reader" },
    modelsNamespace: "llm",
  });
  // AND a platform whose models ask for a local model cache, on L4 and H100 pools
  new KServe("cache", {
    installCertManager: false,
    namespace: "kserve-cache",
    modelsNamespace: "cached",
    storage: { bucketRegion: "us-east-1", roleArn: ROLE },
    localModelNodeGroups: [
      { name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 150 },
      { name: "gpu-h100", gpuModelLabel: "h100", storageLimitGiB: 500 },
    ],
  });
  // AND a platform serving LLMInferenceServices
  new KServe("llm", {
    installCertManager: false,
    namespace: "kserve-llm",
    modelsNamespace: "llms",
    storage: { bucketRegion: "us-east-1", roleArn: ROLE },
    llmInferenceService: true,
  });
  await h.settle();

  it("installs cert-manager, the CRDs, the controller and the runtimes from their pinned charts", () => {
    const pins = [
      ["kserve-cert-manager", CHARTS.certManager, "cert-manager", "cert-manager"],
      ["kserve-crd", CHARTS.kserveCrd, "oci://ghcr.io/kserve/charts/kserve-crd", "kserve"],
      ["kserve-controller", CHARTS.kserveResources, "oci://ghcr.io/kserve/charts/kserve-resources", "kserve"],
      ["kserve-runtimes", CHARTS.kserveRuntimeConfigs, "oci://ghcr.io/kserve/charts/kserve-runtime-configs", "kserve"],
    ] as const;
    for (const [resource, pin, chart, namespace] of pins) {
      const release = h.named(RELEASE, resource);
      assert.equal(release.props.chart, chart, resource);
      assert.equal(release.props.version, pin.version, resource);
      assert.equal(release.props.namespace, namespace, resource);
      assert.equal(release.props.atomic, true, resource);
      assert.equal(release.props.timeout, 600, resource);
      assert.deepEqual(release.options.customTimeouts, { create: "15m", update: "15m" }, resource);
    }
    assert.equal(h.named(RELEASE, "kserve-controller").props.version, "v0.20.0");
    assert.deepEqual(h.named(RELEASE, "kserve-cert-manager").props.values, { crds: { enabled: true, keep: true } });
  });

  // The releases each one waits for (namespaces, also recorded as dependencies, are left out).
  const releaseDeps = (name: string) => (h.named(RELEASE, name).options.dependsOn ?? []).filter((u) => u.includes("Release::")).sort();

  it("orders the releases cert-manager → CRDs → controller → runtimes", () => {
    const urn = (n: string) => h.named(RELEASE, n).urn;
    assert.deepEqual(releaseDeps("kserve-cert-manager"), []);
    assert.deepEqual(releaseDeps("kserve-crd"), [urn("kserve-cert-manager")]);
    assert.deepEqual(releaseDeps("kserve-controller"), [urn("kserve-cert-manager"), urn("kserve-crd")].sort());
    assert.deepEqual(releaseDeps("kserve-runtimes"), [urn("kserve-controller"), urn("kserve-crd")].sort());
  });

  it("writes Standard mode explicitly and keeps models cluster-internal by default", () => {
    assert.deepEqual(h.named(RELEASE, "kserve-controller").props.values, {
      kserve: {
        controller: {
          deploymentMode: "Standard",
          gateway: { domain: "cluster.local", disableIngressCreation: true, ingressGateway: { enableGatewayApi: false, createGateway: false } },
        },
        localmodel: { enabled: false },
      },
    });
  });

  it("enables ClusterServingRuntimes and leaves LLM configs off", () => {
    assert.deepEqual(h.named(RELEASE, "kserve-runtimes").props.values, { kserve: { servingruntime: { enabled: true }, llmisvcConfigs: { enabled: false } } });
  });

  it("routes through the named Gateway when Gateway API is chosen", () => {
    const values = h.named(RELEASE, "gw-controller").props.values as { kserve: { controller: { gateway: unknown } } };
    assert.deepEqual(values.kserve.controller.gateway, {
      domain: "cluster.local",
      disableIngressCreation: false,
      ingressGateway: { enableGatewayApi: true, createGateway: false, kserveGateway: "gateways/models" },
    });
  });

  it("writes Knative mode with Kourier settings and skips cert-manager when told", () => {
    const values = h.named(RELEASE, "kn-controller").props.values as { kserve: { controller: unknown } };
    assert.deepEqual(values.kserve.controller, { deploymentMode: "Knative", gateway: { domain: "cluster.local", disableIstioVirtualHost: true } });
    assert.equal(h.ofType(RELEASE).some((r) => r.name === "kn-cert-manager"), false);
    assert.deepEqual(releaseDeps("kn-crd"), []);
  });

  it("creates the storage ServiceAccount in the models namespace with IRSA and regional S3 annotations", () => {
    const sa = h.named("kubernetes:core/v1:ServiceAccount", "kserve-storage");
    assert.deepEqual(sa.props.metadata, {
      name: "kserve-storage",
      namespace: "models",
      annotations: {
        "eks.amazonaws.com/role-arn": ROLE,
        "serving.kserve.io/s3-endpoint": "s3.eu-west-1.amazonaws.com",
        "serving.kserve.io/s3-region": "eu-west-1",
        "serving.kserve.io/s3-usehttps": "1",
        "serving.kserve.io/s3-verifyssl": "1",
        "serving.kserve.io/s3-useanoncredential": "false",
      },
    });
    assert.deepEqual(h.named("kubernetes:core/v1:Namespace", "kserve-models-namespace").props.metadata, { name: "models" });
  });

  it("exposes the mode, the storage ServiceAccount and the models namespace", () => {
    assert.deepEqual(h.named("ml-gitops:serving:KServe", "kserve").outputs?.deploymentMode, "Standard");
    const gw = h.named("ml-gitops:serving:KServe", "gw").outputs ?? {};
    assert.equal(gw.storageServiceAccountName, "weights-reader");
    assert.equal(gw.modelsNamespace, "llm");
    assert.equal(h.named("ml-gitops:serving:KServe", "kn").outputs?.deploymentMode, "Knative");
  });

  it("installs the LocalModel CRDs, controller and agent from their pinned charts, only for a cache", () => {
    const pins = [
      ["cache-localmodel-crd", CHARTS.kserveLocalModelCrd, "oci://ghcr.io/kserve/charts/kserve-localmodel-crd", "kserve-localmodel-crd"],
      ["cache-localmodel", CHARTS.kserveLocalModelResources, "oci://ghcr.io/kserve/charts/kserve-localmodel-resources", "kserve-localmodel-resources"],
    ] as const;
    for (const [resource, pin, chart, releaseName] of pins) {
      const release = h.named(RELEASE, resource);
      assert.equal(release.props.chart, chart, resource);
      assert.equal(release.props.version, pin.version, resource);
      assert.equal(release.props.version, "v0.20.0", resource);
      // Same namespace as the controller: the chart uses its Issuer and leader-election Role.
      assert.equal(release.props.namespace, "kserve-cache", resource);
      assert.equal(release.props.atomic, true, resource);
      assert.equal(release.props.name, releaseName, resource);
    }
    // AND nothing of it where no cache is asked for
    assert.deepEqual(h.ofType(RELEASE).filter((r) => r.name.includes("localmodel")).map((r) => r.name).sort(), ["cache-localmodel", "cache-localmodel-crd"]);
  });

  it("installs KServe's LLMInferenceService CRDs and controller from their pinned charts, only when asked", () => {
    const pins = [
      ["llm-llmisvc-crd", CHARTS.kserveLlmisvcCrd, "oci://ghcr.io/kserve/charts/kserve-llmisvc-crd", "kserve-llmisvc-crd"],
      ["llm-llmisvc", CHARTS.kserveLlmisvcResources, "oci://ghcr.io/kserve/charts/kserve-llmisvc-resources", "kserve-llmisvc-resources"],
    ] as const;
    for (const [resource, pin, chart, releaseName] of pins) {
      const release = h.named(RELEASE, resource);
      assert.equal(release.props.chart, chart, resource);
      assert.equal(release.props.version, pin.version, resource);
      assert.equal(release.props.version, "v0.20.0", resource);
      assert.equal(release.props.namespace, "kserve-llm", resource);
      assert.equal(release.props.atomic, true, resource);
      assert.equal(release.props.name, releaseName, resource);
    }
    // kserve-resources owns the shared resources; the LLM chart must not create them twice
    assert.deepEqual(h.named(RELEASE, "llm-llmisvc").props.values, { kserve: { createSharedResources: false } });
    // AND the well-known LLMInferenceServiceConfigs come with the runtimes, only here
    assert.deepEqual(h.named(RELEASE, "llm-runtimes").props.values, { kserve: { servingruntime: { enabled: true }, llmisvcConfigs: { enabled: true } } });
    assert.deepEqual(h.ofType(RELEASE).filter((r) => r.name.includes("llmisvc")).map((r) => r.name).sort(), ["llm-llmisvc", "llm-llmisvc-crd"]);
  });

  it("installs the LLMInferenceService controller after the KServe controller, and the runtime configs its webhook admits after it", () => {
    const urn = (n: string) => h.named(RELEASE, n).urn;
    assert.deepEqual(releaseDeps("llm-llmisvc-crd"), []);
    assert.deepEqual(releaseDeps("llm-llmisvc"), [urn("llm-controller"), urn("llm-llmisvc-crd")].sort());
    assert.deepEqual(releaseDeps("llm-runtimes"), [urn("llm-controller"), urn("llm-crd"), urn("llm-llmisvc")].sort());
  });

  it("selects and tolerates the GPU nodes by the labels and taint GpuNodePool puts on them", () => {
    assert.equal(GPU_NODE_LABEL, GPU_LABEL);
    assert.equal(GPU_NODE_OS_LABEL, NODE_OS_LABEL);
    assert.equal(GPU_NODE_MODEL_LABEL, GPU_MODEL_LABEL);
    assert.deepEqual({ key: GPU_NODE_TAINT.key, value: GPU_NODE_TAINT.value }, { key: GPU_TAINT.key, value: GPU_TAINT.value });
    assert.equal(GPU_TAINT.effect, "NO_SCHEDULE"); // the EKS API's spelling of NoSchedule
  });

  it("installs the LocalModel controller after the KServe controller and its CRDs", () => {
    const urn = (n: string) => h.named(RELEASE, n).urn;
    assert.deepEqual(releaseDeps("cache-localmodel-crd"), []);
    assert.deepEqual(releaseDeps("cache-localmodel"), [urn("cache-controller"), urn("cache-localmodel-crd")].sort());
  });

  it("schedules the node agent on the AL2023 GPU nodes of the cached models, through the GPU taint", () => {
    assert.deepEqual(h.named(RELEASE, "cache-localmodel").props.values, {
      kserve: {
        version: "v0.20.0",
        localmodelnode: {
          controller: {
            // The chart's base selector cannot be removed (deep-merged into the DaemonSet), so it is
            // written too and the cache pools carry the label.
            nodeSelector: { "kserve/localmodel": "worker", "ml-gitops.dev/gpu": "true", "ml-gitops.dev/node-os": "al2023" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "ml-gitops.dev/gpu-model", operator: "In", values: ["h100", "l4"] }] }],
                },
              },
            },
          },
        },
      },
    });
  });

  it("creates the download jobs' namespace and gives its default ServiceAccount the IRSA role and S3 settings", () => {
    assert.deepEqual(h.named("kubernetes:core/v1:Namespace", "cache-localmodel-jobs-namespace").props.metadata, { name: "kserve-localmodel-jobs" });
    const sa = h.named("kubernetes:core/v1:ServiceAccountPatch", "cache-localmodel-jobs-default-sa").props.metadata as { name: string; namespace: string; annotations: Record<string, string> };
    assert.equal(sa.name, "default");
    assert.equal(sa.namespace, "kserve-localmodel-jobs");
    assert.equal(sa.annotations["eks.amazonaws.com/role-arn"], h.named("kubernetes:core/v1:ServiceAccount", "cache-storage").props.metadata && (h.named("kubernetes:core/v1:ServiceAccount", "cache-storage").props.metadata as { annotations: Record<string, string> }).annotations["eks.amazonaws.com/role-arn"]);
  });

  it("creates one LocalModelNodeGroup per GPU model after the LocalModel charts, and turns the cache on", () => {
    // THEN each group is the builder's object, named by the group so adding a pool renames nothing
    const groups = h.ofType("kubernetes:serving.kserve.io/v1alpha1:LocalModelNodeGroup");
    assert.deepEqual(groups.map((g) => g.name).sort(), ["cache-local-model-node-group-gpu-h100", "cache-local-model-node-group-gpu-l4"]);
    const l4 = h.named("kubernetes:serving.kserve.io/v1alpha1:LocalModelNodeGroup", "cache-local-model-node-group-gpu-l4");
    assert.deepEqual(l4.props.metadata, buildLocalModelNodeGroup({ name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 150 }).metadata);
    assert.deepEqual(l4.props.spec, buildLocalModelNodeGroup({ name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 150 }).spec);
    assert.deepEqual([...(l4.options.dependsOn ?? [])].sort(), [h.named(RELEASE, "cache-localmodel-crd").urn, h.named(RELEASE, "cache-localmodel").urn].sort());
    assert.equal(l4.parent, h.named("ml-gitops:serving:KServe", "cache").urn);
    // AND the controller reads LocalModelCaches
    const values = h.named(RELEASE, "cache-controller").props.values as { kserve: { localmodel: unknown } };
    assert.deepEqual(values.kserve.localmodel, { enabled: true });
    assert.deepEqual(h.named("ml-gitops:serving:KServe", "cache").outputs?.localModelNodeGroups, ["gpu-l4", "gpu-h100"]);
  });

  it("creates no node group and leaves the cache off when none is asked for", () => {
    assert.equal(h.resources.filter((r) => r.type.endsWith(":LocalModelNodeGroup") && !r.name.startsWith("cache-")).length, 0);
    assert.deepEqual(h.named("ml-gitops:serving:KServe", "kserve").outputs?.localModelNodeGroups, []);
  });

  it("refuses a duplicated node group and a limit that is not whole GiB, together", () => {
    assert.throws(
      () =>
        new KServe("dup", {
          storage: { bucketRegion: "us-east-1", roleArn: ROLE },
          localModelNodeGroups: [
            { name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 150 },
            { name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 0.5 },
          ],
        }),
      {
        message:
          "KServe dup: 2 problems\n" +
          "  - localModelNodeGroups[1].name: duplicates localModelNodeGroups[0].name (got \"gpu-l4\"). Declare one node group per GPU model; pools of the same model share it.\n" +
          "  - localModelNodeGroups[1].storageLimitGiB: must be a whole number of GiB, at least 1 (got 0.5). Give the cache's share of the pool's disk, e.g. half of diskSizeGiB.",
      },
    );
  });

  it("parents every child to its component", () => {
    const component = h.named("ml-gitops:serving:KServe", "kserve");
    for (const child of h.resources.filter((r) => r.name.startsWith("kserve-"))) assert.equal(child.parent, component.urn, child.name);
  });

  it("refuses Knative mode without Knative Serving, saying what is missing and how to fix it", () => {
    assert.throws(() => new KServe("nokn", { deploymentMode: "Knative", storage: { bucketRegion: "us-east-1", roleArn: ROLE } }), {
      message:
        "KServe nokn: 1 problem\n" +
        "  - knative.servingInstalled: Knative mode needs Knative Serving and a networking layer, which this component does not install (got nothing). " +
        'Install Knative Serving with Istio (recommended) or Kourier, then pass knative: { servingInstalled: true, networkingLayer: "istio" | "kourier" }; or use deploymentMode "Standard" (the default), which needs neither.',
    });
  });

  it("refuses a bad region and a literal that is not a role ARN together", () => {
    assert.throws(() => new KServe("bad", { storage: { bucketRegion: "europe", roleArn: "model-reader" } }), {
      message: [
        "KServe bad: 2 problems",
        '  - storage.bucketRegion: is not an AWS region (got "europe"). Use the bucket\'s region code, e.g. us-east-1.',
        '  - storage.roleArn: is not an IAM role ARN (got "model-reader"). Pass the model-reader role\'s arn, e.g. arn:aws:iam::123456789012:role/model-reader.',
      ].join("\n"),
    });
  });
});
