/**
 * An EKS managed node group of GPU instances: NVIDIA AMI, tainted so only GPU workloads land on
 * it, labelled with its GPU model, encrypted volumes and IMDSv2, and placed only where the
 * region offers the instance types (lib/gpu/select-instances.ts).
 */
import * as aws from "./sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { keyPath, Problems } from "../lib/errors";
import {
  AMI_TYPES,
  GPU_AMI_TYPES,
  INSTANCE_TYPES,
  instanceAmiMismatch,
  isGpuAmiType,
  type GpuAmiType,
  type GpuModel,
} from "../lib/gpu/catalogue";
import { launchTemplateSpec } from "../lib/gpu/launch-template";
import { offeringsFrom, selectInstances, type SubnetPlacement } from "../lib/gpu/select-instances";
import { GPU_LABEL, GPU_MODEL_LABEL, GPU_TAINT, gpuPoolLabels, NODE_OS_LABEL, NVIDIA_GPU_PRESENT_LABEL } from "../lib/gpu/node-labels";

export type CapacityType = "ON_DEMAND" | "SPOT";

export { GPU_LABEL, GPU_MODEL_LABEL, GPU_TAINT, gpuPoolLabels, NODE_OS_LABEL, NVIDIA_GPU_PRESENT_LABEL };
const RESERVED_LABELS = [GPU_LABEL, GPU_MODEL_LABEL, NODE_OS_LABEL, NVIDIA_GPU_PRESENT_LABEL];

export interface GpuNodePoolArgs {
  /** From ClusterAccess. */
  readonly clusterName: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Candidate subnets with their zones; only those whose zone offers the chosen types are used. */
  readonly subnets: pulumi.Input<SubnetPlacement[]>;
  /** One of GPU_AMI_TYPES. */
  readonly amiType: string;
  /** Preference order, most preferred first; all must carry the same GPU model. */
  readonly instanceTypes: readonly string[];
  /** @default "ON_DEMAND" */
  readonly capacityType?: CapacityType;
  readonly minSize: number;
  readonly maxSize: number;
  /** Initial size only: the cluster autoscaler owns it afterwards. @default minSize */
  readonly desiredSize?: number;
  /** Root (AL2023) or data (Bottlerocket) volume. @default 200 */
  readonly diskSizeGiB?: number;
  /** @default the account's AWS-managed EBS key (volumes are encrypted either way) */
  readonly volumeKmsKeyArn?: pulumi.Input<string>;
  /** Extra node labels; the platform's own keys are reserved. */
  readonly labels?: Record<string, string>;
  readonly tags?: Record<string, string>;
}

export const GPU_POOL_DEFAULTS = { capacityType: "ON_DEMAND", diskSizeGiB: 200 } as const;

/** Why `type` cannot join a pool with `amiType` (which may itself be invalid). */
function instanceProblem(type: string, amiType: string): string | undefined {
  if (isGpuAmiType(amiType)) return instanceAmiMismatch(type, amiType);
  const info = INSTANCE_TYPES[type];
  if (!info) return `${type} is not in the instance catalogue (lib/gpu/catalogue.ts)`;
  if (!info.gpu) return `${type} has no GPU`;
  return undefined;
}

const isCount = (n: number) => Number.isInteger(n) && n >= 0;

export function checkGpuNodePoolArgs(args: GpuNodePoolArgs, prefix = ""): Problems {
  const problems = new Problems();
  const at = (...k: (string | number)[]) => keyPath(k, prefix);
  if (!isGpuAmiType(args.amiType)) {
    problems.add({ path: at("amiType"), value: args.amiType, message: "is not an NVIDIA GPU AMI type", fix: `use one of ${GPU_AMI_TYPES.join(", ")}` });
  }
  if (args.instanceTypes.length === 0) {
    problems.add({ path: at("instanceTypes"), value: [], message: "is empty", fix: "list the GPU instance types the pool may use, most preferred first" });
  }
  args.instanceTypes.forEach((type, i) => {
    const why = instanceProblem(type, args.amiType);
    if (why) problems.add({ path: at("instanceTypes", i), value: type, message: why, fix: "use a GPU instance type from lib/gpu/catalogue.ts that matches the AMI's architecture" });
  });
  const models = new Map<GpuModel, string[]>();
  for (const type of args.instanceTypes) {
    const model = INSTANCE_TYPES[type]?.gpu?.model;
    if (model) models.set(model, [...(models.get(model) ?? []), type]);
  }
  if (models.size > 1) {
    const listed = [...models.entries()].map(([m, types]) => `${m}: ${types.join(", ")}`).join("; ");
    problems.add({
      path: at("instanceTypes"),
      value: args.instanceTypes,
      message: `mixes GPU models (${listed}), but a pool's ${GPU_MODEL_LABEL} label must be true of every node`,
      fix: "make one pool per GPU model",
    });
  }
  if (args.capacityType !== undefined && args.capacityType !== "ON_DEMAND" && args.capacityType !== "SPOT") {
    problems.add({ path: at("capacityType"), value: args.capacityType, message: "is not an EKS capacity type", fix: "use ON_DEMAND or SPOT" });
  }
  const desired = args.desiredSize ?? args.minSize;
  const sizes: [string, number][] = [["minSize", args.minSize], ["maxSize", args.maxSize], ["desiredSize", desired]];
  const badSizes = sizes.filter(([, n]) => !isCount(n));
  for (const [key, n] of badSizes) problems.add({ path: at(key), value: n, message: "is not a whole number of nodes", fix: "use an integer ≥ 0" });
  if (badSizes.length === 0) {
    if (args.maxSize < 1) problems.add({ path: at("maxSize"), value: args.maxSize, message: "is below 1, so the pool can never run a node", fix: "set maxSize to at least 1" });
    if (args.minSize > desired || desired > args.maxSize) {
      problems.add({
        path: at("desiredSize"),
        value: desired,
        message: `is outside minSize..maxSize (${args.minSize}..${args.maxSize})`,
        fix: "keep minSize ≤ desiredSize ≤ maxSize",
      });
    }
  }
  const disk = args.diskSizeGiB;
  if (disk !== undefined && (!Number.isInteger(disk) || disk < 20 || disk > 16384)) {
    problems.add({ path: at("diskSizeGiB"), value: disk, message: "is not a gp3 volume size for a GPU node", fix: "use a whole number of GiB from 20 to 16384 (model images want 200 or more)" });
  }
  for (const key of Object.keys(args.labels ?? {})) {
    if (RESERVED_LABELS.includes(key)) {
      problems.add({ path: at("labels", key), value: args.labels?.[key], message: "is set by the platform", fix: "remove it; the pool sets it from the instance types and AMI" });
    }
  }
  return problems;
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
    checkGpuNodePoolArgs(args).throwIfAny(`GpuNodePool ${name}`);
    const amiType = args.amiType as GpuAmiType;
    const model = INSTANCE_TYPES[args.instanceTypes[0] ?? ""]?.gpu?.model as GpuModel;
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

    const spec = launchTemplateSpec({ amiType, diskSizeGiB: args.diskSizeGiB ?? GPU_POOL_DEFAULTS.diskSizeGiB, kmsKeyArn: args.volumeKmsKeyArn, tags });
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

    const desiredSize = args.desiredSize ?? args.minSize;
    const nodeGroup = new aws.eks.NodeGroup(
      `${name}-nodes`,
      {
        clusterName: args.clusterName,
        nodeRoleArn: args.nodeRoleArn,
        amiType,
        capacityType: args.capacityType ?? GPU_POOL_DEFAULTS.capacityType,
        instanceTypes: selection.apply((s) => [...s.instanceTypes]),
        subnetIds: selection.apply((s) => [...s.subnetIds]),
        scalingConfig: { minSize: args.minSize, maxSize: args.maxSize, desiredSize },
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        labels: gpuPoolLabels(amiType, model, args.labels),
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
