/**
 * The input contract of the model artifact buckets (components/model-bucket.ts ModelBucket, and
 * components/artifact-store.ts ArtifactStore, which makes one per region). The stack config keys
 * ml-gitops:objectLockRetentionDays and ml-gitops:replicaRegions feed the same rules.
 */
import type { Problem } from "../errors";
import { checked, oneOfProblem, pathIn, wholeNumberProblem, type Checked, type WholeNumberRule } from "./validators";

export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];

/**
 * Default Object Lock retention of every artifact version. S3 caps a default retention period at
 * 100 years (PutObjectLockConfiguration: "Days ... up to 36500"); the stack config had that cap
 * and the component none.
 */
export const RETENTION_DAYS = { unit: "days", min: 1, max: 36500, default: 365 } as const satisfies WholeNumberRule;
/** S3 moves objects to STANDARD_IA no sooner than 30 days (lifecycle transition minimum). */
export const NONCURRENT_TRANSITION_DAYS = { unit: "days", min: 30, default: 30 } as const satisfies WholeNumberRule;
export const NONCURRENT_EXPIRATION_DAYS = { unit: "days", min: 1 } as const satisfies WholeNumberRule;
export const ABORT_INCOMPLETE_UPLOAD_DAYS = { unit: "days", min: 1, default: 7 } as const satisfies WholeNumberRule;

/**
 * AWS region names, partitions included (aws, aws-cn, aws-us-gov, aws-iso*): the one pattern for
 * the artifact store's regions, the replica regions key and KServe's S3 region.
 */
export const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export function awsRegionProblem(path: string, region: string): Problem | undefined {
  return AWS_REGION.test(region) ? undefined : { path, value: region, message: "is not an AWS region name", fix: "Write it like us-east-1." };
}

/** S3 bucket naming rules (general purpose buckets): 3-63 characters, no xn-- prefix, no -s3alias suffix. */
const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Retention and lifecycle, shared by every bucket of an ArtifactStore. */
export interface ModelBucketProtection {
  /**
   * COMPLIANCE: no principal, not even the account root, can shorten retention or delete a locked
   * version, which is the guarantee a digest-pinned deployment relies on. GOVERNANCE lets holders
   * of s3:BypassGovernanceRetention do both (the bucket policy still denies it to all but break-glass);
   * use it in sandboxes, where a year of undeletable storage is the wrong trade.
   * @default "COMPLIANCE"
   */
  readonly objectLockMode?: ObjectLockMode;
  /** Default retention of every new object version, RETENTION_DAYS. @default 365 days */
  readonly retentionDays?: number;
  /** Days after a version becomes noncurrent before it moves to STANDARD_IA (S3 minimum: 30). @default 30 days */
  readonly noncurrentTransitionDays?: number;
  /** Days after a version becomes noncurrent before lifecycle expires it; locked versions outlive it. @default retentionDays */
  readonly noncurrentExpirationDays?: number;
  /** Days before S3 aborts an unfinished multipart upload and frees its parts. @default 7 days */
  readonly abortIncompleteUploadDays?: number;
}

export const MODEL_BUCKET_DEFAULTS = {
  objectLockMode: "COMPLIANCE",
  retentionDays: RETENTION_DAYS.default,
  noncurrentTransitionDays: NONCURRENT_TRANSITION_DAYS.default,
  abortIncompleteUploadDays: ABORT_INCOMPLETE_UPLOAD_DAYS.default,
} as const;

type BucketKey = keyof ModelBucketProtection | "bucketName";

/**
 * Every problem with a bucket's protection and name, each at `prefix` + its key, or at the path
 * `paths` gives a key (the stack config's ml-gitops:objectLockRetentionDays is retentionDays).
 */
export function modelBucketProblems(args: ModelBucketProtection & { readonly bucketName?: string }, prefix = "", paths: Partial<Record<BucketKey, string>> = {}): Problem[] {
  const inPrefix = pathIn(prefix);
  const at = (key: BucketKey) => paths[key] ?? inPrefix(key);
  const problems: (Problem | undefined)[] = [];
  if (args.objectLockMode !== undefined) problems.push(oneOfProblem(OBJECT_LOCK_MODES, "an S3 Object Lock mode", at("objectLockMode"), args.objectLockMode));
  const days: [BucketKey, number | undefined, WholeNumberRule][] = [
    ["retentionDays", args.retentionDays, RETENTION_DAYS],
    ["noncurrentTransitionDays", args.noncurrentTransitionDays, NONCURRENT_TRANSITION_DAYS],
    ["noncurrentExpirationDays", args.noncurrentExpirationDays, NONCURRENT_EXPIRATION_DAYS],
    ["abortIncompleteUploadDays", args.abortIncompleteUploadDays, ABORT_INCOMPLETE_UPLOAD_DAYS],
  ];
  for (const [key, value, rule] of days) if (value !== undefined) problems.push(wholeNumberProblem(rule, at(key), value));
  const transition = args.noncurrentTransitionDays ?? MODEL_BUCKET_DEFAULTS.noncurrentTransitionDays;
  const expiration = args.noncurrentExpirationDays ?? args.retentionDays ?? MODEL_BUCKET_DEFAULTS.retentionDays;
  // Only when both are valid on their own: one mistake, one message, at the key that was set.
  if (Number.isInteger(transition) && transition >= NONCURRENT_TRANSITION_DAYS.min && Number.isInteger(expiration) && expiration >= 1 && expiration <= transition) {
    problems.push(
      args.noncurrentExpirationDays !== undefined
        ? {
            path: at("noncurrentExpirationDays"),
            value: expiration,
            message: `expires noncurrent versions before or when they move to STANDARD_IA (day ${transition})`,
            fix: `Set it above ${transition}, or lower noncurrentTransitionDays.`,
          }
        : {
            // Noncurrent versions expire after the retention period unless told otherwise.
            path: at("retentionDays"),
            value: expiration,
            message: `would expire noncurrent versions before or when they move to STANDARD_IA (day ${transition})`,
            fix: `Keep versions longer than ${transition} days.`,
          },
    );
  }
  if (args.bucketName !== undefined && !BUCKET_NAME.test(args.bucketName)) {
    problems.push({ path: at("bucketName"), value: args.bucketName, message: "is not a valid S3 bucket name", fix: "Use 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit." });
  }
  return problems.filter((p): p is Problem => p !== undefined);
}

export interface ArtifactStoreSettings extends ModelBucketProtection {
  /** Region artifacts are published to. */
  readonly primaryRegion: string;
  /** Serving regions that get a replica; the primary region is not repeated here. */
  readonly replicaRegions: readonly string[];
}

/** The replica regions: AWS regions, each once, never the primary. */
export function replicaRegionProblems(path: string, primaryRegion: string | undefined, replicaRegions: readonly string[]): Problem[] {
  const at = pathIn(path);
  return replicaRegions.flatMap((r, i): Problem[] => {
    const bad = awsRegionProblem(at(i), r);
    if (bad) return [bad];
    if (r === primaryRegion) return [{ path: at(i), value: r, message: "is the primary region", fix: "List only the other serving regions; the primary bucket serves its own region." }];
    if (replicaRegions.indexOf(r) !== i) return [{ path: at(i), value: r, message: "is listed twice", fix: "List each region once." }];
    return [];
  });
}

export function checkArtifactStore<T extends ArtifactStoreSettings>(args: T, prefix = ""): Checked<T> {
  const at = pathIn(prefix);
  const problems = [
    ...[awsRegionProblem(at("primaryRegion"), args.primaryRegion)].filter((p): p is Problem => p !== undefined),
    ...replicaRegionProblems(at("replicaRegions"), args.primaryRegion, args.replicaRegions),
    ...modelBucketProblems(args, prefix),
  ];
  return checked(problems, () => args);
}
