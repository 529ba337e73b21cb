/**
 * The permissions S3 Cross-Region Replication needs for one source bucket and its replicas, as
 * listed in the S3 user guide ("Setting up permissions for live replication"), for
 * SSE-KMS objects in Object Lock buckets. Nothing else: no PutObject, no delete of versions.
 */
import { policyDocument, type PolicyDocument } from "./policy-document";

export interface ReplicationDestination {
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
}

export interface ReplicationPolicyInput {
  readonly sourceBucketArn: string;
  readonly sourceKmsKeyArn: string;
  readonly destinations: readonly ReplicationDestination[];
}

export function replicationPolicy(input: ReplicationPolicyInput): PolicyDocument {
  const { sourceBucketArn, sourceKmsKeyArn, destinations } = input;
  return policyDocument([
    {
      Sid: "ReadSourceConfiguration",
      Effect: "Allow",
      Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      Resource: sourceBucketArn,
    },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: [
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionTagging",
        "s3:GetObjectRetention",
        "s3:GetObjectLegalHold",
      ],
      Resource: `${sourceBucketArn}/*`,
    },
    {
      Sid: "WriteReplicas",
      Effect: "Allow",
      // ReplicateDelete is in S3's documented minimum set. With delete-marker replication disabled
      // it is never exercised, and it could not remove a locked version in the replica anyway.
      Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
      Resource: destinations.map((d) => `${d.bucketArn}/*`),
    },
    { Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: sourceKmsKeyArn },
    { Sid: "EncryptReplicas", Effect: "Allow", Action: "kms:Encrypt", Resource: destinations.map((d) => d.kmsKeyArn) },
  ]);
}
