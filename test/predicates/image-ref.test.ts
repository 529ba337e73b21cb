import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkImageRef, isPinnedImage } from "../../lib/predicates/image-ref";

const D = `sha256:${"b".repeat(64)}`;

describe("image references", () => {
  for (const image of [`nginx@${D}`, `nginx:1.27@${D}`, `localhost:5000/x@${D}`, `localhost:5000/team/x:v1@${D}`, `ghcr.io/acme/vllm:0.8.5@${D}`]) {
    it(`pins ${image}`, () => assert.deepEqual(checkImageRef(image), { pinned: true, digest: D }));
  }

  const refused: [string, string, string, string][] = [
    ["nginx", "untagged", "has no tag or digest, so it pulls whatever :latest is at the time", "pin it by digest: nginx@sha256:<64 hex>"],
    ["localhost:5000/x", "untagged", "has no tag or digest, so it pulls whatever :latest is at the time", "pin it by digest: localhost:5000/x@sha256:<64 hex>"],
    ["nginx:latest", "latest", "uses the :latest tag, which moves with every push", "pin it by digest: nginx@sha256:<64 hex>"],
    ["nginx:1.12", "tag", "uses the tag :1.12 without a digest, and tags can be pushed again", "pin it by digest: nginx:1.12@sha256:<64 hex>"],
    ["localhost:5000/x:v2", "tag", "uses the tag :v2 without a digest, and tags can be pushed again", "pin it by digest: localhost:5000/x:v2@sha256:<64 hex>"],
    [`nginx@sha256:${"B".repeat(64)}`, "invalid", `has digest "sha256:${"B".repeat(64)}", which is not sha256: followed by 64 lowercase hex digits`, "pin it by digest: nginx@sha256:<64 hex>"],
    [`nginx@sha256:${"b".repeat(63)}`, "invalid", `has digest "sha256:${"b".repeat(63)}", which is not sha256: followed by 64 lowercase hex digits`, "pin it by digest: nginx@sha256:<64 hex>"],
    ["", "invalid", "is not a valid image reference", "write it as registry/repository@sha256:<64 hex>"],
    ["Nginx", "invalid", "is not a valid image reference", "write it as registry/repository@sha256:<64 hex>"],
    ["nginx :1", "invalid", "is not a valid image reference", "write it as registry/repository@sha256:<64 hex>"],
  ];
  for (const [image, kind, reason, fix] of refused) {
    it(`refuses ${JSON.stringify(image)} as ${kind}`, () => assert.deepEqual(checkImageRef(image), { pinned: false, kind, reason, fix }));
  }

  it("any tag plus a lowercase digest pins; without the digest it never does", () => {
    const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
    const tag = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
    fc.assert(fc.property(tag, hex, (t, h) => isPinnedImage(`registry:5000/a/b:${t}@sha256:${h}`) && !isPinnedImage(`registry:5000/a/b:${t}`)));
  });
});
