/**
 * Model artifacts in every serving region (issue 7): a primary ModelBucket where artifacts are
 * published and a replica ModelBucket per serving region, with the same hardening, kept in step
 * by S3 Cross-Region Replication. Model servers read from the bucket in their own region.
 */
import * as aws from "./sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkArtifactStore, type ArtifactStoreSettings } from "../lib/contracts/model-bucket";
import { throwIfProblems, type Problem } from "../lib/errors";
import { serviceTrustPolicy } from "../lib/aws/policy-document";
import { replicationPolicy } from "../lib/aws/replication-policy";
import { ModelBucket, type ModelBucketProtectionArgs } from "./model-bucket";

export interface ArtifactStoreArgs extends ModelBucketProtectionArgs, ArtifactStoreSettings {
  /** Bucket names become `<prefix>-<region>`. @default auto-named per bucket */
  readonly bucketNamePrefix?: string;
  /** S3 Replication Time Control: 99.99% of objects within 15 minutes, with metrics. Billed per GB. @default true */
  readonly replicationTimeControl?: boolean;
}

export interface RegionalBucket {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
}

/** Every problem with the args (lib/contracts/model-bucket.ts checkArtifactStore). */
export function checkArtifactStoreArgs(args: ArtifactStoreArgs): readonly Problem[] {
  const result = checkArtifactStore(args);
  return result.ok ? [] : result.problems;
}

export class ArtifactStore extends pulumi.ComponentResource {
  /** Every bucket, primary included, by region. */
  readonly buckets: Record<string, RegionalBucket>;
  readonly primaryRegion: string;
  readonly replicationRoleArn: pulumi.Output<string>;

  constructor(name: string, args: ArtifactStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:ArtifactStore", name, args, opts);
    throwIfProblems(`ArtifactStore ${name}`, checkArtifactStoreArgs(args));
    this.primaryRegion = args.primaryRegion;
    const protection: ModelBucketProtectionArgs = {
      objectLockMode: args.objectLockMode,
      retentionDays: args.retentionDays,
      noncurrentTransitionDays: args.noncurrentTransitionDays,
      noncurrentExpirationDays: args.noncurrentExpirationDays,
      abortIncompleteUploadDays: args.abortIncompleteUploadDays,
      breakGlassPrincipalArns: args.breakGlassPrincipalArns,
      tags: args.tags,
    };

    const regions = [args.primaryRegion, ...args.replicaRegions];
    const providers = Object.fromEntries(regions.map((r) => [r, new aws.Provider(`${name}-provider-${r}`, { region: r as aws.Region }, { parent: this })]));
    const bucketIn = (r: string) =>
      new ModelBucket(
        `${name}-${r}`,
        { ...protection, ...(args.bucketNamePrefix !== undefined && { bucketName: `${args.bucketNamePrefix}-${r}` }) },
        { parent: this, provider: providers[r] },
      );
    const primary = bucketIn(args.primaryRegion);
    const replicas = args.replicaRegions.map((r) => ({ region: r, bucket: bucketIn(r) }));
    const buckets = [{ region: args.primaryRegion, bucket: primary }, ...replicas];

    const role = new aws.iam.Role(
      `${name}-replication-role`,
      { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("s3.amazonaws.com")), ...(args.tags && { tags: args.tags }) },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-replication-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([primary.bucketArn, primary.kmsKeyArn, pulumi.all(replicas.map((d) => pulumi.all([d.bucket.bucketArn, d.bucket.kmsKeyArn])))])
          .apply(([sourceBucketArn, sourceKmsKeyArn, dests]) =>
            JSON.stringify(replicationPolicy({ sourceBucketArn, sourceKmsKeyArn, destinations: dests.map(([bucketArn, kmsKeyArn]) => ({ bucketArn, kmsKeyArn })) })),
          ),
      },
      { parent: this },
    );

    if (replicas.length > 0) {
      const rtc = args.replicationTimeControl ?? true;
      new aws.s3.BucketReplicationConfig(
        `${name}-replication`,
        {
          bucket: primary.bucketName,
          role: role.arn,
          rules: replicas.map((d, i) => ({
            id: `replicate-to-${d.region}`,
            priority: i,
            status: "Enabled",
            filter: {},
            // Deletes stay local: a delete marker in the primary must not hide the artifact everywhere.
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
              bucket: d.bucket.bucketArn,
              encryptionConfiguration: { replicaKmsKeyId: d.bucket.kmsKeyArn },
              ...(rtc && {
                replicationTime: { status: "Enabled", time: { minutes: 15 } },
                metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
              }),
            },
          })),
        },
        // S3 refuses a replication configuration until versioning is on at both ends.
        { parent: this, provider: providers[args.primaryRegion], dependsOn: [primary.versioning, ...replicas.map((d) => d.bucket.versioning), rolePolicy] },
      );
    }

    this.buckets = Object.fromEntries(buckets.map(({ region, bucket }) => [region, { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn, kmsKeyArn: bucket.kmsKeyArn }]));
    this.replicationRoleArn = role.arn;
    this.registerOutputs({ buckets: this.buckets, primaryRegion: this.primaryRegion, replicationRoleArn: this.replicationRoleArn });
  }
}
