import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { karpenterGpuPool } from "../../lib/karpenter/gpu-node-pool";
import { messages, withField } from "./helpers";

// What the program renders for a pool (lib/karpenter/gpu-node-pool.ts) is the accepted baseline.
const { ec2NodeClass, nodePool } = karpenterGpuPool({
  name: "h100",
  amiType: "AL2023_x86_64_NVIDIA",
  instanceTypes: ["p5.48xlarge"],
  capacityType: "reserved",
  capacityReservations: [{ id: "cr-0123456789abcdef0" }],
  fallbackToOnDemand: true,
  maxSize: 2,
  diskSizeGiB: 1000,
  gpuModel: "H100",
  gpusPerNode: 8,
  labels: {},
  clusterName: "ml-test",
  nodeRoleName: "karpenter-node",
  subnetIds: ["subnet-0a"],
  tags: {},
});
const res = (type: string, name: string, props: object): PolicyResource => ({ urn: `urn:pulumi:test::ml-gitops::${type}::${name}`, type, name, props: props as Record<string, unknown> });
const pool = (o: object = nodePool) => res("kubernetes:karpenter.sh/v1:NodePool", "gpu-h100-nodepool", o);
const nodeClass = (o: object = ec2NodeClass) => res("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "gpu-h100-nodeclass", o);
const check = (rs: PolicyResource[]) => messages("karpenter-gpu-pool-hardened", rs);

describe("karpenter-gpu-pool-hardened", () => {
  it("accepts the NodePool and EC2NodeClass the program renders", () => assert.deepEqual(check([pool(), nodeClass()]), []));

  it("ignores NodePools that are not GPU pools", () => {
    const cpu = withField(withField(nodePool, "spec.template.metadata.labels", {}), "spec.template.spec.taints", []);
    assert.deepEqual(check([pool(cpu)]), []);
  });

  it("refuses a GPU NodePool without the GPU taint", () => {
    assert.deepEqual(check([pool(withField(nodePool, "spec.template.spec.taints", [])), nodeClass()]), [
      'NodePool "gpu-h100" spec.template.spec.taints has no nvidia.com/gpu=true:NoSchedule taint (got []); add {key: "nvidia.com/gpu", value: "true", effect: "NoSchedule"} so only GPU workloads land on these nodes',
    ]);
  });

  it("refuses a GPU taint that only prefers", () => {
    const soft = withField(nodePool, "spec.template.spec.taints", [{ key: "nvidia.com/gpu", value: "true", effect: "PreferNoSchedule" }]);
    assert.deepEqual(check([pool(soft), nodeClass()]), [
      'NodePool "gpu-h100" spec.template.spec.taints has no nvidia.com/gpu=true:NoSchedule taint (got [{"key":"nvidia.com/gpu","value":"true","effect":"PreferNoSchedule"}]); add {key: "nvidia.com/gpu", value: "true", effect: "NoSchedule"} so only GPU workloads land on these nodes',
    ]);
  });

  it("refuses IMDSv1", () => {
    assert.deepEqual(check([pool(), nodeClass(withField(ec2NodeClass, "spec.metadataOptions.httpTokens", "optional"))]), [
      'EC2NodeClass "gpu-h100" spec.metadataOptions.httpTokens is "optional"; set it to "required" (IMDSv2) so pods cannot read the node role\'s credentials',
    ]);
  });

  it("refuses a hop limit that lets pods reach IMDS", () => {
    assert.deepEqual(check([pool(), nodeClass(withField(ec2NodeClass, "spec.metadataOptions.httpPutResponseHopLimit", 2))]), [
      'EC2NodeClass "gpu-h100" spec.metadataOptions.httpPutResponseHopLimit is 2; set it to 1 so pods on the pod network cannot reach the instance metadata service',
    ]);
  });

  it("refuses an unencrypted volume", () => {
    assert.deepEqual(check([pool(), nodeClass(withField(ec2NodeClass, "spec.blockDeviceMappings.0.ebs.encrypted", false))]), [
      'EC2NodeClass "gpu-h100" spec.blockDeviceMappings[0].ebs.encrypted is false; set it to true so model weights and images are encrypted at rest',
    ]);
  });

  it("refuses volumes left to Karpenter's defaults", () => {
    assert.deepEqual(check([pool(), nodeClass(withField(ec2NodeClass, "spec.blockDeviceMappings", undefined))]), [
      `EC2NodeClass "gpu-h100" spec.blockDeviceMappings is [], so volume encryption is left to Karpenter's defaults; list the volumes with ebs.encrypted true`,
    ]);
  });

  it("refuses a NodePool whose EC2NodeClass the stack does not manage", () => {
    assert.deepEqual(check([pool()]), [
      'NodePool "gpu-h100" spec.template.spec.nodeClassRef names EC2NodeClass "gpu-h100", which is not in this stack, so IMDSv2 and encryption cannot be verified; manage it here',
    ]);
  });
});
