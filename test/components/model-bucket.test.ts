import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";

describe("model bucket", async () => {
  const h = await mockRuntime({ region: "us-east-1" });
  const { ModelBucket, checkModelBucketArgs } = await import("../../components/model-bucket");

  // GIVEN a bucket with a break-glass role WHEN it is planned
  const b = new ModelBucket("models", { bucketName: "acme-models", breakGlassPrincipalArns: ["arn:aws:iam::123456789012:role/break-glass"] });
  await h.settle();
  const urn = (type: string, name: string) => h.named(type, name).urn;
  const props = (type: string, name: string) => h.named(type, name).props;

  it("creates every hardening resource as a child named after the component", () => {
    const component = h.named("ml-gitops:platform:ModelBucket", "models");
    const children = h.resources.filter((r) => r.parent === component.urn).map((r) => `${r.type} ${r.name}`).sort();
    assert.deepEqual(children, [
      "aws:kms/alias:Alias models-key-alias",
      "aws:kms/key:Key models-key",
      "aws:s3/bucket:Bucket models-bucket",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration models-lifecycle",
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration models-object-lock",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls models-ownership",
      "aws:s3/bucketPolicy:BucketPolicy models-policy",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock models-public-access-block",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration models-encryption",
      "aws:s3/bucketVersioning:BucketVersioning models-versioning",
    ]);
  });

  it("protects the bucket and its key, and never destroys them with the stack", () => {
    for (const [type, name] of [["aws:s3/bucket:Bucket", "models-bucket"], ["aws:kms/key:Key", "models-key"]] as const) {
      const o = h.named(type, name).options;
      assert.equal(o.protect, true, name);
      assert.equal(o.retainOnDelete, true, name);
    }
  });

  it("enables Object Lock, refuses force-destroy and tags the role", () => {
    const p = props("aws:s3/bucket:Bucket", "models-bucket");
    assert.equal(p.bucket, "acme-models");
    assert.equal(p.objectLockEnabled, true);
    assert.equal(p.forceDestroy, false);
    assert.deepEqual(p.tags, { "ml-gitops.dev/role": "model-artifacts" });
  });

  it("encrypts with a rotating dedicated KMS key and bucket keys", () => {
    assert.equal(props("aws:kms/key:Key", "models-key").enableKeyRotation, true);
    const keyArn = (h.named("ml-gitops:platform:ModelBucket", "models").outputs ?? {}).kmsKeyArn;
    assert.match(String(keyArn), /^arn:aws:kms:us-east-1:123456789012:key\//);
    assert.deepEqual(props("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "models-encryption").rules, [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
    ]);
    assert.equal(props("aws:kms/alias:Alias", "models-key-alias").name, "alias/acme-models");
  });

  it("refuses public access and ACLs", () => {
    const pab = props("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "models-public-access-block");
    assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
    assert.deepEqual(props("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "models-ownership").rule, { objectOwnership: "BucketOwnerEnforced" });
  });

  it("versions objects and locks them in COMPLIANCE mode for 365 days, after versioning exists", () => {
    assert.deepEqual(props("aws:s3/bucketVersioning:BucketVersioning", "models-versioning").versioningConfiguration, { status: "Enabled" });
    const lock = h.named("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "models-object-lock");
    assert.deepEqual(lock.props.rule, { defaultRetention: { mode: "COMPLIANCE", days: 365 } });
    assert.ok(lock.options.dependsOn?.includes(urn("aws:s3/bucketVersioning:BucketVersioning", "models-versioning")));
  });

  it("moves and expires noncurrent versions and aborts stale uploads", () => {
    assert.deepEqual(props("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "models-lifecycle").rules, [
      { id: "noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionTransitions: [{ noncurrentDays: 30, storageClass: "STANDARD_IA" }], noncurrentVersionExpiration: { noncurrentDays: 365 } },
      { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
    ]);
  });

  it("attaches the hardened policy after the lock and public access block", () => {
    const policy = h.named("aws:s3/bucketPolicy:BucketPolicy", "models-policy");
    const doc = JSON.parse(String(policy.props.policy)) as { Statement: { Sid: string }[] };
    assert.deepEqual(doc.Statement.map((s) => s.Sid), ["DenyInsecureTransport", "DenyOverwritingArtifacts", "DenyDestroyingArtifactVersions", "DenyWeakeningBucketProtection"]);
    assert.match(String(policy.props.policy), /arn:aws:iam::123456789012:role\/break-glass/);
    for (const dep of [
      urn("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "models-object-lock"),
      urn("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "models-public-access-block"),
    ]) {
      assert.ok(policy.options.dependsOn?.includes(dep), dep);
    }
  });

  it("registers its outputs", () => {
    const outputs = h.named("ml-gitops:platform:ModelBucket", "models").outputs ?? {};
    assert.deepEqual(Object.keys(outputs).sort(), ["bucketArn", "bucketName", "kmsKeyArn", "region"]);
    assert.deepEqual([outputs.bucketName, outputs.bucketArn, outputs.region], ["acme-models", "arn:aws:s3:::acme-models", "us-east-1"]);
    assert.ok(b.versioning);
  });

  it("refuses bad retention and lifecycle settings with every problem at once", () => {
    assert.throws(
      () => new ModelBucket("bad", { objectLockMode: "LOOSE" as "GOVERNANCE", retentionDays: 0, noncurrentTransitionDays: 10, bucketName: "Bad_Name" }),
      {
        message: [
          "ModelBucket bad: 4 problems",
          '  - objectLockMode: is not an S3 Object Lock mode (got "LOOSE"). Use one of: GOVERNANCE, COMPLIANCE.',
          "  - retentionDays: must be a whole number of days from 1 to 36500 (got 0). Omit it for the default 365.",
          "  - noncurrentTransitionDays: must be a whole number of days, at least 30 (got 10). Omit it for the default 30.",
          '  - bucketName: is not a valid S3 bucket name (got "Bad_Name"). Use 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.',
        ].join("\n"),
      },
    );
  });

  it("refuses expiring noncurrent versions before they transition", () => {
    const problems = checkModelBucketArgs({ noncurrentTransitionDays: 60, noncurrentExpirationDays: 45 }, "artifactStore");
    assert.deepEqual(problems.map((p) => p.path), ["artifactStore.noncurrentExpirationDays"]);
    assert.equal(problems[0]?.message, "expires noncurrent versions before or when they move to STANDARD_IA (day 60)");
  });
});
