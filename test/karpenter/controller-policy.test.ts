/**
 * Karpenter's controller permissions and interruption plumbing, against what upstream's reference
 * template grants (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/getting-started/
 * getting-started-with-karpenter/cloudformation.yaml): same policies, same statement ids, scoped
 * to this cluster, its node role and its queue.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { INTERRUPTION_RULES, interruptionQueuePolicy, karpenterControllerPolicies } from "../../lib/aws/karpenter-controller-policy";

const INPUT = {
  partition: "aws",
  region: "us-west-2",
  accountId: "111122223333",
  clusterName: "ml-staging",
  nodeRoleArn: "arn:aws:iam::111122223333:role/karpenter-node",
  interruptionQueueArn: "arn:aws:sqs:us-west-2:111122223333:ml-staging-karpenter",
};
const policies = karpenterControllerPolicies(INPUT);
const statement = (policy: string, sid: string) => policies[policy]!.Statement.find((s) => s.Sid === sid)!;

describe("Karpenter controller policy", () => {
  it("has upstream's six policies with upstream's statement ids", () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(policies).map(([name, doc]) => [name, doc.Statement.map((s) => s.Sid)])),
      {
        NodeLifecyclePolicy: [
          "AllowScopedEC2InstanceAccessActions",
          "AllowScopedEC2LaunchTemplateAccessActions",
          "AllowScopedEC2InstanceActionsWithTags",
          "AllowScopedResourceCreationTagging",
          "AllowScopedResourceTagging",
          "AllowScopedDeletion",
        ],
        IAMIntegrationPolicy: ["AllowPassingInstanceRole", "AllowScopedInstanceProfileCreationActions", "AllowScopedInstanceProfileTagActions", "AllowScopedInstanceProfileActions"],
        EKSIntegrationPolicy: ["AllowAPIServerEndpointDiscovery"],
        InterruptionPolicy: ["AllowInterruptionQueueActions"],
        ZonalShiftPolicy: ["AllowZonalShiftStatusReadOnly"],
        ResourceDiscoveryPolicy: ["AllowRegionalReadActions", "AllowSSMReadActions", "AllowPricingReadActions", "AllowUnscopedInstanceProfileListAction", "AllowInstanceProfileReadActions"],
      },
    );
  });

  it("passes only the node role, only to EC2", () => {
    assert.deepEqual(statement("IAMIntegrationPolicy", "AllowPassingInstanceRole"), {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: INPUT.nodeRoleArn,
      Action: "iam:PassRole",
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    });
  });

  it("terminates only instances this cluster's NodePools own", () => {
    assert.deepEqual(statement("NodeLifecyclePolicy", "AllowScopedDeletion").Condition, {
      StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/ml-staging": "owned" },
      StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
    });
  });

  it("may launch into capacity reservations (reserved pools)", () => {
    assert.ok((statement("NodeLifecyclePolicy", "AllowScopedEC2InstanceAccessActions").Resource as string[]).includes("arn:aws:ec2:us-west-2:*:capacity-reservation/*"));
    assert.ok((statement("ResourceDiscoveryPolicy", "AllowRegionalReadActions").Action as string[]).includes("ec2:DescribeCapacityReservations"));
  });

  it("reads only its own queue and describes only its own cluster", () => {
    assert.deepEqual(statement("InterruptionPolicy", "AllowInterruptionQueueActions").Resource, INPUT.interruptionQueueArn);
    assert.equal(statement("EKSIntegrationPolicy", "AllowAPIServerEndpointDiscovery").Resource, "arn:aws:eks:us-west-2:111122223333:cluster/ml-staging");
  });
});

describe("Karpenter interruption queue", () => {
  it("routes upstream's five event kinds to the queue", () => {
    assert.deepEqual(
      Object.values(INTERRUPTION_RULES).map((r) => r["detail-type"][0]),
      [
        "AWS Health Event",
        "EC2 Spot Instance Interruption Warning",
        "EC2 Instance Rebalance Recommendation",
        "EC2 Instance State-change Notification",
        "EC2 Capacity Reservation Instance Interruption Warning",
      ],
    );
  });

  it("accepts messages from EventBridge and SQS and refuses plain HTTP", () => {
    const doc = interruptionQueuePolicy(INPUT.interruptionQueueArn);
    assert.deepEqual(doc.Statement[0]!.Principal, { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] });
    assert.deepEqual(doc.Statement[1], {
      Sid: "DenyHTTP",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Resource: INPUT.interruptionQueueArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });
});
