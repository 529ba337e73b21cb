/**
 * A GPU pool provisioned by Karpenter: one EC2NodeClass (how to launch: AMI, disks, IMDS, subnets,
 * security groups, capacity reservations) and one NodePool (what to launch and when to remove it)
 * per `provisioner: karpenter` item of ml-gitops:gpuPools. Same node contract as the managed node
 * groups (lib/gpu/node-labels.ts): the GPU taint and the GPU labels, so renderers and DaemonSets
 * cannot tell the provisioners apart. Validated strictly against the v1.14.1 CRDs in
 * ../shared/crds/karpenter by test/karpenter/gpu-node-pool.test.ts.
 */
import type { CapacityReservation } from "../contracts/gpu-node-pool";
import { AMI_TYPES, type GpuAmiType, type GpuModel } from "../gpu/catalogue";
import { blockDevices } from "../gpu/launch-template";
import { GPU_TAINT_K8S, gpuPoolLabels } from "../gpu/node-labels";

/** The tag EC2NodeClasses select the cluster's security group by (upstream's convention, docs getting-started step "add tags"). */
export const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";

/**
 * How long a GPU node stays empty before Karpenter removes it. GPU nodes take minutes to join and
 * pull multi-GB serving images; a canary step that briefly empties a node must not cost that again.
 */
export const GPU_CONSOLIDATE_AFTER = "30m";
/**
 * Replace a node at most every 30 days (AMI and kernel fixes reach GPU nodes); it drains politely.
 * terminationGracePeriod is left unset on purpose: with it, drift may disrupt nodes whose pods
 * carry `karpenter.sh/do-not-disrupt` (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/
 * concepts/disruption.md, "Drift" and the expireAfter warning). Here only canary pods carry the
 * annotation (lib/render/rollout.ts canaryMetadata) and only while they are the canary, so a drain
 * it holds up is bounded by the canary, never indefinite, and a canary is never cut short.
 */
export const GPU_EXPIRE_AFTER = "720h";

export interface KarpenterGpuPoolInput {
  readonly name: string;
  readonly amiType: GpuAmiType;
  readonly instanceTypes: readonly string[];
  readonly capacityType: "ON_DEMAND" | "SPOT" | "reserved";
  readonly capacityReservations: readonly CapacityReservation[];
  readonly fallbackToOnDemand: boolean;
  readonly maxSize: number;
  readonly diskSizeGiB: number;
  readonly gpuModel: GpuModel;
  readonly gpusPerNode: number;
  readonly labels: Readonly<Record<string, string>>;
  /** The cluster's name: the discovery tag value and Karpenter's settings.clusterName. */
  readonly clusterName: string;
  /** The IAM role (name) Karpenter's nodes run as; Karpenter makes the instance profile from it. */
  readonly nodeRoleName: string;
  /** Subnets the nodes may use. By id: the stack does not own the VPC's subnets and so does not tag them. */
  readonly subnetIds: readonly string[];
  readonly volumeKmsKeyArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface KarpenterGpuPoolObjects {
  readonly ec2NodeClass: KubeObject;
  readonly nodePool: KubeObject;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

/** Object name of both the EC2NodeClass and the NodePool of a pool. */
export const karpenterPoolName = (pool: string) => `gpu-${pool}`;

/**
 * The alias Karpenter resolves to the newest AMI of the family; for GPU instance types it picks
 * the NVIDIA variant itself: aws/karpenter-provider-aws@v1.14.1:pkg/providers/amifamily/al2023.go
 * (variants {standard, nvidia, neuron} for x86_64, {standard, nvidia} for arm64) and
 * bottlerocket.go (the aws-k8s-<version>-nvidia SSM parameters). The architecture comes from the
 * instance types, so one alias per OS covers both AMI architectures.
 */
export function amiAlias(amiType: GpuAmiType): string {
  return `${AMI_TYPES[amiType].os}@latest`;
}

const ARCH = { x86_64: "amd64", arm64: "arm64" } as const;

/** Karpenter's capacity types for the pool (`karpenter.sh/capacity-type` values). */
export function karpenterCapacityTypes(capacityType: KarpenterGpuPoolInput["capacityType"], fallbackToOnDemand: boolean): string[] {
  switch (capacityType) {
    case "ON_DEMAND":
      return ["on-demand"];
    case "SPOT":
      return ["spot"];
    case "reserved":
      // Karpenter prefers reserved capacity when both are allowed (it is already paid for), and
      // launches on-demand only once the selected reservations are full.
      return fallbackToOnDemand ? ["reserved", "on-demand"] : ["reserved"];
  }
}

/** EC2NodeClass capacityReservationSelectorTerms from the config's `capacityReservations`. */
export function capacityReservationTerms(reservations: readonly CapacityReservation[]): Record<string, unknown>[] {
  return reservations.map((r) =>
    r.id !== undefined ? { id: r.id } : { tags: { ...r.tags }, ...(r.ownerId !== undefined && { ownerID: r.ownerId }) },
  );
}

export function karpenterGpuPool(input: KarpenterGpuPoolInput): KarpenterGpuPoolObjects {
  const name = karpenterPoolName(input.name);
  const arch = AMI_TYPES[input.amiType].arch;
  const devices = blockDevices({ amiType: input.amiType, diskSizeGiB: input.diskSizeGiB, kmsKeyArn: input.volumeKmsKeyArn, tags: {} });
  const labels = { "app.kubernetes.io/managed-by": "ml-gitops", "ml-gitops.dev/gpu-pool": input.name };
  const ec2NodeClass: KubeObject = {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name, labels },
    spec: {
      amiSelectorTerms: [{ alias: amiAlias(input.amiType) }],
      role: input.nodeRoleName,
      subnetSelectorTerms: input.subnetIds.map((id) => ({ id })),
      securityGroupSelectorTerms: [{ tags: { [KARPENTER_DISCOVERY_TAG]: input.clusterName } }],
      ...(input.capacityType === "reserved" && { capacityReservationSelectorTerms: capacityReservationTerms(input.capacityReservations) }),
      // The managed pools' layout (lib/gpu/launch-template.ts): AL2023's root volume holds the
      // images; Bottlerocket's data volume does, its OS volume stays at Karpenter's own 4Gi
      // (aws/karpenter-provider-aws@v1.14.1:pkg/providers/amifamily/bottlerocket.go DefaultBlockDeviceMappings).
      blockDeviceMappings: devices.map((d) => ({
        deviceName: d.deviceName,
        ...(d.ebs.volumeSize !== undefined && { rootVolume: AMI_TYPES[input.amiType].os === "al2023" }),
        ebs: {
          volumeSize: `${d.ebs.volumeSize ?? 4}Gi`,
          volumeType: "gp3",
          encrypted: true,
          deleteOnTermination: true,
          ...(input.volumeKmsKeyArn !== undefined && { kmsKeyID: input.volumeKmsKeyArn }),
        },
      })),
      // IMDSv2 only, hop limit 1: pods on the pod network cannot borrow the node role (as the managed pools).
      metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
      tags: { ...input.tags, "ml-gitops.dev/node-pool": input.name },
    },
  };
  const nodePool: KubeObject = {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name, labels },
    spec: {
      template: {
        metadata: { labels: gpuPoolLabels(input.amiType, input.gpuModel, input.labels) },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name },
          taints: [{ ...GPU_TAINT_K8S }],
          requirements: [
            { key: "node.kubernetes.io/instance-type", operator: "In", values: [...input.instanceTypes] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: karpenterCapacityTypes(input.capacityType, input.fallbackToOnDemand) },
            { key: "kubernetes.io/arch", operator: "In", values: [ARCH[arch]] },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          ],
          expireAfter: GPU_EXPIRE_AFTER,
        },
      },
      // maxSize nodes, and their GPUs: Karpenter stops launching once either would be exceeded.
      limits: { nodes: String(input.maxSize), "nvidia.com/gpu": String(input.maxSize * input.gpusPerNode) },
      disruption: {
        // Never bin-pack GPU serving pods onto fewer nodes: only remove nodes nothing runs on.
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: GPU_CONSOLIDATE_AFTER,
        // One GPU node at a time for every reason (empty, drifted, expired), as the managed
        // pools' maxUnavailable 1.
        budgets: [{ nodes: "1" }],
      },
    },
  };
  return { ec2NodeClass, nodePool };
}
