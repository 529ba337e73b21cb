/**
 * An EKS managed node group of GPU instances: NVIDIA AMI, tainted so only GPU workloads land on
 * it, labelled with its GPU model, encrypted volumes and IMDSv2, and placed only where the
 * region offers the instance types (lib/gpu/select-instances.ts).
 */
import * as aws from "./sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkGpuPool, GPU_POOL_DEFAULTS, type ManagedGpuPool, type ManagedGpuPoolArgs } from "../lib/contracts/gpu-node-pool";
import { ValidationError } from "../lib/errors";
import { AMI_TYPES, type GpuAmiType, type GpuModel } from "../lib/gpu/catalogue";
import { launchTemplateSpec } from "../lib/gpu/launch-template";
import { offeringsFrom, selectInstances, type SubnetPlacement } from "../lib/gpu/select-instances";
import { GPU_LABEL, GPU_MODEL_LABEL, GPU_TAINT, gpuPoolLabels, NODE_OS_LABEL, NVIDIA_GPU_PRESENT_LABEL } from "../lib/gpu/node-labels";

export { GPU_LABEL, GPU_MODEL_LABEL, GPU_TAINT, gpuPoolLabels, GPU_POOL_DEFAULTS, NODE_OS_LABEL, NVIDIA_GPU_PRESENT_LABEL };

/**
 * The pool's own args are its input contract (lib/contracts/gpu-node-pool.ts ManagedGpuPoolArgs:
 * AMI, instance types, sizes, disk, labels, with their defaults and limits); the rest wires it to
 * the cluster.
 */
export interface GpuNodePoolArgs extends Omit<ManagedGpuPoolArgs, "provisioner"> {
  /** From ClusterAccess. */
  readonly clusterName: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Candidate subnets with their zones; only those whose zone offers the chosen types are used. */
  readonly subnets: pulumi.Input<SubnetPlacement[]>;
  /** @default the account's AWS-managed EBS key (volumes are encrypted either way) */
  readonly volumeKmsKeyArn?: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/** The pool contract's check, as a managed node group: the args with defaults filled, or a ValidationError naming every problem. */
function checkArgs(name: string, args: GpuNodePoolArgs): ManagedGpuPool {
  const result = checkGpuPool({ ...args, provisioner: "managed-node-group" });
  if (!result.ok) throw new ValidationError(`GpuNodePool ${name}`, result.problems);
  // checkGpuPool keeps the provisioner it was given.
  if (result.value.provisioner !== "managed-node-group") throw new Error(`GpuNodePool ${name}: checked as ${result.value.provisioner}`);
  return result.value;
}

export class GpuNodePool extends pulumi.ComponentResource {
  readonly nodeGroupName: pulumi.Output<string>;
  readonly nodeGroupArn: pulumi.Output<string>;
  /** The types actually requested, after region-aware selection. */
  readonly instanceTypes: pulumi.Output<string[]>;
  readonly subnetIds: pulumi.Output<string[]>;
  readonly amiType: GpuAmiType;
  readonly gpuModel: GpuModel;
  /** False when the AMI runs the NVIDIA device plugin itself (Bottlerocket). */
  readonly needsDevicePlugin: boolean;

  constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:GpuNodePool", name, args, opts);
    const pool = checkArgs(name, args);
    const amiType = pool.amiType;
    const model = pool.gpuModel;
    this.amiType = amiType;
    this.gpuModel = model;
    this.needsDevicePlugin = !AMI_TYPES[amiType].shipsDevicePlugin;
    const parent = { parent: this };
    const tags = { ...args.tags, "ml-gitops.dev/node-pool": name };

    const region = aws.getRegionOutput({}, parent).region;
    const offerings = aws.ec2.getInstanceTypeOfferingsOutput(
      { locationType: "availability-zone", filters: [{ name: "instance-type", values: [...args.instanceTypes] }] },
      parent,
    );
    const selection = pulumi.all([region, offerings, args.subnets]).apply(([r, o, subnets]) => {
      const s = selectInstances({ region: r, preferred: args.instanceTypes, offerings: offeringsFrom(o), subnets });
      if (!s.ok) throw new Error(`GpuNodePool ${name}: ${s.message}. Choose instance types offered there, or subnets in zones that offer them.`);
      return s;
    });

    const spec = launchTemplateSpec({ amiType, diskSizeGiB: pool.diskSizeGiB, kmsKeyArn: args.volumeKmsKeyArn, tags });
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-launch-template`,
      {
        description: `GPU node pool ${name}`,
        blockDeviceMappings: spec.blockDeviceMappings.map((d) => ({ deviceName: d.deviceName, ebs: { ...d.ebs } })),
        metadataOptions: { ...spec.metadataOptions },
        tagSpecifications: spec.tagSpecifications.map((t) => ({ resourceType: t.resourceType, tags: { ...t.tags } })),
        updateDefaultVersion: true,
        tags,
      },
      parent,
    );

    const nodeGroup = new aws.eks.NodeGroup(
      `${name}-nodes`,
      {
        clusterName: args.clusterName,
        nodeRoleArn: args.nodeRoleArn,
        amiType,
        capacityType: pool.capacityType,
        instanceTypes: selection.apply((s) => [...s.instanceTypes]),
        subnetIds: selection.apply((s) => [...s.subnetIds]),
        scalingConfig: { minSize: pool.minSize, maxSize: pool.maxSize, desiredSize: pool.desiredSize },
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        labels: gpuPoolLabels(amiType, model, pool.labels),
        taints: [{ ...GPU_TAINT }],
        // One node at a time: GPU capacity is scarce and serving replicas need somewhere to go.
        updateConfig: { maxUnavailable: 1 },
        tags,
      },
      // The cluster autoscaler owns the desired size once the pool exists.
      { parent: this, ignoreChanges: ["scalingConfig.desiredSize"] },
    );

    this.nodeGroupName = nodeGroup.nodeGroupName;
    this.nodeGroupArn = nodeGroup.arn;
    this.instanceTypes = selection.apply((s) => [...s.instanceTypes]);
    this.subnetIds = selection.apply((s) => [...s.subnetIds]);
    this.registerOutputs({
      nodeGroupName: this.nodeGroupName,
      nodeGroupArn: this.nodeGroupArn,
      instanceTypes: this.instanceTypes,
      subnetIds: this.subnetIds,
      amiType: this.amiType,
      gpuModel: this.gpuModel,
      needsDevicePlugin: this.needsDevicePlugin,
    });
  }
}
