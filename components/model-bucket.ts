/**
 * A hardened S3 bucket for model artifacts: what is published under a digest stays readable and
 * unchanged for the retention period, whoever asks. Reused per region by ArtifactStore.
 */
import * as aws from "./sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { MODEL_BUCKET_DEFAULTS, modelBucketProblems, type ModelBucketProtection, type ObjectLockMode } from "../lib/contracts/model-bucket";
import { throwIfProblems, type Problem } from "../lib/errors";
import { modelBucketPolicy } from "../lib/aws/model-bucket-policy";

export type { ObjectLockMode };
export { MODEL_BUCKET_DEFAULTS };

/** Retention and lifecycle (lib/contracts/model-bucket.ts), shared by every bucket of an ArtifactStore. */
export interface ModelBucketProtectionArgs extends ModelBucketProtection {
  /** Principals exempt from the bucket policy's deny on deletes and lock changes. @default [] (only root can undo it) */
  readonly breakGlassPrincipalArns?: pulumi.Input<string>[];
  readonly tags?: Record<string, string>;
}

export interface ModelBucketArgs extends ModelBucketProtectionArgs {
  /** Globally unique bucket name. @default auto-named from the component name */
  readonly bucketName?: string;
  /** Policy of the bucket's KMS key (JSON). @default the AWS default key policy (the account administers the key through IAM) */
  readonly kmsKeyPolicy?: pulumi.Input<string>;
}

/** Every problem with the args (the contract's), each at `prefix` + its key; empty when they are usable. */
export function checkModelBucketArgs(args: ModelBucketArgs, prefix = ""): Problem[] {
  return modelBucketProblems(args, prefix);
}

export class ModelBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  /** Replication needs versioning in place first: ArtifactStore depends on it. */
  readonly versioning: aws.s3.BucketVersioning;

  constructor(name: string, args: ModelBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:ModelBucket", name, args, opts);
    throwIfProblems(`ModelBucket ${name}`, checkModelBucketArgs(args));

    const retentionDays = args.retentionDays ?? MODEL_BUCKET_DEFAULTS.retentionDays;
    const tags = { ...args.tags, "ml-gitops.dev/role": "model-artifacts" };
    const parent = { parent: this };
    // Removing the component from the program must never weaken the bucket: the hardening
    // resources stay in AWS when deleted from the stack, and the bucket and key are protected.
    const keep = { parent: this, retainOnDelete: true };

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `SSE-KMS key of model bucket ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        ...(args.kmsKeyPolicy !== undefined && { policy: args.kmsKeyPolicy }),
        tags,
      },
      { ...keep, protect: true },
    );

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { ...(args.bucketName !== undefined && { bucket: args.bucketName }), objectLockEnabled: true, forceDestroy: false, tags },
      { ...keep, protect: true },
    );

    new aws.kms.Alias(`${name}-key-alias`, { name: pulumi.interpolate`alias/${bucket.bucket}`, targetKeyId: key.keyId }, parent);

    this.versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      keep,
    );

    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        // Bucket keys cut KMS requests (and cost) per object by orders of magnitude for large model files.
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
      },
      keep,
    );

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      keep,
    );

    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, keep);

    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionTransitions: [
              { noncurrentDays: args.noncurrentTransitionDays ?? MODEL_BUCKET_DEFAULTS.noncurrentTransitionDays, storageClass: "STANDARD_IA" },
            ],
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentExpirationDays ?? retentionDays },
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteUploadDays ?? MODEL_BUCKET_DEFAULTS.abortIncompleteUploadDays },
          },
        ],
      },
      { ...keep, dependsOn: [this.versioning] },
    );

    const objectLock = new aws.s3.BucketObjectLockConfiguration(
      `${name}-object-lock`,
      {
        bucket: bucket.id,
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: args.objectLockMode ?? MODEL_BUCKET_DEFAULTS.objectLockMode, days: retentionDays } },
      },
      { ...keep, dependsOn: [this.versioning] },
    );

    // Last: the policy denies changing versioning and the lock configuration, so both must exist first.
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([bucket.arn, pulumi.output(args.breakGlassPrincipalArns ?? [])])
          .apply(([bucketArn, breakGlassPrincipalArns]) => JSON.stringify(modelBucketPolicy({ bucketArn, breakGlassPrincipalArns }))),
      },
      { ...keep, dependsOn: [publicAccess, this.versioning, objectLock] },
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.kmsKeyArn = key.arn;
    this.region = bucket.region;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, kmsKeyArn: this.kmsKeyArn, region: this.region });
  }
}
