import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";

describe("artifact store", async () => {
  const h = await mockRuntime({ region: "us-east-1" });
  const { ArtifactStore } = await import("../../components/artifact-store");

  // GIVEN publishing in us-east-1 and serving in eu-west-1 and us-west-2 WHEN the store is planned
  new ArtifactStore("models", { primaryRegion: "us-east-1", replicaRegions: ["eu-west-1", "us-west-2"], bucketNamePrefix: "acme-models" });
  await h.settle();
  const component = h.named("ml-gitops:platform:ArtifactStore", "models");

  it("creates a regional provider and a hardened ModelBucket per region", () => {
    for (const r of ["us-east-1", "eu-west-1", "us-west-2"]) {
      const provider = h.named("pulumi:providers:aws", `models-provider-${r}`);
      assert.equal(provider.props.region, r);
      assert.equal(provider.parent, component.urn);
      const bucket = h.named("aws:s3/bucket:Bucket", `models-${r}-bucket`);
      assert.equal(bucket.props.bucket, `acme-models-${r}`);
      assert.equal(bucket.options.protect, true);
      assert.match(String(bucket.options.provider), new RegExp(`::models-provider-${r}$`));
      assert.equal(h.named("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", `models-${r}-object-lock`).props.objectLockEnabled, "Enabled");
    }
  });

  it("replicates SSE-KMS objects, not delete markers, to each replica with its own key and RTC", () => {
    const replication = h.named("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "models-replication");
    assert.equal(replication.props.bucket, "acme-models-us-east-1");
    assert.match(String(replication.options.provider), /::models-provider-us-east-1$/);
    const rules = replication.props.rules as Record<string, unknown>[];
    assert.deepEqual(
      rules.map((r) => [r.id, r.priority, (r.destination as { bucket: string }).bucket]),
      [
        ["replicate-to-eu-west-1", 0, "arn:aws:s3:::acme-models-eu-west-1"],
        ["replicate-to-us-west-2", 1, "arn:aws:s3:::acme-models-us-west-2"],
      ],
    );
    const rule = rules[0]!;
    assert.deepEqual(rule.deleteMarkerReplication, { status: "Disabled" });
    assert.deepEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
    const destination = rule.destination as Record<string, unknown>;
    assert.match(String((destination.encryptionConfiguration as { replicaKmsKeyId: string }).replicaKmsKeyId), /^arn:aws:kms:eu-west-1:/);
    assert.deepEqual(destination.replicationTime, { status: "Enabled", time: { minutes: 15 } });
    assert.deepEqual(destination.metrics, { status: "Enabled", eventThreshold: { minutes: 15 } });
  });

  it("waits for versioning on both ends", () => {
    const deps = h.named("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "models-replication").options.dependsOn ?? [];
    for (const r of ["us-east-1", "eu-west-1", "us-west-2"]) {
      assert.ok(deps.includes(h.named("aws:s3/bucketVersioning:BucketVersioning", `models-${r}-versioning`).urn), r);
    }
  });

  it("gives replication a least-privilege role trusted by S3", () => {
    const role = h.named("aws:iam/role:Role", "models-replication-role");
    assert.equal(JSON.parse(String(role.props.assumeRolePolicy)).Statement[0].Principal.Service, "s3.amazonaws.com");
    const policy = JSON.parse(String(h.named("aws:iam/rolePolicy:RolePolicy", "models-replication-policy").props.policy)) as { Statement: { Sid: string; Resource: unknown }[] };
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s.Resource]));
    assert.equal(bySid.ReadSourceConfiguration, "arn:aws:s3:::acme-models-us-east-1");
    assert.deepEqual(bySid.WriteReplicas, ["arn:aws:s3:::acme-models-eu-west-1/*", "arn:aws:s3:::acme-models-us-west-2/*"]);
    assert.match(String(bySid.DecryptSource), /^arn:aws:kms:us-east-1:/);
    assert.deepEqual((bySid.EncryptReplicas as string[]).map((a) => a.split(":")[3]), ["eu-west-1", "us-west-2"]);
  });

  it("registers every region's bucket, ARN and key", () => {
    const buckets = (component.outputs?.buckets ?? {}) as Record<string, { bucketName: string; bucketArn: string; kmsKeyArn: string }>;
    assert.deepEqual(Object.keys(buckets).sort(), ["eu-west-1", "us-east-1", "us-west-2"]);
    assert.equal(buckets["eu-west-1"]?.bucketArn, "arn:aws:s3:::acme-models-eu-west-1");
    assert.match(String(buckets["us-west-2"]?.kmsKeyArn), /^arn:aws:kms:us-west-2:/);
  });

  it("refuses a replica in the primary region, a duplicate and a bad region name at once", () => {
    assert.throws(() => new ArtifactStore("bad", { primaryRegion: "us-east-1", replicaRegions: ["us-east-1", "eu-west-1", "eu-west-1", "EU"] }), {
      message: [
        "ArtifactStore bad: 3 problems",
        '  - replicaRegions[0]: is the primary region (got "us-east-1"). List only the other serving regions; the primary bucket serves its own region.',
        '  - replicaRegions[2]: is listed twice (got "eu-west-1"). List each region once.',
        '  - replicaRegions[3]: is not an AWS region name (got "EU"). Write it like us-east-1.',
      ].join("\n"),
    });
  });
});
