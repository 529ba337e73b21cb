/**
 * The ModelReaderRole contract (lib/contracts/model-reader-role.ts): every service account the
 * role trusts has a valid namespace and name, and the session length is one IAM accepts, refused
 * when the component is constructed rather than by IAM during `pulumi up`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mockRuntime } from "../support/harness";
import { MAX_SESSION_DURATION_SECONDS, modelReaderRoleArgsProblems, type ModelReaderRoleArgs } from "../../lib/contracts/model-reader-role";
import { isWholeNumberIn } from "../../lib/contracts/validators";
import { problemsOf } from "./problems";

const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/ABC";
const VALID: ModelReaderRoleArgs = {
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
  oidcIssuer: ISSUER,
  namespace: "models",
  serviceAccount: "kserve-storage",
  bucketArn: "arn:aws:s3:::acme-models",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k1",
};
const SESSION_FIX = "IAM allows a role session of 1 to 12 hours. Omit it for the default 3600.";

describe("ModelReaderRole contract", async () => {
  await mockRuntime({ region: "us-east-1" });
  const { ModelReaderRole } = await import("../../components/model-reader-role");
  let n = 0;
  const component = (args: Partial<ModelReaderRoleArgs>): string[] => {
    return problemsOf(() => new ModelReaderRole(`reader-${n++}`, { ...VALID, ...args }));
  };

  it("accepts the valid args, a one-hour session by default", () => {
    assert.deepEqual(component({}), []);
    assert.deepEqual(modelReaderRoleArgsProblems(VALID), []);
  });

  for (const seconds of [3599, 43201, 7200.5]) {
    it(`refuses a session of ${seconds} s, which IAM would refuse at deploy time`, () => {
      assert.deepEqual(component({ maxSessionDurationSeconds: seconds }), [`maxSessionDurationSeconds: must be a whole number of seconds from 3600 to 43200 (got ${seconds}). ${SESSION_FIX}`]);
    });
  }

  it("refuses a further trusted service account with a bad namespace, naming its index", () => {
    assert.deepEqual(component({ alsoTrusted: [{ namespace: "kserve-localmodel-jobs", serviceAccount: "kserve-localmodel-jobs" }, { namespace: "Jobs", serviceAccount: "downloader" }] }), [
      `alsoTrusted[1].namespace: is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (got "Jobs"). Name the namespace the serving pods run in, e.g. models.`,
    ]);
  });

  it("refuses a further trusted service account with an empty name", () => {
    assert.deepEqual(component({ alsoTrusted: [{ namespace: "jobs", serviceAccount: "" }] }), [
      `alsoTrusted[0].serviceAccount: is not a valid service account name: use at most 253 lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit (got ""). Name the service account the serving pods run as, e.g. kserve-storage.`,
    ]);
  });

  it("refuses a prefix with a leading slash", () => {
    assert.deepEqual(component({ prefix: "/llama/" }), ['prefix: starts with /, but S3 keys in this bucket do not (got "/llama/"). Write it as "<model>/", without a leading slash.']);
  });

  it("puts the caller's prefix before every path", () => {
    assert.deepEqual(
      modelReaderRoleArgsProblems({ ...VALID, maxSessionDurationSeconds: 60 }, "readers[0]").map((p) => p.path),
      ["readers[0].maxSessionDurationSeconds"],
    );
  });

  it("accepts exactly the whole seconds from one hour to twelve", () => {
    const seconds = fc.oneof(fc.integer({ min: 3590, max: 3610 }), fc.integer({ min: 43190, max: 43210 }), fc.integer({ min: -1, max: 100_000 }), fc.double({ min: 3500, max: 44000, noNaN: true }));
    fc.assert(
      fc.property(seconds, (s) => {
        assert.equal(component({ maxSessionDurationSeconds: s }).length === 0, isWholeNumberIn(MAX_SESSION_DURATION_SECONDS, s), String(s));
      }),
      { numRuns: 60 },
    );
  });
});
