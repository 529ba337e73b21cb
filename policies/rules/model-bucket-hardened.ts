/**
 * Buckets holding model artifacts must keep what they hold: versioned, Object Lock, KMS
 * encrypted, never public, TLS only. A bucket is a model bucket when tagged
 * `ml-gitops.dev/role=model-artifacts` (the ModelBucket component sets the tag); the AWS v7
 * provider configures each concern through a separate resource, so this is a stack policy.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown, list, obj } from "../lib/known";
import { show } from "../lib/policy";
import { dependencyKeys, Index, key, ofTypes, type StackResource } from "../lib/stack";

export const MODEL_BUCKET_TAG = { key: "ml-gitops.dev/role", value: "model-artifacts" } as const;

const T = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  publicAccess: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  objectLock: ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"],
} as const;

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const KMS = ["aws:kms", "aws:kms:dsse"];

function deniesInsecureTransport(policy: unknown): boolean {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return false;
    }
  }
  const statements = obj(doc).Statement;
  return (Array.isArray(statements) ? statements : [statements]).some((s) => {
    const st = obj(s);
    const value = obj(obj(st.Condition).Bool)["aws:SecureTransport"];
    return st.Effect === "Deny" && (value === "false" || value === false || (Array.isArray(value) && value.includes("false")));
  });
}

function bucketProblems(b: StackResource, related: (types: readonly string[]) => StackResource[]): string[] {
  const out: string[] = [];
  const at = `${b.type.split(":").pop()} "${b.name}"`;
  const versioning = related(T.versioning);
  const inlineVersioning = obj(b.props.versioning).enabled === true;
  if (!inlineVersioning && !versioning.some(versioningEnabled)) {
    out.push(`${at} has no BucketVersioning with versioningConfiguration.status "Enabled" (got ${show(versioning.map((v) => (isUnknown(statusOf(v)) ? "unknown" : statusOf(v))))}); add one so no model version is lost to an overwrite`);
  }
  const encryption = related(T.encryption);
  const algorithms = encryption.flatMap((e) => list(e.props.rules).map((r) => obj(obj(r).applyServerSideEncryptionByDefault).sseAlgorithm));
  if (!algorithms.some((a) => isUnknown(a) || KMS.includes(a as string))) {
    out.push(`${at} has no server-side encryption with sseAlgorithm "aws:kms" (got ${show(algorithms)}); add a BucketServerSideEncryptionConfiguration rule with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms"`);
  }
  const blocks = related(T.publicAccess);
  if (blocks.length === 0) {
    out.push(`${at} has no BucketPublicAccessBlock; add one with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true`);
  }
  for (const block of blocks) {
    for (const flag of PUBLIC_ACCESS_FLAGS) {
      const v = block.props[flag];
      if (v !== true && !isUnknown(v)) out.push(`BucketPublicAccessBlock "${block.name}" ${flag} is ${show(v)}; set it to true so the model bucket can never be made public`);
    }
  }
  const policies = related(T.policy);
  if (!policies.some((p) => isUnknown(p.props.policy) || deniesInsecureTransport(p.props.policy))) {
    out.push(`${at} has no BucketPolicy denying requests with aws:SecureTransport "false"; add a Deny statement with Condition {"Bool": {"aws:SecureTransport": "false"}}`);
  }
  const lock = b.props.objectLockEnabled;
  if (lock !== true && !isUnknown(lock)) {
    out.push(`${at} objectLockEnabled is ${show(lock)}; create the bucket with objectLockEnabled: true so published model versions cannot be overwritten or deleted`);
  }
  const lockConfigs = related(T.objectLock);
  if (!lockConfigs.some((l) => l.props.objectLockEnabled !== "Disabled")) {
    out.push(`${at} has no BucketObjectLockConfiguration; add one with a default retention rule (COMPLIANCE or GOVERNANCE mode)`);
  }
  return out;
}

function statusOf(v: StackResource): unknown {
  const config = v.props.versioningConfiguration;
  return isUnknown(config) ? config : obj(config).status;
}

function versioningEnabled(v: StackResource): boolean {
  const s = statusOf(v);
  return isUnknown(s) || s === "Enabled";
}

export const modelBucketHardened: StackValidationPolicy = {
  name: "model-bucket-hardened",
  description: "S3 buckets tagged ml-gitops.dev/role=model-artifacts must be versioned, Object Locked, KMS encrypted, private and TLS only.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const buckets = ofTypes(args.resources, T.bucket).filter((b) => obj(b.props.tags)[MODEL_BUCKET_TAG.key] === MODEL_BUCKET_TAG.value);
    if (buckets.length === 0) return;
    // A hardening resource refers to its bucket through `bucket`: by property dependency, or by
    // the bucket's known name or id. One index per kind, built on first use.
    const all = new Map<readonly string[], Index>();
    const byBucket = (r: StackResource) => [...dependencyKeys(r, "bucket"), key("bucket", r.props.bucket)];
    const ofKind = (types: readonly string[]) => all.get(types) ?? all.set(types, new Index(ofTypes(args.resources, types), byBucket)).get(types)!;
    for (const b of buckets) {
      const keys = [`urn:${b.urn}`, key("bucket", b.props.bucket), key("bucket", b.props.id)];
      const related = (types: readonly string[]) => ofKind(types).get(keys);
      for (const message of bucketProblems(b, related)) reportViolation(message, b.urn);
    }
  },
};
