/**
 * One Karpenter-provisioned GPU pool: its EC2NodeClass and NodePool (lib/karpenter/gpu-node-pool.ts),
 * applied after the Karpenter release, whose chart installs their CRDs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { karpenterGpuPool, type KarpenterGpuPoolInput } from "../lib/karpenter/gpu-node-pool";

export type KarpenterGpuPoolArgs = Omit<KarpenterGpuPoolInput, "clusterName" | "nodeRoleName"> & {
  readonly clusterName: pulumi.Input<string>;
  readonly nodeRoleName: pulumi.Input<string>;
};

export class KarpenterGpuPool extends pulumi.ComponentResource {
  readonly nodePoolName: string;

  constructor(name: string, args: KarpenterGpuPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:KarpenterGpuPool", name, {}, opts);
    const objects = pulumi
      .all([args.clusterName, args.nodeRoleName])
      .apply(([clusterName, nodeRoleName]) => karpenterGpuPool({ ...args, clusterName, nodeRoleName }));
    // Names and kinds are known without the outputs; only the spec waits for them.
    const plain = karpenterGpuPool({ ...args, clusterName: "", nodeRoleName: "" });
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
