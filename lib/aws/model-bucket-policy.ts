/**
 * The resource policy of a model-artifact bucket. What it enforces, exactly:
 *
 * 1. Every request over TLS (`aws:SecureTransport=false` is denied for everyone).
 * 2. No overwrite of an existing key: S3 has no "deny overwrite" condition, but it can require
 *    conditional writes. PutObject and CompleteMultipartUpload (the requests that create an
 *    object, `s3:ObjectCreationOperation=true`) are denied unless they carry `If-None-Match`,
 *    which S3 rejects when the key already exists. The parts of a multipart upload are exempt
 *    because those APIs take no conditional header. Side effect: CopyObject into the bucket is
 *    refused (S3 does not support conditional copies under this policy); publish with PutObject.
 *    Replication is unaffected: S3 writes replicas with s3:ReplicateObject, not PutObject.
 * 3. No destruction or weakening of what was published: deleting objects or versions (a plain
 *    delete would put a delete marker over the served key), changing retention or legal holds,
 *    bypassing governance retention, changing versioning or the Object Lock configuration,
 *    deleting the bucket or this policy. Denied for every principal except the break-glass
 *    principals. With an empty break-glass list only the account root can undo it, by deleting
 *    the policy (S3 always lets the root user do that).
 *
 * Not enforced here: who may PutBucketPolicy (whoever can replace this policy can remove these
 * statements; restrict it with IAM or an SCP), and the immutability of locked versions, which is
 * Object Lock's job (versions cannot be deleted or overwritten until retention ends).
 */
import { policyDocument, type ConditionBlock, type PolicyDocument } from "./policy-document";

export interface ModelBucketPolicyInput {
  readonly bucketArn: string;
  /** IAM principal ARNs (roles, users; wildcards allowed) exempt from statement 3. */
  readonly breakGlassPrincipalArns: readonly string[];
}

export const OBJECT_PROTECTION_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
] as const;

export const BUCKET_PROTECTION_ACTIONS = [
  "s3:PutBucketVersioning",
  "s3:PutBucketObjectLockConfiguration",
  "s3:DeleteBucketPolicy",
  "s3:DeleteBucket",
] as const;

export function modelBucketPolicy(input: ModelBucketPolicyInput): PolicyDocument {
  const { bucketArn } = input;
  const objects = `${bucketArn}/*`;
  const exceptBreakGlass: ConditionBlock | undefined =
    input.breakGlassPrincipalArns.length > 0 ? { ArnNotLike: { "aws:PrincipalArn": [...input.breakGlassPrincipalArns] } } : undefined;
  return policyDocument([
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, objects],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOverwritingArtifacts",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
    },
    {
      Sid: "DenyDestroyingArtifactVersions",
      Effect: "Deny",
      Principal: "*",
      Action: [...OBJECT_PROTECTION_ACTIONS],
      Resource: objects,
      ...(exceptBreakGlass && { Condition: exceptBreakGlass }),
    },
    {
      Sid: "DenyWeakeningBucketProtection",
      Effect: "Deny",
      Principal: "*",
      Action: [...BUCKET_PROTECTION_ACTIONS],
      Resource: bucketArn,
      ...(exceptBreakGlass && { Condition: exceptBreakGlass }),
    },
  ]);
}
