/**
 * IAM policy documents as plain typed data. Components build them with pure functions and
 * `JSON.stringify` them inside an `apply`, instead of calling aws.iam.getPolicyDocument: the
 * result is testable without a provider and identical in the offline plan and the cloud.
 */

export type ConditionOperator =
  | "Bool"
  | "Null"
  | "StringEquals"
  | "StringLike"
  | "StringEqualsIfExists"
  | "ForAllValues:StringEquals"
  | "StringNotEquals"
  | "ArnLike"
  | "ArnNotLike";

export type ConditionBlock = { readonly [op in ConditionOperator]?: Readonly<Record<string, string | readonly string[]>> };

export type Principal = "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[]; readonly Federated?: string };

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Principal;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy letting one AWS service assume a role (EKS control plane, EC2 nodes, S3 replication). */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return policyDocument([
    { Sid: "TrustService", Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" },
  ]);
}

/** `arn:<partition>:<service>:<region>:<account>:...` → region, or undefined when the ARN has none (S3, IAM). */
export function arnRegion(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region ? region : undefined;
}
