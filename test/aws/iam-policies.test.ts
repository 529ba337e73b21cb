import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { irsaTrustPolicy, issuerHost } from "../../lib/aws/irsa";
import { modelReaderPolicy, prefixProblem } from "../../lib/aws/model-reader-policy";
import { serviceTrustPolicy, arnRegion } from "../../lib/aws/policy-document";
import { replicationPolicy } from "../../lib/aws/replication-policy";

const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/ABC";
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const KEY = "arn:aws:kms:us-east-1:123456789012:key/k1";

describe("IRSA trust policy", () => {
  it("trusts exactly one service account, for the STS audience", () => {
    for (const issuer of [ISSUER, `https://${ISSUER}`]) {
      assert.deepEqual(irsaTrustPolicy({ oidcProviderArn: PROVIDER, oidcIssuer: issuer, namespace: "serving", serviceAccount: "llama" }), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TrustServiceAccount",
            Effect: "Allow",
            Principal: { Federated: PROVIDER },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${ISSUER}:sub`]: "system:serviceaccount:serving:llama",
                [`${ISSUER}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      });
    }
    assert.equal(issuerHost(`https://${ISSUER}`), ISSUER);
  });

  it("trusts a service principal with sts:AssumeRole", () => {
    assert.deepEqual(serviceTrustPolicy("eks.amazonaws.com").Statement, [
      { Sid: "TrustService", Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });
});

describe("model reader policy", () => {
  it("reads and lists one prefix and decrypts with the bucket key through S3 only", () => {
    assert.deepEqual(modelReaderPolicy({ bucketArn: "arn:aws:s3:::models", prefix: "llama/", kmsKeyArn: KEY }).Statement, [
      { Sid: "ReadModelObjects", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::models/llama/*" },
      { Sid: "ListModelPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::models", Condition: { StringLike: { "s3:prefix": ["llama/", "llama/*"] } } },
      { Sid: "DecryptModelObjects", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY, Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } },
    ]);
  });

  it("grants no write, delete or key-management action", () => {
    const actions = modelReaderPolicy({ bucketArn: "arn:aws:s3:::models", prefix: "", kmsKeyArn: KEY }).Statement.flatMap((s) => [s.Action].flat());
    assert.deepEqual(actions, ["s3:GetObject", "s3:ListBucket", "kms:Decrypt"]);
  });

  it("lists the whole bucket without a prefix condition when the prefix is empty", () => {
    const list = modelReaderPolicy({ bucketArn: "arn:aws:s3:::models", prefix: "", kmsKeyArn: KEY }).Statement[1];
    assert.deepEqual(list, { Sid: "ListModelPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::models" });
  });

  const prefixes: [string, string | undefined][] = [
    ["", undefined],
    ["llama/", undefined],
    ["/llama/", "starts with /, but S3 keys in this bucket do not"],
    ["llama", "does not end with /, so it would also match sibling keys that share the text"],
    ["ll*ama/", "contains a wildcard, which IAM would interpret"],
  ];
  for (const [prefix, problem] of prefixes) {
    it(`judges prefix ${JSON.stringify(prefix)}`, () => assert.equal(prefixProblem(prefix), problem));
  }

  it("reads the region of a regional ARN only", () => {
    assert.equal(arnRegion(KEY), "us-east-1");
    assert.equal(arnRegion("arn:aws:s3:::models"), undefined);
  });
});

describe("replication policy", () => {
  it("grants exactly the documented replication permissions, scoped to the buckets and keys", () => {
    const doc = replicationPolicy({
      sourceBucketArn: "arn:aws:s3:::src",
      sourceKmsKeyArn: KEY,
      destinations: [
        { bucketArn: "arn:aws:s3:::dst-eu", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k2" },
        { bucketArn: "arn:aws:s3:::dst-us", kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/k3" },
      ],
    });
    assert.deepEqual(
      doc.Statement.map((s) => [s.Sid, s.Action, s.Resource]),
      [
        ["ReadSourceConfiguration", ["s3:GetReplicationConfiguration", "s3:ListBucket"], "arn:aws:s3:::src"],
        [
          "ReadSourceVersions",
          ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"],
          "arn:aws:s3:::src/*",
        ],
        ["WriteReplicas", ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], ["arn:aws:s3:::dst-eu/*", "arn:aws:s3:::dst-us/*"]],
        ["DecryptSource", "kms:Decrypt", KEY],
        ["EncryptReplicas", "kms:Encrypt", ["arn:aws:kms:eu-west-1:123456789012:key/k2", "arn:aws:kms:us-west-2:123456789012:key/k3"]],
      ],
    );
    assert.ok(doc.Statement.every((s) => s.Effect === "Allow"));
  });
});
