/** Keys outside ml-gitops: the AWS provider's (known ones only), Pulumi's, nothing else; artifactStack's project. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError, formatProblem } from "../../lib/errors";
import { AWS_PROVIDER_KEYS, parseStackConfig } from "../../lib/config/stack-config";
import { PROJECT_ROOT } from "../support/project-copy";

const ID = { stack: "test", file: "stacks/Pulumi.test.yaml" };
const SECRETS = ["ml-gitops:argocdAdminPasswordBcrypt", "ml-gitops:gitToken"];
const VALID = {
  "aws:region": "us-east-1",
  "ml-gitops:environment": "production",
  "ml-gitops:clusterName": "ml-test",
  "ml-gitops:privateSubnetIds": JSON.stringify(["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001b"]),
  "ml-gitops:modelBucketName": "acme-test-models",
  "ml-gitops:gatewayClassName": "envoy",
  "ml-gitops:delivery": "direct",
};

function problems(extra: Record<string, string>, drop: string[] = []): string[] {
  const c: Record<string, string> = { ...VALID, ...extra };
  for (const k of drop) delete c[k];
  try {
    parseStackConfig(c, ID, SECRETS);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems.map(formatProblem);
  }
  return [];
}

describe("config namespaces", () => {
  it("accepts the AWS provider's own keys and Pulumi's", () => {
    assert.deepEqual(problems({ "aws:profile": "ml", "aws:skipCredentialsValidation": "true", "pulumi:disable-default-providers": '["kubernetes"]' }), []);
  });

  it("refuses a misspelled AWS key with a suggestion, without echoing a secret", () => {
    assert.deepEqual(problems({ "aws:regoin": "us-east-1", "aws:secretKy": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }), [
      'stacks/Pulumi.test.yaml: aws:regoin: is not a config key of the AWS provider, which would silently ignore it (got "us-east-1"). Did you mean aws:region? Otherwise remove it',
      'stacks/Pulumi.test.yaml: aws:secretKy: is not a config key of the AWS provider, which would silently ignore it (got "[redacted: 40 characters]"). Did you mean aws:secretKey? Otherwise remove it',
    ]);
  });

  it("refuses other namespaces", () => {
    assert.deepEqual(problems({ "mlgitops:environment": "production" }), [
      'stacks/Pulumi.test.yaml: mlgitops:environment: uses the namespace mlgitops, which this program does not read (got "production"). Use ml-gitops:<key> or aws:<key>, or remove it',
    ]);
  });

  it("keeps its AWS key list equal to the installed @pulumi/aws provider's", () => {
    const vars = readFileSync(join(PROJECT_ROOT, "node_modules/@pulumi/aws/config/vars.d.ts"), "utf8");
    const installed = [...vars.matchAll(/^export declare const (\w+):/gm)].map((m) => m[1]!).sort();
    assert.deepEqual([...AWS_PROVIDER_KEYS].sort(), installed);
  });
});

describe("artifactStack", () => {
  const ref = (value: string) => problems({ "ml-gitops:artifactStack": value }, ["ml-gitops:modelBucketName"]);
  it("accepts a stack of this project, short or fully qualified", () => {
    assert.deepEqual(ref("artifacts"), []);
    assert.deepEqual(ref("acme/ml-gitops/artifacts"), []);
  });
  it("refuses another project's stack instead of resolving a same-named local one", () => {
    assert.deepEqual(ref("acme/other-project/artifacts"), [
      'stacks/Pulumi.test.yaml: ml-gitops:artifactStack: names a stack of project other-project, but the artifact store is a stack of this project (ml-gitops) (got "acme/other-project/artifacts"). Reference it as <stack> or <org>/ml-gitops/<stack>',
    ]);
    assert.deepEqual(ref("acme/artifacts"), ['stacks/Pulumi.test.yaml: ml-gitops:artifactStack: is not a stack reference (got "acme/artifacts"). Write <stack> or <org>/ml-gitops/<stack>']);
  });
});
