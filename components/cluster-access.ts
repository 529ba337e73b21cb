/**
 * The EKS cluster the platform installs onto, created here or attached by name, and the
 * Kubernetes provider every add-on uses. Either way the rest of the program sees the same
 * outputs: cluster name, endpoint, the OIDC provider for IRSA, the node role, a kubeconfig.
 */
import * as aws from "./sdk/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  checkClusterAccess,
  type AuthenticationMode,
  type ClusterAccessSettings,
  type ControlPlaneLogType,
  type ExistingClusterArgs as ContractExistingClusterArgs,
  type NewClusterArgs as ContractNewClusterArgs,
} from "../lib/contracts/cluster-access";
import { ValidationError } from "../lib/errors";
import { issuerHost } from "../lib/aws/irsa";
import { serviceTrustPolicy } from "../lib/aws/policy-document";
import { KUBERNETES_VERSION } from "../lib/versions";

export type { AuthenticationMode, ControlPlaneLogType };

/** A cluster this stack creates: the contract's args (lib/contracts/cluster-access.ts), with subnet ids as Inputs. */
export type NewClusterArgs = ContractNewClusterArgs<pulumi.Input<string>>;
export type ExistingClusterArgs = ContractExistingClusterArgs<pulumi.Input<string>>;

export type ClusterAccessArgs = ClusterAccessSettings<pulumi.Input<string>> & { readonly tags?: Record<string, string> };

export const CLUSTER_DEFAULTS = {
  authenticationMode: "API",
  enabledLogTypes: ["api", "audit", "authenticator"],
  // EKS control planes take 10-20 minutes to create and longer to update; provider defaults are tighter.
  customTimeouts: { create: "30m", update: "60m", delete: "20m" },
} as const;

/**
 * A kubeconfig that holds no credential: kubectl and the Kubernetes provider run
 * `aws eks get-token` with whatever AWS identity runs the program, so nothing long-lived is stored.
 */
export function kubeconfigFor(input: { clusterName: string; endpoint: string; certificateAuthorityData: string; region: string }): string {
  const name = input.clusterName;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: input.endpoint, "certificate-authority-data": input.certificateAuthorityData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", name, "--region", input.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}

const managedPolicy = (partition: pulumi.Output<string>, policy: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

export class ClusterAccess extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** Issuer host and path without `https://`, as IAM condition keys use it. */
  readonly oidcIssuer: pulumi.Output<string>;
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;

  constructor(name: string, args: ClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:ClusterAccess", name, args, opts);
    const result = checkClusterAccess(args);
    if (!result.ok) throw new ValidationError(`ClusterAccess ${name}`, result.problems);

    const region = aws.getRegionOutput({}, { parent: this }).region;
    let caData: pulumi.Output<string>;
    if (args.create) {
      const created = this.createCluster(name, args.create, args.tags ?? {});
      this.clusterName = created.cluster.name;
      this.endpoint = created.cluster.endpoint;
      this.oidcProviderArn = created.oidcProvider.arn;
      this.oidcIssuer = created.cluster.identities.apply((ids) => issuerHost(ids[0]?.oidcs?.[0]?.issuer ?? ""));
      this.nodeRoleArn = created.nodeRole.arn;
      caData = created.cluster.certificateAuthority.apply((ca) => ca.data);
    } else {
      const existing = args.existing;
      const cluster = aws.eks.getClusterOutput({ name: existing.clusterName }, { parent: this });
      this.clusterName = cluster.name;
      this.endpoint = cluster.endpoint;
      this.oidcProviderArn = pulumi.output(existing.oidcProviderArn);
      this.oidcIssuer = cluster.identities.apply((ids) => issuerHost(ids[0]?.oidcs?.[0]?.issuer ?? ""));
      this.nodeRoleArn = pulumi.output(existing.nodeRoleArn);
      caData = cluster.certificateAuthorities.apply((cas) => cas?.[0]?.data ?? "");
    }

    this.kubeconfig = pulumi.secret(
      pulumi
        .all([this.clusterName, this.endpoint, caData, region])
        .apply(([clusterName, endpoint, certificateAuthorityData, r]) => kubeconfigFor({ clusterName, endpoint, certificateAuthorityData, region: r })),
    );
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuer: this.oidcIssuer,
      nodeRoleArn: this.nodeRoleArn,
      kubeconfig: this.kubeconfig,
      provider: this.provider,
    });
  }

  private createCluster(name: string, c: NewClusterArgs, tags: Record<string, string>) {
    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;

    const clusterRole = new aws.iam.Role(`${name}-cluster-role`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")), tags }, parent);
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-cluster-policy`,
      { role: clusterRole.name, policyArn: managedPolicy(partition, "AmazonEKSClusterPolicy") },
      parent,
    );

    const secretsKey = new aws.kms.Key(
      `${name}-secrets-key`,
      { description: `Envelope encryption of Kubernetes secrets in EKS cluster ${name}`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
      { parent: this, protect: true },
    );

    const cluster = new aws.eks.Cluster(
      `${name}-cluster`,
      {
        ...(c.clusterName !== undefined && { name: c.clusterName }),
        roleArn: clusterRole.arn,
        version: c.kubernetesVersion ?? KUBERNETES_VERSION,
        vpcConfig: {
          subnetIds: [...c.subnetIds],
          endpointPrivateAccess: true,
          endpointPublicAccess: c.endpointPublicAccess ?? false,
          ...(c.endpointPublicAccess && { publicAccessCidrs: [...(c.publicAccessCidrs ?? [])] }),
        },
        encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
        accessConfig: {
          authenticationMode: c.authenticationMode ?? CLUSTER_DEFAULTS.authenticationMode,
          // The identity running Pulumi installs the add-ons through the k8s provider, so it needs admin.
          bootstrapClusterCreatorAdminPermissions: true,
        },
        enabledClusterLogTypes: [...(c.enabledLogTypes ?? CLUSTER_DEFAULTS.enabledLogTypes)],
        tags,
      },
      { parent: this, protect: true, dependsOn: [clusterPolicy], customTimeouts: CLUSTER_DEFAULTS.customTimeouts },
    );

    // No thumbprint: IAM verifies EKS's OIDC issuers against its own library of trusted root CAs and
    // ignores thumbprints for them, and when the list is omitted IAM records the current one itself.
    // A pinned thumbprint would only be a value to rotate for nothing.
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: cluster.identities.apply((ids) => ids[0]?.oidcs?.[0]?.issuer ?? ""), clientIdLists: ["sts.amazonaws.com"], tags },
      parent,
    );

    // Managed node groups create their own access entry for this role (authentication mode API).
    // The CNI policy sits on the node role because the VPC CNI add-on uses it by default; moving it
    // to an IRSA role for aws-node is a later hardening step.
    const nodeRole = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")), tags }, parent);
    const nodePolicies = { worker: "AmazonEKSWorkerNodePolicy", ecr: "AmazonEC2ContainerRegistryReadOnly", cni: "AmazonEKS_CNI_Policy" } as const;
    for (const [role, policy] of Object.entries(nodePolicies)) {
      new aws.iam.RolePolicyAttachment(`${name}-node-${role}-policy`, { role: nodeRole.name, policyArn: managedPolicy(partition, policy) }, parent);
    }
    return { cluster, oidcProvider, nodeRole };
  }
}
