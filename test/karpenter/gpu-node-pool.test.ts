/**
 * The EC2NodeClass and NodePool of a Karpenter GPU pool. The CRD tests use ../shared/crds/karpenter
 * (karpenter-provider-aws v1.14.1) and are skipped with a message when that directory is absent.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { crdsAvailable, validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { GPU_AMI_TYPES, GPU_MODEL_INFO } from "../../lib/gpu/catalogue";
import { GPU_TAINT_K8S, gpuPoolLabels } from "../../lib/gpu/node-labels";
import { amiAlias, karpenterCapacityTypes, karpenterGpuPool, type KarpenterGpuPoolInput } from "../../lib/karpenter/gpu-node-pool";

const CRDS = crdsAvailable() ? false : "../shared/crds is absent: Karpenter objects cannot be validated against the v1.14.1 CRDs here";

const INPUT: KarpenterGpuPoolInput = {
  name: "l40s",
  amiType: "BOTTLEROCKET_x86_64_NVIDIA",
  instanceTypes: ["g6e.12xlarge", "g6e.24xlarge"],
  capacityType: "reserved",
  capacityReservations: [{ tags: { "acme.dev/reservation": "ml-l40s" }, ownerId: "123456789012" }, { id: "cr-0123456789abcdef0" }],
  fallbackToOnDemand: true,
  maxSize: 2,
  diskSizeGiB: 500,
  gpuModel: "L40S",
  gpusPerNode: 4,
  labels: { "ml-gitops.dev/workload": "llm" },
  clusterName: "ml-staging",
  nodeRoleName: "karpenter-node-role",
  subnetIds: ["subnet-0a", "subnet-0b"],
  tags: { "ml-gitops.dev/stack": "staging" },
};

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const nodeClassSpec = (i: Partial<KarpenterGpuPoolInput> = {}) => karpenterGpuPool({ ...INPUT, ...i }).ec2NodeClass.spec as Spec;
const nodePoolSpec = (i: Partial<KarpenterGpuPoolInput> = {}) => karpenterGpuPool({ ...INPUT, ...i }).nodePool.spec as Spec;

describe("Karpenter GPU pool objects", () => {
  it("validate strictly against the v1.14.1 CRDs for every AMI type and capacity type (uses ../shared/crds)", { skip: CRDS }, () => {
    for (const amiType of GPU_AMI_TYPES) {
      const arm = amiType.includes("ARM");
      for (const capacityType of ["ON_DEMAND", "SPOT", "reserved"] as const) {
        const objects = karpenterGpuPool({
          ...INPUT,
          amiType,
          instanceTypes: arm ? ["g5g.xlarge"] : INPUT.instanceTypes,
          gpuModel: arm ? "T4G" : "L40S",
          capacityType,
          capacityReservations: capacityType === "reserved" ? INPUT.capacityReservations : [],
          fallbackToOnDemand: capacityType === "reserved",
        });
        assert.deepEqual(validateAgainstCrds(objects.ec2NodeClass), [], `${amiType} ${capacityType} EC2NodeClass`);
        assert.deepEqual(validateAgainstCrds(objects.nodePool), [], `${amiType} ${capacityType} NodePool`);
      }
    }
  });

  it("would be refused by the CRD if a field were misspelled (the validation can fail; uses ../shared/crds)", { skip: CRDS }, () => {
    const { nodePool } = karpenterGpuPool(INPUT);
    const spec = nodePool.spec as Spec;
    const broken = { ...nodePool, spec: { ...spec, disruption: { ...spec.disruption, consolidationPolicy: "WhenIdle" } } };
    assert.deepEqual(validateAgainstCrds(broken), ['spec.disruption.consolidationPolicy: must be one of "WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced" (got "WhenIdle")']);
  });

  it("carries the same GPU labels and taint as the managed node groups (one node contract)", () => {
    const template = nodePoolSpec().template;
    assert.deepEqual(template.metadata.labels, gpuPoolLabels("BOTTLEROCKET_x86_64_NVIDIA", "L40S", { "ml-gitops.dev/workload": "llm" }));
    assert.equal(template.metadata.labels["ml-gitops.dev/gpu-model"], GPU_MODEL_INFO.L40S.label);
    assert.deepEqual(template.spec.taints, [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }]);
    assert.deepEqual(template.spec.taints[0], { ...GPU_TAINT_K8S });
  });

  it("requires IMDSv2 with a hop limit of 1 and encrypted gp3 volumes sized from diskSizeGiB", () => {
    const spec = nodeClassSpec();
    assert.deepEqual(spec.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
    // Bottlerocket: the data volume holds the images; the OS volume keeps Karpenter's 4Gi.
    assert.deepEqual(spec.blockDeviceMappings, [
      { deviceName: "/dev/xvda", ebs: { volumeSize: "4Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
      { deviceName: "/dev/xvdb", rootVolume: false, ebs: { volumeSize: "500Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
    ]);
    assert.deepEqual(nodeClassSpec({ amiType: "AL2023_x86_64_NVIDIA", volumeKmsKeyArn: "arn:aws:kms:us-west-2:111122223333:key/k" }).blockDeviceMappings, [
      { deviceName: "/dev/xvda", rootVolume: true, ebs: { volumeSize: "500Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true, kmsKeyID: "arn:aws:kms:us-west-2:111122223333:key/k" } },
    ]);
  });

  it("selects the NVIDIA AMI by family alias, subnets by id and security groups by the discovery tag", () => {
    assert.deepEqual(GPU_AMI_TYPES.map(amiAlias), ["al2023@latest", "al2023@latest", "bottlerocket@latest", "bottlerocket@latest"]);
    const spec = nodeClassSpec();
    assert.deepEqual(spec.amiSelectorTerms, [{ alias: "bottlerocket@latest" }]);
    assert.deepEqual(spec.subnetSelectorTerms, [{ id: "subnet-0a" }, { id: "subnet-0b" }]);
    assert.deepEqual(spec.securityGroupSelectorTerms, [{ tags: { "karpenter.sh/discovery": "ml-staging" } }]);
    assert.equal(spec.role, "karpenter-node-role");
  });

  it("selects reservations by id or by tags and owner, and only for reserved capacity", () => {
    assert.deepEqual(nodeClassSpec().capacityReservationSelectorTerms, [{ tags: { "acme.dev/reservation": "ml-l40s" }, ownerID: "123456789012" }, { id: "cr-0123456789abcdef0" }]);
    assert.equal(nodeClassSpec({ capacityType: "ON_DEMAND", capacityReservations: [], fallbackToOnDemand: false }).capacityReservationSelectorTerms, undefined);
  });

  it("maps capacity types, falling back to on-demand only when declared", () => {
    assert.deepEqual(karpenterCapacityTypes("ON_DEMAND", false), ["on-demand"]);
    assert.deepEqual(karpenterCapacityTypes("SPOT", false), ["spot"]);
    assert.deepEqual(karpenterCapacityTypes("reserved", false), ["reserved"]);
    assert.deepEqual(karpenterCapacityTypes("reserved", true), ["reserved", "on-demand"]);
    const requirements = nodePoolSpec().template.spec.requirements;
    assert.deepEqual(requirements, [
      { key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6e.12xlarge", "g6e.24xlarge"] },
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["reserved", "on-demand"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ]);
  });

  it("limits the pool to maxSize nodes and their GPUs, for any size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(1, 2, 4, 8), (maxSize, gpus) => {
        assert.deepEqual(nodePoolSpec({ maxSize, gpusPerNode: gpus }).limits, { nodes: String(maxSize), "nvidia.com/gpu": String(maxSize * gpus) });
      }),
    );
  });

  it("removes only empty GPU nodes, one at a time", () => {
    assert.deepEqual(nodePoolSpec().disruption, { consolidationPolicy: "WhenEmpty", consolidateAfter: "30m", budgets: [{ nodes: "1" }] });
  });
});
