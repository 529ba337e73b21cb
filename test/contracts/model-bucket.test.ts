/**
 * The model bucket contract (lib/contracts/model-bucket.ts) from both sides: ModelBucket and
 * ArtifactStore (mock runtime) and the artifacts stack's config give the same messages, and accept
 * the same retention periods (fast-check).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mockRuntime } from "../support/harness";
import { parseStackConfig } from "../../lib/config/stack-config";
import { NONCURRENT_TRANSITION_DAYS, RETENTION_DAYS } from "../../lib/contracts/model-bucket";
import { isWholeNumberIn } from "../../lib/contracts/validators";
import { problemsOf } from "./problems";

const FILE = "stacks/Pulumi.artifacts.yaml";

function configProblems(patch: Record<string, string>): string[] {
  const config = { "aws:region": "us-east-1", "ml-gitops:role": "artifacts", "ml-gitops:modelBucketName": "acme-models", "ml-gitops:replicaRegions": '["eu-west-1"]', ...patch };
  return problemsOf(() => parseStackConfig(config, { stack: "artifacts", file: FILE }, []));
}

describe("model bucket contract", async () => {
  await mockRuntime();
  const { ModelBucket } = await import("../../components/model-bucket");
  const { ArtifactStore } = await import("../../components/artifact-store");
  let n = 0;
  const bucket = (retentionDays: number) => problemsOf(() => new ModelBucket(`b${n++}`, { retentionDays }));
  const store = (replicaRegions: string[]) => problemsOf(() => new ArtifactStore(`s${n++}`, { primaryRegion: "us-east-1", replicaRegions }));

  it("refuses a retention beyond S3's 100 years with one message from ModelBucket and the stack config", () => {
    const rest = "must be a whole number of days from 1 to 36500 (got 36501). Omit it for the default 365.";
    assert.deepEqual(bucket(36501), [`retentionDays: ${rest}`]);
    assert.deepEqual(configProblems({ "ml-gitops:objectLockRetentionDays": "36501" }), [`${FILE}: ml-gitops:objectLockRetentionDays: ${rest}`]);
  });

  it("refuses a replica in the primary region, twice, or not a region, with one message from ArtifactStore and the stack config", () => {
    const regions = ["us-east-1", "eu-west-1", "eu-west-1", "EU"];
    const rests = [
      '[0]: is the primary region (got "us-east-1"). List only the other serving regions; the primary bucket serves its own region.',
      '[2]: is listed twice (got "eu-west-1"). List each region once.',
      '[3]: is not an AWS region name (got "EU"). Write it like us-east-1.',
    ];
    assert.deepEqual(store(regions), rests.map((r) => `replicaRegions${r}`));
    assert.deepEqual(configProblems({ "ml-gitops:replicaRegions": JSON.stringify(regions) }), rests.map((r) => `${FILE}: ml-gitops:replicaRegions${r}`));
  });

  it("refuses a retention that would expire versions before they move to STANDARD_IA, from both sides", () => {
    const rest = "would expire noncurrent versions before or when they move to STANDARD_IA (day 30) (got 30). Keep versions longer than 30 days.";
    assert.deepEqual(bucket(30), [`retentionDays: ${rest}`]);
    assert.deepEqual(configProblems({ "ml-gitops:objectLockRetentionDays": "30" }), [`${FILE}: ml-gitops:objectLockRetentionDays: ${rest}`]);
  });

  it("accepts GovCloud regions on both sides, as KServe's S3 settings do", () => {
    assert.deepEqual([store(["us-gov-west-1"]), configProblems({ "ml-gitops:replicaRegions": '["us-gov-west-1"]' })], [[], []]);
  });

  it("accepts and refuses the same retention periods in ModelBucket and the stack config", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 36497, max: 36503 }), fc.integer({ min: -100, max: 40000 })), (days) => {
        const fromComponent = bucket(days).length === 0;
        assert.equal(fromComponent, configProblems({ "ml-gitops:objectLockRetentionDays": String(days) }).length === 0);
        // Noncurrent versions expire after the retention period, which must outlast the 30-day move to STANDARD_IA.
        assert.equal(fromComponent, isWholeNumberIn(RETENTION_DAYS, days) && days > NONCURRENT_TRANSITION_DAYS.default);
      }),
      { numRuns: 60 },
    );
  });
});
