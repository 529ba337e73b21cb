import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bucketForRegion, rewriteToRegion } from "../../lib/artifacts/regional";
import { checkArtifactUri } from "../../lib/predicates/artifact-uri";

const STORE = {
  primaryRegion: "us-east-1",
  buckets: {
    "us-east-1": { bucketName: "acme-ml-models-us-east-1", bucketArn: "arn:aws:s3:::acme-ml-models-us-east-1", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/a" },
    "eu-west-1": { bucketName: "acme-ml-models-eu-west-1", bucketArn: "arn:aws:s3:::acme-ml-models-eu-west-1", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/b" },
  },
};

describe("regional artifacts", () => {
  it("picks the cluster region's replica", () => {
    assert.equal(bucketForRegion(STORE, "eu-west-1", "acme/ml-gitops/artifacts").bucketName, "acme-ml-models-eu-west-1");
  });

  it("fails for a region with no replica, naming the region and the artifact stack", () => {
    assert.throws(() => bucketForRegion(STORE, "ap-south-1", "acme/ml-gitops/artifacts"), {
      message:
        "artifact store acme/ml-gitops/artifacts has no replica in ap-south-1 (it serves eu-west-1, us-east-1): add ap-south-1 to ml-gitops:replicaRegions of acme/ml-gitops/artifacts and update that stack before this one",
    });
  });

  it("rewrites the primary bucket to the replica and keeps the key", () => {
    const digest = "a".repeat(64);
    assert.equal(
      rewriteToRegion(`s3://acme-ml-models-us-east-1/models/llama/sha256-${digest}/`, "acme-ml-models-us-east-1", "acme-ml-models-eu-west-1"),
      `s3://acme-ml-models-eu-west-1/models/llama/sha256-${digest}/`,
    );
  });

  it("leaves URIs outside the artifact store alone", () => {
    const hf = "hf://meta-llama/Llama-3.1-8B-Instruct:0e9e39f249a16976918f6564b8830bc894c89659";
    assert.equal(rewriteToRegion(hf, "acme-ml-models-us-east-1", "acme-ml-models-eu-west-1"), hf);
    assert.equal(rewriteToRegion("s3://acme-ml-models-us-east-1-old/x", "acme-ml-models-us-east-1", "r"), "s3://acme-ml-models-us-east-1-old/x");
  });

  it("keeps an immutable URI immutable after rewriting", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.stringMatching(/^[0-9a-f]{64}$/), (model, digest) => {
        const uri = `s3://acme-ml-models-us-east-1/models/${model}/sha256-${digest}/`;
        const rewritten = rewriteToRegion(uri, "acme-ml-models-us-east-1", "acme-ml-models-eu-west-1");
        return checkArtifactUri(uri).immutable && checkArtifactUri(rewritten).immutable;
      }),
    );
  });
});
