import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { known, UNKNOWN } from "../../policies/lib/known";
import { messages, UNKNOWN_STRING } from "./helpers";

const res = (type: string, name: string, props: Record<string, unknown>, propertyDependencies?: Record<string, string[]>): PolicyResource => ({
  urn: `urn:pulumi:test::ml-gitops::${type}::${name}`, type, name, props, ...(propertyDependencies ? { propertyDependencies } : {}),
});
const S3 = "aws:s3/";
const policyDoc = JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] });

/** Bucket i with its hardening resources: even i by bucket name, odd i by property dependency. */
function bucketGroup(i: number, publicPolicy = false): PolicyResource[] {
  const name = `models-${i}`;
  const bucket = res(`${S3}bucket:Bucket`, name, { bucket: name, objectLockEnabled: true, tags: { "ml-gitops.dev/role": "model-artifacts" } });
  const ref = i % 2 === 0 ? { bucket: name } : { bucket: UNKNOWN_STRING };
  const deps = i % 2 === 0 ? undefined : { bucket: [bucket.urn] };
  return [
    bucket,
    res(`${S3}bucketVersioning:BucketVersioning`, `${name}-versioning`, { ...ref, versioningConfiguration: { status: "Enabled" } }, deps),
    res(`${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`, `${name}-sse`, { ...ref, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, deps),
    res(`${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`, `${name}-pab`, { ...ref, blockPublicAcls: true, blockPublicPolicy: !publicPolicy, ignorePublicAcls: true, restrictPublicBuckets: true }, deps),
    res(`${S3}bucketPolicy:BucketPolicy`, `${name}-policy`, { ...ref, policy: policyDoc }, deps),
    res(`${S3}bucketObjectLockConfiguration:BucketObjectLockConfiguration`, `${name}-lock`, { ...ref, objectLockEnabled: "Enabled" }, deps),
  ];
}

describe("stack policies over many resources", () => {
  it("relate each bucket to its own hardening resources, by name or by property dependency", () => {
    // GIVEN 200 model buckets, one of them with a public policy allowed
    const stack = Array.from({ length: 200 }, (_, i) => bucketGroup(i, i === 117));
    // WHEN the pack runs over them, hardening resources listed in reverse order
    const got = messages("model-bucket-hardened", stack.map((g) => g[0]!).concat(stack.flatMap((g) => g.slice(1)).reverse()));
    // THEN only that bucket is reported, about its own block
    assert.deepEqual(got, ['BucketPublicAccessBlock "models-117-pab" blockPublicPolicy is false; set it to true so the model bucket can never be made public']);
  });

  it("find a node group's launch template by id or name among many", () => {
    const lts = Array.from({ length: 100 }, (_, i) => res("aws:ec2/launchTemplate:LaunchTemplate", `lt-${i}`, { id: `lt-${i}`, name: `lt-name-${i}`, metadataOptions: { httpTokens: i === 42 ? "optional" : "required" } }));
    const ng = (name: string, launchTemplate: Record<string, unknown>) =>
      res("aws:eks/nodeGroup:NodeGroup", name, { amiType: "AL2023_x86_64_NVIDIA", taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }], launchTemplate });
    assert.deepEqual(messages("gpu-node-group-hardened", [...lts, ng("by-id", { id: "lt-7" }), ng("by-name", { name: "lt-name-9" })]), []);
    assert.deepEqual(messages("gpu-node-group-hardened", [...lts, ng("by-name", { name: "lt-name-42" })]), [
      'LaunchTemplate "lt-42" metadataOptions.httpTokens is "optional"; set it to "required" (IMDSv2) so pods cannot read the node role\'s credentials',
    ]);
  });
});

describe("known", () => {
  it("replaces every value CrossGuard's proxy refuses with UNKNOWN and keeps the rest", () => {
    const props = { a: UNKNOWN_STRING, b: [1, UNKNOWN_STRING, { c: UNKNOWN_STRING, d: "x" }], e: { f: { g: true } }, h: null };
    assert.deepEqual(known(unknownCheckingProxy(props)), { a: UNKNOWN, b: [1, UNKNOWN, { c: UNKNOWN, d: "x" }], e: { f: { g: true } }, h: null });
    // the caller's data is left as it was
    assert.equal(props.a, UNKNOWN_STRING);
  });

  it("copies plain objects out of anything that is not plain data, as reading through the proxy does", () => {
    class Tagged {
      constructor(readonly tag: string) {}
    }
    const holes: unknown[] = [1];
    holes[2] = 3;
    assert.deepEqual(known(unknownCheckingProxy({ t: new Tagged("v"), holes })), { t: { tag: "v" }, holes: [1, undefined, 3] });
  });

  it("copies plain data that is not behind a proxy", () => {
    const props = { a: { b: [1] } };
    const copy = known(props) as typeof props;
    assert.deepEqual(copy, props);
    assert.notEqual(copy.a, props.a);
  });
});
