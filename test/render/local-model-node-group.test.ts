import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { GPU_MODEL_INFO, GPU_MODELS } from "../../lib/gpu/catalogue";
import { gpuPoolLabels, GPU_MODEL_LABEL, NODE_OS_LABEL } from "../../components/gpu-node-pool";
import { defaultLocalModelNodeGroup } from "../../lib/render/local-model-cache";
import {
  buildLocalModelNodeGroup,
  defaultStorageLimitGiB,
  GPU_MODEL_NODE_LABEL,
  LOCAL_MODEL_PATH,
  LOCAL_MODEL_NODE_OS,
  localModelNodeGroupProblems,
  NODE_OS_NODE_LABEL,
  nodeGroupsForPools,
} from "../../lib/render/local-model-node-group";

const SHARED = path.resolve(__dirname, "../../../shared");
const needsShared = { skip: existsSync(SHARED) ? false : "../shared not found: CRD validation skipped" };

const l4 = () => buildLocalModelNodeGroup({ name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 150 });
type Affinity = { required: { nodeSelectorTerms: { matchExpressions: { key: string; operator: string; values: string[] }[] }[] } };

describe("LocalModelNodeGroup builder", () => {
  it("validates against the KServe v0.20 LocalModelNodeGroup CRD", needsShared, () => {
    assert.deepEqual(validateAgainstCrds(l4()), []);
  });

  it("keeps the cache in a local volume at the node agent's hostPath, limited to the given size", () => {
    const { spec } = l4();
    assert.equal(spec.storageLimit, "150Gi");
    assert.equal(LOCAL_MODEL_PATH, "/models");
    assert.deepEqual(spec.persistentVolumeSpec.local, { path: "/models" });
    assert.deepEqual(spec.persistentVolumeSpec.capacity, { storage: "150Gi" });
    assert.deepEqual(spec.persistentVolumeClaimSpec.resources, { requests: { storage: "150Gi" } });
    // The claim binds to the volume by class; EKS's default gp2/gp3 class must never match.
    assert.equal(spec.persistentVolumeClaimSpec.storageClassName, spec.persistentVolumeSpec.storageClassName);
    assert.notEqual(spec.persistentVolumeSpec.storageClassName, "gp2");
    assert.notEqual(spec.persistentVolumeSpec.storageClassName, "gp3");
  });

  it("selects the AL2023 nodes of the pool's GPU model by the labels the node pool sets", () => {
    const affinity = l4().spec.persistentVolumeSpec.nodeAffinity as Affinity;
    assert.deepEqual(affinity.required.nodeSelectorTerms, [
      {
        matchExpressions: [
          { key: "ml-gitops.dev/gpu-model", operator: "In", values: ["l4"] },
          { key: "ml-gitops.dev/node-os", operator: "In", values: ["al2023"] },
        ],
      },
    ]);
    // The keys and values are the ones GpuNodePool puts on its nodes.
    assert.equal(GPU_MODEL_NODE_LABEL, GPU_MODEL_LABEL);
    assert.equal(NODE_OS_NODE_LABEL, NODE_OS_LABEL);
    const labels = gpuPoolLabels("AL2023_x86_64_NVIDIA", "L4");
    assert.equal(labels[GPU_MODEL_NODE_LABEL], "l4");
    assert.equal(labels[NODE_OS_NODE_LABEL], LOCAL_MODEL_NODE_OS);
    // A Bottlerocket node of the same model never matches.
    assert.notEqual(gpuPoolLabels("BOTTLEROCKET_x86_64_NVIDIA", "L4")[NODE_OS_NODE_LABEL], LOCAL_MODEL_NODE_OS);
  });
});

describe("node groups for a stack's pools", () => {
  const AL2023 = "AL2023_x86_64_NVIDIA" as const;

  it("names one group per GPU model as the caches reference it, at half the smallest disk", () => {
    // GIVEN two L4 pools with different disks and an H100 pool, and caches on both models
    const groups = nodeGroupsForPools(
      [
        { gpuModel: "L4", diskSizeGiB: 300, amiType: AL2023 },
        { gpuModel: "H100", diskSizeGiB: 1000, amiType: AL2023 },
        { gpuModel: "L4", diskSizeGiB: 200, amiType: AL2023 },
      ],
      ["H100", "L4"],
    );
    // THEN L4 gets one group, limited by its smaller disk, under the cache renderer's name
    assert.deepEqual(groups, [
      { name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 100 },
      { name: "gpu-h100", gpuModelLabel: "h100", storageLimitGiB: 500 },
    ]);
    assert.equal(groups[0]!.name, defaultLocalModelNodeGroup("L4"));
  });

  it("leaves out Bottlerocket pools, where the agent cannot write its hostPath", () => {
    // GIVEN a Bottlerocket L4 pool beside an AL2023 L4 pool with a smaller disk, and a Bottlerocket H100 pool
    const groups = nodeGroupsForPools(
      [
        { gpuModel: "L4", diskSizeGiB: 100, amiType: "BOTTLEROCKET_x86_64_NVIDIA" },
        { gpuModel: "L4", diskSizeGiB: 300, amiType: "AL2023_ARM_64_NVIDIA" },
        { gpuModel: "H100", diskSizeGiB: 1000, amiType: "BOTTLEROCKET_ARM_64_NVIDIA" },
      ],
      ["L4", "H100"],
    );
    // THEN only the AL2023 pool makes a group, and its disk alone sets the limit
    assert.deepEqual(groups, [{ name: "gpu-l4", gpuModelLabel: "l4", storageLimitGiB: 150 }]);
  });

  it("makes groups only for the GPU models some cache is declared for", () => {
    const pools = [
      { gpuModel: "L4", diskSizeGiB: 200, amiType: AL2023 },
      { gpuModel: "A100", diskSizeGiB: 400, amiType: AL2023 },
    ] as const;
    assert.deepEqual(nodeGroupsForPools(pools, ["L4", "L40S"]).map((g) => g.name), ["gpu-l4"]);
    assert.deepEqual(nodeGroupsForPools(pools, []), []);
  });

  it("produces valid groups for every GPU model of the catalogue", needsShared, () => {
    for (const model of GPU_MODELS) {
      const [group] = nodeGroupsForPools([{ gpuModel: model, diskSizeGiB: 200, amiType: AL2023 }], [model]);
      assert.deepEqual(localModelNodeGroupProblems([group!], "groups"), [], model);
      assert.equal(group!.gpuModelLabel, GPU_MODEL_INFO[model].label);
      assert.deepEqual(validateAgainstCrds(buildLocalModelNodeGroup(group!)), [], model);
    }
  });

  it("never lets the cache take more than half a pool's disk", () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 16384 }), (disk) => {
        const limit = defaultStorageLimitGiB(disk);
        return Number.isInteger(limit) && limit >= 1 && limit * 2 <= disk;
      }),
    );
  });
});

describe("node group problems", () => {
  it("reports a bad name, label and limit with their paths", () => {
    assert.deepEqual(localModelNodeGroupProblems([{ name: "GPU_L4", gpuModelLabel: "l 4", storageLimitGiB: 0 }], "localModelNodeGroups"), [
      { path: "localModelNodeGroups[0].name", value: "GPU_L4", message: "is not a valid object name: use at most 253 lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit", fix: "Use defaultLocalModelNodeGroup(gpuModel), e.g. gpu-l4, so the caches find it." },
      { path: "localModelNodeGroups[0].gpuModelLabel", value: "l 4", message: "is not a node label value", fix: "Use the GPU model's catalogue label, e.g. l4 (GPU_MODEL_INFO)." },
      { path: "localModelNodeGroups[0].storageLimitGiB", value: 0, message: "must be a whole number of GiB, at least 1", fix: "Give the cache's share of the pool's disk, e.g. half of diskSizeGiB." },
    ]);
  });
});
