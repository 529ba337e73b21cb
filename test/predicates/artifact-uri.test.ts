import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkArtifactUri, isImmutableArtifactUri } from "../../lib/predicates/artifact-uri";

const D = "a".repeat(64);
const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("artifact URIs", () => {
  const immutable: [string, string][] = [
    [`s3://models/llama/sha256-${D}/`, `sha256-${D}`],
    [`s3://models/sha256:${D}/model.safetensors`, `sha256:${D}`],
    [`gs://models/llama/sha256-${D}`, `sha256-${D}`],
    [`hf://meta-llama/Llama-3-8B:${SHA}`, SHA],
    [`oci://ghcr.io/acme/llama@sha256:${D}`, `sha256:${D}`],
    [`oci+modelcar://ghcr.io/acme/llama:v1@sha256:${D}`, `sha256:${D}`],
    [`oci+native://localhost:5000/llama@sha256:${D}`, `sha256:${D}`],
    [`oci+fetch://registry/llama@sha256:${D}`, `sha256:${D}`],
  ];
  for (const [uri, pin] of immutable) {
    it(`pins ${uri}`, () => {
      const v = checkArtifactUri(uri);
      assert.equal(v.immutable, true);
      assert.equal(v.immutable && v.pin, pin);
    });
  }

  const mutable: [string, string, string][] = [
    ["s3://models/llama/latest/", "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", "pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket"],
    ["gs://models/llama", "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", "pin it as gs://models/llama/sha256-<64 hex>/ in a bucket with a locked retention policy"],
    [`s3://models/llama/SHA256-${D}/`, "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", "pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket"],
    [`s3://models/llama/sha256-${"A".repeat(64)}/`, "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", "pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket"],
    [`s3://models/llama/sha256-${"a".repeat(63)}/`, "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", "pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket"],
    [`s3://models/llama/sha256-${"a".repeat(65)}/`, "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", "pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket"],
    [`s3://models/llama/v1-sha256-${D}/`, "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", "pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket"],
    ["s3://models", "names a bucket but no key", "pin it as s3://models/sha256-<64 hex>/ in an Object Lock bucket"],
    ["s3://models/", "names a bucket but no key", "pin it as s3://models/sha256-<64 hex>/ in an Object Lock bucket"],
    ["s3:///llama", "has no bucket name", "write it as s3://<bucket>/<model>/sha256-<64 hex>/"],
    [`s3://models//sha256-${D}/`, "has an empty key segment (a double slash), so it does not name the key the digest was published under", `remove the extra slash: s3://models/sha256-${D}/`],
    ["s3://models/llama/model.bin?versionId=abc", "has a query string or fragment, which KServe's storage initializer ignores (a ?versionId does not pin the object)", "drop it and pin the content instead, e.g. s3://models/llama/sha256-<64 hex>/"],
    [`s3://models/sha256-${D}/#x`, "has a query string or fragment, which KServe's storage initializer ignores (a ?versionId does not pin the object)", `drop it and pin the content instead, e.g. s3://models/sha256-${D}/`],
    [` s3://models/sha256-${D}/`, "has leading or trailing whitespace, which the storage initializer does not strip", `remove the whitespace: "s3://models/sha256-${D}/"`],
    ["", "is empty", "name one immutable artifact, e.g. s3://<bucket>/<model>/sha256-<64 hex>/"],
    ["hf://meta-llama/Llama-3-8B", "has no revision, so it follows the default branch", "pin the revision to a commit: hf://meta-llama/Llama-3-8B:<40 hex commit sha>"],
    ["hf://meta-llama/Llama-3-8B:main", 'has revision "main", a branch or tag that can move (only a 40 lowercase hex commit SHA pins)', "pin the revision to a commit: hf://meta-llama/Llama-3-8B:<40 hex commit sha>"],
    ["hf://meta-llama/Llama-3-8B:v1.0", 'has revision "v1.0", a branch or tag that can move (only a 40 lowercase hex commit SHA pins)', "pin the revision to a commit: hf://meta-llama/Llama-3-8B:<40 hex commit sha>"],
    [`hf://meta-llama/Llama-3-8B:${SHA.toUpperCase()}`, `has revision "${SHA.toUpperCase()}", a branch or tag that can move (only a 40 lowercase hex commit SHA pins)`, "pin the revision to a commit: hf://meta-llama/Llama-3-8B:<40 hex commit sha>"],
    ["hf://llama", "does not name a repository as <owner>/<model>", "pin the revision to a commit: hf://llama:<40 hex commit sha>"],
    ["oci://ghcr.io/acme/llama:v1", "the image reference uses the tag :v1 without a digest, and tags can be pushed again", "pin the digest: oci://ghcr.io/acme/llama@sha256:<64 hex>"],
    ["oci+modelcar://localhost:5000/llama", "the image reference has no tag or digest, so it pulls whatever :latest is at the time", "pin the digest: oci+modelcar://localhost:5000/llama@sha256:<64 hex>"],
    ["pvc://models-pvc/llama", "uses pvc, whose content can change under the same URI", 'publish the model to an object store and reference it by content digest, e.g. s3://<bucket>/<model>/sha256-<64 hex>/, or add "pvc" to allowedMutableSchemes'],
    ["https://example.com/model.tar.gz", "uses https, whose content can change under the same URI", 'publish the model to an object store and reference it by content digest, e.g. s3://<bucket>/<model>/sha256-<64 hex>/, or add "https" to allowedMutableSchemes'],
    ["ftp://example.com/model", "has no recognised artifact scheme (s3, gs, hf, oci, pvc, http(s), file, hdfs, webhdfs, modelscope, git)", "use a pinned form, e.g. s3://<bucket>/<model>/sha256-<64 hex>/"],
    ["models/llama", "has no recognised artifact scheme (s3, gs, hf, oci, pvc, http(s), file, hdfs, webhdfs, modelscope, git)", "use a pinned form, e.g. s3://<bucket>/<model>/sha256-<64 hex>/"],
  ];
  for (const [uri, reason, fix] of mutable) {
    it(`refuses ${JSON.stringify(uri)}`, () => {
      assert.deepEqual(checkArtifactUri(uri), { immutable: false, scheme: checkArtifactUri(uri).scheme, reason, fix });
    });
  }

  it("recognises every mutable scheme and git spelling", () => {
    const cases: [string, string][] = [
      ["pvc://c/m", "pvc"], ["http://h/m", "http"], ["https://h/m", "https"], ["file:///m", "file"],
      ["hdfs://nn/m", "hdfs"], ["webhdfs://nn/m", "webhdfs"], ["modelscope://q/m", "modelscope"],
      ["git://h/r", "git"], ["git+https://h/r", "git"], ["https://github.com/a/b.git", "git"], ["git@github.com:a/b", "git"],
    ];
    for (const [uri, scheme] of cases) {
      const v = checkArtifactUri(uri);
      assert.equal(v.scheme, scheme, uri);
      assert.equal(v.immutable, false, uri);
      assert.equal(isImmutableArtifactUri(uri, { allowedMutableSchemes: [scheme] }), true, uri);
    }
  });

  it("allowedMutableSchemes never relaxes the digest rule of s3", () => {
    assert.equal(isImmutableArtifactUri("s3://m/latest", { allowedMutableSchemes: ["s3"] }), false);
  });

  it("refuses a bucket outside allowedBuckets with its own reason", () => {
    assert.deepEqual(checkArtifactUri(`s3://scratch/sha256-${D}/`, { allowedBuckets: ["models", "models-eu"] }), {
      immutable: false,
      scheme: "s3",
      reason: 'is in bucket "scratch", which is not in allowedBuckets (models, models-eu)',
      fix: "publish the model to one of models, models-eu",
    });
    assert.equal(isImmutableArtifactUri(`s3://models/sha256-${D}/`, { allowedBuckets: ["models"] }), true);
  });

  const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
  const segment = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_."), minLength: 1, maxLength: 12 });

  it("any lowercase sha256 digest segment anywhere in an s3 key pins it", () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), fc.array(segment, { maxLength: 4 }), hex(64), fc.constantFrom("-", ":"), fc.boolean(), (before, after, digest, sep, slash) => {
        const uri = `s3://models/${[...before, `sha256${sep}${digest}`, ...after].join("/")}${slash ? "/" : ""}`;
        return isImmutableArtifactUri(uri);
      }),
    );
  });

  it("any 40-hex hf revision pins it", () => {
    fc.assert(fc.property(segment, segment, hex(40), (owner, model, rev) => isImmutableArtifactUri(`hf://${owner}/${model}:${rev}`)));
  });

  it("a key without a digest segment never pins", () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.constantFrom("s3", "gs"), (key, scheme) =>
        !isImmutableArtifactUri(`${scheme}://models/${key.join("/")}`),
      ),
    );
  });

  it("arbitrary text never crashes and only pins with a digest, commit or allowed scheme", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const v = checkArtifactUri(text);
        return !v.immutable || /sha256[-:][0-9a-f]{64}|[0-9a-f]{40}/.test(text);
      }),
    );
  });
});
