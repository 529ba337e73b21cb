/**
 * One Karpenter-provisioned GPU pool: its EC2NodeClass and NodePool (lib/karpenter/gpu-node-pool.ts),
 * applied after the Karpenter release, whose chart installs their CRDs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checkGpuPool, type KarpenterGpuPool as CheckedPool, type KarpenterGpuPoolArgs as PoolContractArgs } from "../lib/contracts/gpu-node-pool";
import { ValidationError } from "../lib/errors";
import { karpenterGpuPool } from "../lib/karpenter/gpu-node-pool";

/**
 * The pool's own args are its input contract (lib/contracts/gpu-node-pool.ts KarpenterGpuPoolArgs,
 * the same rules as a managed pool's and as ml-gitops:gpuPools items); the rest wires it to the
 * cluster and to Karpenter.
 */
export interface KarpenterGpuPoolArgs extends Omit<PoolContractArgs, "provisioner"> {
  /** The pool's name: its EC2NodeClass and NodePool are `gpu-<name>`. */
  readonly name: string;
  /** The cluster's name: the discovery tag value and Karpenter's settings.clusterName. */
  readonly clusterName: pulumi.Input<string>;
  /** The IAM role (name) Karpenter's nodes run as (Karpenter's nodeRoleName output). */
  readonly nodeRoleName: pulumi.Input<string>;
  /** Subnets the nodes may use, by id. */
  readonly subnetIds: readonly string[];
  /** @default the account's AWS-managed EBS key (volumes are encrypted either way) */
  readonly volumeKmsKeyArn?: string;
  /** @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

function checkArgs(name: string, args: KarpenterGpuPoolArgs): CheckedPool {
  const result = checkGpuPool({ ...args, provisioner: "karpenter" });
  if (!result.ok) throw new ValidationError(`KarpenterGpuPool ${name}`, result.problems);
  // checkGpuPool keeps the provisioner it was given.
  if (result.value.provisioner !== "karpenter") throw new Error(`KarpenterGpuPool ${name}: checked as ${result.value.provisioner}`);
  return result.value;
}

export class KarpenterGpuPool extends pulumi.ComponentResource {
  readonly nodePoolName: string;

  constructor(name: string, args: KarpenterGpuPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:KarpenterGpuPool", name, {}, opts);
    const pool = checkArgs(name, args);
    const input = {
      ...pool,
      name: args.name,
      subnetIds: args.subnetIds,
      tags: args.tags ?? {},
      ...(args.volumeKmsKeyArn !== undefined && { volumeKmsKeyArn: args.volumeKmsKeyArn }),
    };
    const objects = pulumi.all([args.clusterName, args.nodeRoleName]).apply(([clusterName, nodeRoleName]) => karpenterGpuPool({ ...input, clusterName, nodeRoleName }));
    // Names and kinds are known without the outputs; only the spec waits for them.
    const plain = karpenterGpuPool({ ...input, clusterName: "", nodeRoleName: "" });
    const nodeClass = new k8s.apiextensions.CustomResource(
      `${name}-nodeclass`,
      { apiVersion: plain.ec2NodeClass.apiVersion, kind: plain.ec2NodeClass.kind, metadata: plain.ec2NodeClass.metadata, spec: objects.apply((o) => o.ec2NodeClass.spec) },
      { parent: this },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-nodepool`,
      { apiVersion: plain.nodePool.apiVersion, kind: plain.nodePool.kind, metadata: plain.nodePool.metadata, spec: plain.nodePool.spec },
      { parent: this, dependsOn: [nodeClass] },
    );
    this.nodePoolName = plain.nodePool.metadata.name;
    this.registerOutputs({ nodePoolName: this.nodePoolName });
  }
}
