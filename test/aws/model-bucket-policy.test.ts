import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { modelBucketPolicy } from "../../lib/aws/model-bucket-policy";

const BUCKET = "arn:aws:s3:::models";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";

describe("model bucket policy", () => {
  const doc = modelBucketPolicy({ bucketArn: BUCKET, breakGlassPrincipalArns: [BREAK_GLASS] });
  const sid = (s: string) => {
    const found = doc.Statement.find((x) => x.Sid === s);
    assert.ok(found, `statement ${s}`);
    return found;
  };

  it("only denies, so it grants nobody anything", () => {
    assert.deepEqual(doc.Statement.map((s) => s.Effect), ["Deny", "Deny", "Deny", "Deny"]);
  });

  it("denies every request without TLS, break-glass included", () => {
    assert.deepEqual(sid("DenyInsecureTransport"), {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("denies object creation without If-None-Match, so an existing key cannot be overwritten", () => {
    assert.deepEqual(sid("DenyOverwritingArtifacts"), {
      Sid: "DenyOverwritingArtifacts",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${BUCKET}/*`,
      Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
    });
  });

  it("denies deleting versions and weakening locks to all but break-glass", () => {
    assert.deepEqual(sid("DenyDestroyingArtifactVersions"), {
      Sid: "DenyDestroyingArtifactVersions",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention"],
      Resource: `${BUCKET}/*`,
      Condition: { ArnNotLike: { "aws:PrincipalArn": [BREAK_GLASS] } },
    });
    assert.deepEqual(sid("DenyWeakeningBucketProtection").Action, [
      "s3:PutBucketVersioning",
      "s3:PutBucketObjectLockConfiguration",
      "s3:DeleteBucketPolicy",
      "s3:DeleteBucket",
    ]);
    assert.equal(sid("DenyWeakeningBucketProtection").Resource, BUCKET);
  });

  it("denies everyone when no break-glass principal is named", () => {
    const strict = modelBucketPolicy({ bucketArn: BUCKET, breakGlassPrincipalArns: [] });
    for (const s of strict.Statement.slice(2)) assert.equal(s.Condition, undefined, s.Sid);
  });
});
