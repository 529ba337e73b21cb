import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";

const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/ABC";
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const KEY = "arn:aws:kms:us-east-1:123456789012:key/k1";

describe("model reader role", async () => {
  const h = await mockRuntime({ region: "us-east-1" });
  const { ModelReaderRole } = await import("../../components/model-reader-role");

  // GIVEN a model server's service account WHEN its reader role is planned
  new ModelReaderRole("llama-reader", {
    oidcProviderArn: PROVIDER,
    oidcIssuer: `https://${ISSUER}`,
    namespace: "serving",
    serviceAccount: "llama",
    bucketArn: "arn:aws:s3:::models",
    kmsKeyArn: KEY,
    prefix: "llama/",
  });
  await h.settle();

  it("is assumable only by that service account through the cluster's OIDC provider", () => {
    const role = h.named("aws:iam/role:Role", "llama-reader-role");
    assert.deepEqual(JSON.parse(String(role.props.assumeRolePolicy)).Statement[0].Condition, {
      StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:serving:llama", [`${ISSUER}:aud`]: "sts.amazonaws.com" },
    });
    assert.equal(role.parent, h.named("ml-gitops:platform:ModelReaderRole", "llama-reader").urn);
  });

  it("reads only its prefix and decrypts only with the bucket key", () => {
    const policy = JSON.parse(String(h.named("aws:iam/rolePolicy:RolePolicy", "llama-reader-policy").props.policy)) as { Statement: { Action: string; Resource: string }[] };
    assert.deepEqual(policy.Statement.map((s) => [s.Action, s.Resource]), [
      ["s3:GetObject", "arn:aws:s3:::models/llama/*"],
      ["s3:ListBucket", "arn:aws:s3:::models"],
      ["kms:Decrypt", KEY],
    ]);
  });

  it("creates nothing but the role and its inline policy", () => {
    assert.deepEqual(h.resources.filter((r) => r.custom).map((r) => r.name), ["llama-reader-role", "llama-reader-policy"]);
  });

  it("registers the role ARN and name", () => {
    const outputs = h.named("ml-gitops:platform:ModelReaderRole", "llama-reader").outputs ?? {};
    assert.match(String(outputs.roleName), /^llama-reader-role-/);
    assert.equal(outputs.roleArn, `arn:aws:iam::123456789012:role/${String(outputs.roleName)}`);
  });

  it("refuses a bad namespace, service account and prefix at once", () => {
    assert.throws(
      () => new ModelReaderRole("bad", { oidcProviderArn: PROVIDER, oidcIssuer: ISSUER, namespace: "Serving", serviceAccount: "", bucketArn: "b", kmsKeyArn: KEY, prefix: "llama" }),
      {
        message: [
          "ModelReaderRole bad: 3 problems",
          `  - namespace: is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (got "Serving"). Name the namespace the serving pods run in, e.g. models.`,
          `  - serviceAccount: is not a valid service account name: use at most 253 lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit (got ""). Name the service account the serving pods run as, e.g. kserve-storage.`,
          '  - prefix: does not end with /, so it would also match sibling keys that share the text (got "llama"). Write it as "<model>/", without a leading slash.',
        ].join("\n"),
      },
    );
  });
});
