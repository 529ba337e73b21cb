/**
 * A hardened S3 bucket for model artifacts: what is published under a digest stays readable and
 * unchanged for the retention period, whoever asks. Reused per region by ArtifactStore.
 */
import * as aws from "./sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { keyPath, Problems } from "../lib/errors";
import { modelBucketPolicy } from "../lib/aws/model-bucket-policy";

export type ObjectLockMode = "GOVERNANCE" | "COMPLIANCE";

/** Retention and lifecycle, shared by every bucket of an ArtifactStore. */
export interface ModelBucketProtectionArgs {
  /**
   * COMPLIANCE: no principal, not even the account root, can shorten retention or delete a locked
   * version, which is the guarantee a digest-pinned deployment relies on. GOVERNANCE lets holders
   * of s3:BypassGovernanceRetention do both (the bucket policy still denies it to all but break-glass);
   * use it in sandboxes, where a year of undeletable storage is the wrong trade.
   * @default "COMPLIANCE"
   */
  readonly objectLockMode?: ObjectLockMode;
  /** Default retention of every new object version. @default 365 */
  readonly retentionDays?: number;
  /** Days after a version becomes noncurrent before it moves to STANDARD_IA (S3 minimum: 30). @default 30 */
  readonly noncurrentTransitionDays?: number;
  /** Days after a version becomes noncurrent before lifecycle expires it; locked versions outlive it. @default retentionDays */
  readonly noncurrentExpirationDays?: number;
  /** Days before S3 aborts an unfinished multipart upload and frees its parts. @default 7 */
  readonly abortIncompleteUploadDays?: number;
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

export const MODEL_BUCKET_DEFAULTS = {
  objectLockMode: "COMPLIANCE",
  retentionDays: 365,
  noncurrentTransitionDays: 30,
  abortIncompleteUploadDays: 7,
} as const;

const OBJECT_LOCK_MODES: readonly string[] = ["GOVERNANCE", "COMPLIANCE"];

function wholeDays(problems: Problems, path: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) {
    problems.add({ path, value, message: `must be a whole number of days, at least ${min}`, fix: `set it to an integer ≥ ${min}` });
  }
}

/** Every problem with the args; empty when they are usable. */
export function checkModelBucketArgs(args: ModelBucketArgs, prefix = ""): Problems {
  const problems = new Problems();
  const at = (key: string) => keyPath([key], prefix);
  if (args.objectLockMode !== undefined && !OBJECT_LOCK_MODES.includes(args.objectLockMode)) {
    problems.add({ path: at("objectLockMode"), value: args.objectLockMode, message: "is not an S3 Object Lock mode", fix: "use COMPLIANCE or GOVERNANCE" });
  }
  wholeDays(problems, at("retentionDays"), args.retentionDays, 1);
  wholeDays(problems, at("noncurrentTransitionDays"), args.noncurrentTransitionDays, 30);
  wholeDays(problems, at("noncurrentExpirationDays"), args.noncurrentExpirationDays, 1);
  wholeDays(problems, at("abortIncompleteUploadDays"), args.abortIncompleteUploadDays, 1);
  const transition = args.noncurrentTransitionDays ?? MODEL_BUCKET_DEFAULTS.noncurrentTransitionDays;
  const expiration = args.noncurrentExpirationDays ?? args.retentionDays ?? MODEL_BUCKET_DEFAULTS.retentionDays;
  // Only when both are valid on their own: one mistake, one message.
  if (Number.isInteger(transition) && transition >= 30 && Number.isInteger(expiration) && expiration >= 1 && expiration <= transition) {
    problems.add({
      path: at("noncurrentExpirationDays"),
      value: expiration,
      message: `expires noncurrent versions before or when they move to STANDARD_IA (day ${transition})`,
      fix: `set it above ${transition}, or lower noncurrentTransitionDays`,
    });
  }
  if (args.bucketName !== undefined && !/^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(args.bucketName)) {
    problems.add({
      path: at("bucketName"),
      value: args.bucketName,
      message: "is not a valid S3 bucket name",
      fix: "use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
    });
  }
  return problems;
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
    checkModelBucketArgs(args).throwIfAny(`ModelBucket ${name}`);

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
