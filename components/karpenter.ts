/**
 * Karpenter, installed by the stack when a GPU pool says `provisioner: karpenter`: the pinned
 * chart (lib/versions.ts CHARTS.karpenter), its controller role through IRSA, the interruption
 * queue with its EventBridge rules, the role its nodes run as (with an EKS access entry so they
 * can join), and the discovery tag on the cluster security group its EC2NodeClasses select.
 *
 * AWS side as upstream's reference template has it:
 * aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml
 * (policies in lib/aws/karpenter-controller-policy.ts). Instance profiles are not created here:
 * with `spec.role` on the EC2NodeClass, Karpenter creates and tags one per node class itself
 * (pkg/apis/v1/ec2nodeclass.go Role; the template's IAMIntegrationPolicy grants exactly that).
 * Nodes join through an EC2_LINUX access entry for their role, the access-entry form of upstream's
 * step04-grant-access.sh mapping (system:bootstrappers, system:nodes); the cluster runs in API
 * authentication mode (components/cluster-access.ts).
 */
import * as aws from "./sdk/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "../lib/aws/irsa";
import {
  INTERRUPTION_QUEUE_RETENTION_SECONDS,
  INTERRUPTION_RULES,
  interruptionQueuePolicy,
  karpenterControllerPolicies,
} from "../lib/aws/karpenter-controller-policy";
import { serviceTrustPolicy } from "../lib/aws/policy-document";
import { KARPENTER_DISCOVERY_TAG } from "../lib/karpenter/gpu-node-pool";
import { CHARTS } from "../lib/versions";
import { PLATFORM_NAMESPACES } from "../lib/contracts/models-namespace";
import { pinnedRelease } from "./pinned-release";
import { throwIfProblems } from "../lib/errors";
import { KARPENTER_DEFAULTS, karpenterArgsProblems, type KarpenterArgs } from "../lib/contracts/karpenter";

export { KARPENTER_DEFAULTS, karpenterArgsProblems, type KarpenterArgs } from "../lib/contracts/karpenter";

export const KARPENTER_NAMESPACE = PLATFORM_NAMESPACES.karpenter;
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

/** Managed policies of upstream's KarpenterNodeRole (cloudformation.yaml, ManagedPolicyArns). */
const NODE_POLICIES = ["AmazonEKS_CNI_Policy", "AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"] as const;

export class Karpenter extends pulumi.ComponentResource {
  /** The role Karpenter's nodes run as; EC2NodeClasses name it in spec.role. */
  readonly nodeRoleName: pulumi.Output<string>;
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly controllerRoleArn: pulumi.Output<string>;
  readonly interruptionQueueName: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:Karpenter", name, {}, opts);
    throwIfProblems(`Karpenter ${name}`, karpenterArgsProblems(args));
    const parent = { parent: this };
    const tags = { ...args.tags };
    const clusterName = pulumi.output(args.clusterName);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const policyArn = (p: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${p}`;

    const nodeRole = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")), tags }, parent);
    for (const policy of NODE_POLICIES) {
      new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: policyArn(policy) }, parent);
    }
    new aws.eks.AccessEntry(`${name}-node-access`, { clusterName, principalArn: nodeRole.arn, type: "EC2_LINUX", tags }, parent);

    // The queue is named after the cluster, as upstream's; Karpenter reads it by name (settings.interruptionQueue).
    const queue = new aws.sqs.Queue(
      `${name}-interruption`,
      { name: clusterName.apply((c) => `${c}-karpenter`), messageRetentionSeconds: INTERRUPTION_QUEUE_RETENTION_SECONDS, sqsManagedSseEnabled: true, tags },
      parent,
    );
    new aws.sqs.QueuePolicy(`${name}-interruption`, { queueUrl: queue.url, policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))) }, parent);
    for (const [rule, pattern] of Object.entries(INTERRUPTION_RULES)) {
      const r = new aws.cloudwatch.EventRule(`${name}-${rule}`, { description: `Karpenter interruption: ${pattern["detail-type"][0]}`, eventPattern: JSON.stringify(pattern), tags }, parent);
      new aws.cloudwatch.EventTarget(`${name}-${rule}`, { rule: r.name, arn: queue.arn, targetId: "KarpenterInterruptionQueueTarget" }, parent);
    }

    const controllerRole = new aws.iam.Role(
      `${name}-controller`,
      {
        assumeRolePolicy: pulumi
          .all([args.oidcProviderArn, args.oidcIssuer])
          .apply(([oidcProviderArn, oidcIssuer]) =>
            JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuer, namespace: KARPENTER_NAMESPACE, serviceAccount: KARPENTER_SERVICE_ACCOUNT })),
          ),
        tags,
      },
      parent,
    );
    const policies = pulumi
      .all([partition, region, accountId, clusterName, nodeRole.arn, queue.arn])
      .apply(([p, r, a, c, nodeRoleArn, interruptionQueueArn]) =>
        karpenterControllerPolicies({ partition: p, region: r, accountId: a, clusterName: c, nodeRoleArn, interruptionQueueArn }),
      );
    const attached = ["NodeLifecyclePolicy", "IAMIntegrationPolicy", "EKSIntegrationPolicy", "InterruptionPolicy", "ZonalShiftPolicy", "ResourceDiscoveryPolicy"].map(
      (policy) => new aws.iam.RolePolicy(`${name}-${policy}`, { role: controllerRole.name, name: policy, policy: policies.apply((all) => JSON.stringify(all[policy])) }, parent),
    );

    // EC2NodeClasses select security groups by this tag; EKS creates the cluster security group,
    // so the stack tags it (created or attached cluster alike) rather than owning a group.
    const securityGroupId = aws.eks.getClusterOutput({ name: clusterName }, parent).vpcConfig.clusterSecurityGroupId;
    new aws.ec2.Tag(`${name}-discovery`, { resourceId: securityGroupId, key: KARPENTER_DISCOVERY_TAG, value: clusterName }, parent);

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: KARPENTER_NAMESPACE } }, parent);
    // Values: aws/karpenter-provider-aws@v1.14.1:charts/karpenter/values.yaml serviceAccount.{name,annotations},
    // settings.{clusterName,interruptionQueue}; resources as step08-apply-helm-chart.sh sets them.
    this.release = pinnedRelease(
      `${name}-release`,
      {
        pin: CHARTS.karpenter,
        releaseName: "karpenter",
        namespace: namespace.metadata.name,
        timeoutMinutes: args.helmTimeoutMinutes ?? KARPENTER_DEFAULTS.helmTimeoutMinutes,
        values: {
          serviceAccount: { name: KARPENTER_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": controllerRole.arn } },
          settings: { clusterName, interruptionQueue: queue.name },
          controller: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } },
        },
      },
      { parent: this, dependsOn: attached },
    );

    this.nodeRoleName = nodeRole.name;
    this.nodeRoleArn = nodeRole.arn;
    this.controllerRoleArn = controllerRole.arn;
    this.interruptionQueueName = queue.name;
    this.registerOutputs({ nodeRoleName: this.nodeRoleName, controllerRoleArn: this.controllerRoleArn, interruptionQueueName: this.interruptionQueueName });
  }
}
