/**
 * What Karpenter's controller may do in AWS, and how interruption events reach it: a translation
 * of the reference CloudFormation template at the pinned release,
 * aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml
 * (NodeLifecyclePolicy, IAMIntegrationPolicy, EKSIntegrationPolicy, InterruptionPolicy,
 * ZonalShiftPolicy, ResourceDiscoveryPolicy; KarpenterInterruptionQueue(+Policy); the five
 * EventBridge rules). Statement ids, actions, resources and conditions are upstream's, so a diff
 * against that file is a review of this one. Test: test/karpenter/controller-policy.test.ts.
 */
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./policy-document";

export interface KarpenterControllerPolicyInput {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  /** The role Karpenter's nodes run as; the controller may pass only this role to EC2. */
  readonly nodeRoleArn: string;
  readonly interruptionQueueArn: string;
}

/** One document per upstream managed policy, keyed by upstream's logical name. */
export function karpenterControllerPolicies(i: KarpenterControllerPolicyInput): Record<string, PolicyDocument> {
  const ec2 = (resource: string, account = "*") => `arn:${i.partition}:ec2:${i.region}:${account}:${resource}`;
  const clusterTag = `kubernetes.io/cluster/${i.clusterName}`;
  const owned = { [`aws:ResourceTag/${clusterTag}`]: "owned" };
  const anyNodePool = { "aws:ResourceTag/karpenter.sh/nodepool": "*" };
  const taggedResources = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map((r) => ec2(r));
  const requestTags = { [`aws:RequestTag/${clusterTag}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": i.clusterName };
  const instanceProfiles = `arn:${i.partition}:iam::${i.accountId}:instance-profile/*`;
  const clusterArn = `arn:${i.partition}:eks:${i.region}:${i.accountId}:cluster/${i.clusterName}`;
  const regionTag = { [`aws:ResourceTag/topology.kubernetes.io/region`]: i.region };

  const nodeLifecycle: PolicyStatement[] = [
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Resource: [ec2("image/*", ""), ec2("snapshot/*", ""), ec2("security-group/*"), ec2("subnet/*"), ec2("capacity-reservation/*"), ec2("placement-group/*")],
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Resource: ec2("launch-template/*"),
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Condition: { StringEquals: owned, StringLike: anyNodePool },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: taggedResources,
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: { StringEquals: requestTags, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: taggedResources,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: { ...requestTags, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Resource: ec2("instance/*"),
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: owned,
        StringLike: anyNodePool,
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": i.clusterName },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Resource: [ec2("instance/*"), ec2("launch-template/*")],
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Condition: { StringEquals: owned, StringLike: anyNodePool },
    },
  ];

  const iamIntegration: PolicyStatement[] = [
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: i.nodeRoleArn,
      Action: "iam:PassRole",
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:CreateInstanceProfile"],
      Condition: {
        StringEquals: { ...requestTags, "aws:RequestTag/topology.kubernetes.io/region": i.region },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:TagInstanceProfile"],
      Condition: {
        StringEquals: { ...owned, ...regionTag, ...requestTags, "aws:RequestTag/topology.kubernetes.io/region": i.region },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
      Condition: { StringEquals: { ...owned, ...regionTag }, StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
    },
  ];

  return {
    NodeLifecyclePolicy: policyDocument(nodeLifecycle),
    IAMIntegrationPolicy: policyDocument(iamIntegration),
    EKSIntegrationPolicy: policyDocument([{ Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Resource: clusterArn, Action: "eks:DescribeCluster" }]),
    InterruptionPolicy: policyDocument([
      { Sid: "AllowInterruptionQueueActions", Effect: "Allow", Resource: i.interruptionQueueArn, Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"] },
    ]),
    ZonalShiftPolicy: policyDocument([
      {
        Sid: "AllowZonalShiftStatusReadOnly",
        Effect: "Allow",
        Resource: "*",
        Action: ["arc-zonal-shift:GetManagedResource"],
        Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": clusterArn } },
      },
    ]),
    ResourceDiscoveryPolicy: policyDocument([
      {
        Sid: "AllowRegionalReadActions",
        Effect: "Allow",
        Resource: "*",
        Action: [
          "ec2:DescribeCapacityReservations",
          "ec2:DescribeImages",
          "ec2:DescribeInstances",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplates",
          "ec2:DescribePlacementGroups",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSpotPriceHistory",
          "ec2:DescribeSubnets",
        ],
        Condition: { StringEquals: { "aws:RequestedRegion": i.region } },
      },
      { Sid: "AllowSSMReadActions", Effect: "Allow", Resource: `arn:${i.partition}:ssm:${i.region}::parameter/aws/service/*`, Action: "ssm:GetParameter" },
      { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
      { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: "iam:ListInstanceProfiles" },
      { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: instanceProfiles, Action: "iam:GetInstanceProfile" },
    ]),
  };
}

/** EventBridge and SQS may deliver to the queue; nothing may use it without TLS (upstream's KarpenterInterruptionQueuePolicy). */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument {
  return policyDocument([
    { Sid: "EC2InterruptionPolicy", Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queueArn },
    { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
  ]);
}

/** Upstream's message retention for the interruption queue (seconds). */
export const INTERRUPTION_QUEUE_RETENTION_SECONDS = 300;

/** The events Karpenter acts on, by upstream's rule names: it drains and replaces nodes before AWS takes them. */
export const INTERRUPTION_RULES = {
  ScheduledChange: { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
  SpotInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  Rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  InstanceStateChange: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  // Capacity reservations (reserved pools) can be reclaimed too; upstream routes the warning here.
  CapacityReservationInterruption: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
} as const;
