import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime, valueOf } from "../support/harness";

const SUBNETS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"].map((z) => ({ id: `subnet-${z.slice(-1)}`, availabilityZone: z }));
const BASE = { clusterName: "ml-gpu", nodeRoleArn: "arn:aws:iam::123456789012:role/nodes", subnets: SUBNETS, minSize: 0, maxSize: 4 };

describe("GPU node pool", async () => {
  const h = await mockRuntime({ region: "us-east-1" });
  const { GpuNodePool } = await import("../../components/gpu-node-pool");

  // GIVEN an AL2023 pool preferring L4 sizes WHEN it is planned in us-east-1
  const pool = new GpuNodePool("l4", { ...BASE, amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["g6.xlarge", "g6.2xlarge"], desiredSize: 1, labels: { team: "ml" } });
  // GIVEN a Bottlerocket spot pool with a customer key for volumes
  const br = new GpuNodePool("a10g", {
    ...BASE,
    amiType: "BOTTLEROCKET_x86_64_NVIDIA",
    instanceTypes: ["g5.2xlarge"],
    capacityType: "SPOT",
    diskSizeGiB: 400,
    volumeKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/ebs",
  });
  await h.settle();
  const nodes = h.named("aws:eks/nodeGroup:NodeGroup", "l4-nodes");

  it("uses the NVIDIA AMI, the preferred types and only subnets whose zone offers them", () => {
    assert.equal(nodes.props.amiType, "AL2023_x86_64_NVIDIA");
    assert.equal(nodes.props.capacityType, "ON_DEMAND");
    assert.deepEqual(nodes.props.instanceTypes, ["g6.xlarge", "g6.2xlarge"]);
    // g6 is not offered in us-east-1f.
    assert.deepEqual(nodes.props.subnetIds, ["subnet-a", "subnet-b", "subnet-c", "subnet-d"]);
    assert.deepEqual(nodes.props.scalingConfig, { minSize: 0, maxSize: 4, desiredSize: 1 });
  });

  it("taints the nodes for GPU workloads only and labels the GPU model", () => {
    assert.deepEqual(nodes.props.taints, [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
    assert.deepEqual(nodes.props.labels, {
      team: "ml",
      "ml-gitops.dev/gpu": "true",
      "ml-gitops.dev/gpu-model": "l4",
      "ml-gitops.dev/node-os": "al2023",
      "nvidia.com/gpu.present": "true",
    });
  });

  it("leaves the desired size to the cluster autoscaler", () => {
    assert.deepEqual(nodes.options.ignoreChanges, ["scalingConfig.desiredSize"]);
  });

  it("launches with IMDSv2 required, hop limit 1 and an encrypted 200 GiB gp3 root volume", () => {
    const lt = h.named("aws:ec2/launchTemplate:LaunchTemplate", "l4-launch-template");
    assert.deepEqual(lt.props.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
    assert.deepEqual(lt.props.blockDeviceMappings, [
      { deviceName: "/dev/xvda", ebs: { encrypted: "true", deleteOnTermination: "true", volumeType: "gp3", volumeSize: 200 } },
    ]);
    const ref = nodes.props.launchTemplate as { id: string; version: string };
    assert.match(ref.id, /^lt-[0-9a-f]{17}$/);
    assert.equal(ref.version, "1");
    assert.equal(nodes.props.diskSize, undefined, "the size lives in the launch template; EKS refuses both");
  });

  it("sizes Bottlerocket's data volume and encrypts both volumes with the given key", () => {
    const lt = h.named("aws:ec2/launchTemplate:LaunchTemplate", "a10g-launch-template");
    const ebs = { encrypted: "true", deleteOnTermination: "true", volumeType: "gp3", kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/ebs" };
    assert.deepEqual(lt.props.blockDeviceMappings, [
      { deviceName: "/dev/xvda", ebs },
      { deviceName: "/dev/xvdb", ebs: { ...ebs, volumeSize: 400 } },
    ]);
    assert.equal(h.named("aws:eks/nodeGroup:NodeGroup", "a10g-nodes").props.capacityType, "SPOT");
  });

  it("says whether the AMI needs the device plugin", () => {
    assert.equal(pool.needsDevicePlugin, true);
    assert.equal(br.needsDevicePlugin, false);
  });

  it("names children after the pool and parents them to it", () => {
    const component = h.named("ml-gitops:platform:GpuNodePool", "l4");
    assert.deepEqual(h.resources.filter((r) => r.parent === component.urn).map((r) => r.name).sort(), ["l4-launch-template", "l4-nodes"]);
  });

  it("registers the selection as outputs", async () => {
    assert.deepEqual(await valueOf(pool.instanceTypes), ["g6.xlarge", "g6.2xlarge"]);
    const outputs = h.named("ml-gitops:platform:GpuNodePool", "l4").outputs ?? {};
    assert.deepEqual([outputs.amiType, outputs.gpuModel, outputs.needsDevicePlugin], ["AL2023_x86_64_NVIDIA", "L4", true]);
  });

  it("refuses unknown AMIs, CPU and unknown types, an arch mismatch and bad sizes with every problem at once", () => {
    assert.throws(
      () => new GpuNodePool("bad", { ...BASE, amiType: "AL2_x86_64_GPU", instanceTypes: ["m7i.xlarge", "g7.xlarge"], minSize: 3, maxSize: 2, diskSizeGiB: 10 }),
      {
        message: [
          "GpuNodePool bad: 6 problems",
          '  - amiType: is not an NVIDIA GPU AMI type (got "AL2_x86_64_GPU"). Use one of: AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA, BOTTLEROCKET_ARM_64_NVIDIA.',
          '  - instanceTypes[0]: m7i.xlarge has no GPU (got "m7i.xlarge"). Use a GPU instance type (families: g4dn, g5g, g5, g6, g6e, p4d, p4de, p5, p5e, p5en).',
          '  - instanceTypes[1]: g7.xlarge is not in the instance catalogue (lib/gpu/catalogue.ts) (got "g7.xlarge"). Use a GPU instance type (families: g4dn, g5g, g5, g6, g6e, p4d, p4de, p5, p5e, p5en).',
          "  - minSize: must not exceed maxSize (2) (got 3). Lower minSize or raise maxSize.",
          "  - desiredSize: must lie between minSize (3) and maxSize (2) (got 3). Set desiredSize within the pool's bounds.",
          "  - diskSizeGiB: must be a whole number of GiB from 50 to 16384 (got 10). The NVIDIA AMI's root snapshot alone is 20 GiB, and serving images and model files need the rest (gp3 volumes end at 16384). Omit it for the default 200.",
        ].join("\n"),
      },
    );
  });

  it("refuses an Arm instance on an x86 AMI and mixed GPU models", () => {
    assert.throws(
      () => new GpuNodePool("mixed", { ...BASE, amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["g5g.xlarge", "g5.xlarge", "g6.xlarge"], maxSize: 0, labels: { "ml-gitops.dev/gpu": "no" } }),
      {
        message: [
          "GpuNodePool mixed: 4 problems",
          '  - instanceTypes[0]: g5g.xlarge is arm64 but AL2023_x86_64_NVIDIA is built for x86_64 (got "g5g.xlarge"). Use an instance type built for AL2023_x86_64_NVIDIA, or an AMI type matching g5g.xlarge.',
          '  - instanceTypes: mixes GPU models (T4G: g5g.xlarge; A10G: g5.xlarge; L4: g6.xlarge), but a pool\'s ml-gitops.dev/gpu-model label must be true of every node (got ["g5g.xlarge","g5.xlarge","g6.xlarge"]). Put each GPU model in its own pool, so node selectors can target it.',
          "  - maxSize: is below 1, so the pool can never run a node (got 0). Set maxSize to at least 1.",
          '  - labels.ml-gitops.dev/gpu: is set by the platform (got "no"). Remove it; the pool sets it from the instance types and AMI.',
        ].join("\n"),
      },
    );
  });
});
