import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { DIGEST, messages, UNKNOWN_STRING, violations, withField } from "./helpers";

const POLICY = "stable-requires-canary";
const OLD = `s3://models/llama/sha256-${"b".repeat(64)}/`;
const NEW = `s3://models/llama/sha256-${DIGEST}/`;
const IMAGE = `vllm/vllm-openai:v0.28.0@sha256:${"c".repeat(64)}`;

/** The valid fixture: stable is the last release, v3.1.0. */
const props = {
  declaration: {
    metadata: { name: "llama" },
    spec: {
      stable: { version: "v3.1.0", uri: NEW, image: IMAGE },
      releases: [
        { version: "v3.0.0", uri: OLD, image: IMAGE, promotedAt: "2025-04-01T10:00:00Z" },
        { version: "v3.1.0", uri: NEW, image: IMAGE, promotedAt: "2025-05-01T10:00:00Z" },
      ],
    },
  },
};

const resource = (p: Record<string, unknown>): PolicyResource => ({ urn: "urn:pulumi:test::ml-gitops::ml-gitops:serving:ModelDeployment::llama", type: MODEL_DEPLOYMENT_TYPE, name: "llama", props: p });
const check = (p: Record<string, unknown>) => messages(POLICY, [resource(p)]);
const FIX = "Promote it with ml-gitops promote and advance through the canary instead of editing spec.stable by hand.";

describe("stable-requires-canary", () => {
  it("accepts a stable that is the last release", () => assert.deepEqual(check(props), []));

  it("accepts a rollback: stable is an earlier release", () => {
    assert.deepEqual(check(withField(withField(props, "declaration.spec.stable.version", "v3.0.0"), "declaration.spec.stable.uri", OLD)), []);
  });

  it("refuses a stable edited by hand to an artifact that never completed a canary, as mandatory", () => {
    const edited = withField(withField(props, "declaration.spec.stable.version", "v3.2.0"), "declaration.spec.stable.uri", `s3://models/llama/sha256-${"d".repeat(64)}/`);
    assert.deepEqual(violations(POLICY, [resource(edited)]).map((v) => [v.level, v.message]), [
      ["mandatory", `declaration.spec.stable (v3.2.0, s3://models/llama/sha256-${"d".repeat(64)}/, ${IMAGE}) is not a promoted release: the last canary-completed release is v3.1.0 (${NEW}, ${IMAGE}). ${FIX}`],
    ]);
  });

  it("refuses a released version label pointing at another artifact", () => {
    assert.deepEqual(check(withField(props, "declaration.spec.stable.uri", OLD)), [
      `declaration.spec.stable (v3.1.0, ${OLD}, ${IMAGE}) is not a promoted release: release v3.1.0 was promoted as (v3.1.0, ${NEW}, ${IMAGE}). ${FIX}`,
    ]);
  });

  it("refuses a serving image swapped by hand", () => {
    const other = `vllm/vllm-openai:v0.29.0@sha256:${"e".repeat(64)}`;
    assert.deepEqual(check(withField(props, "declaration.spec.stable.image", other)), [
      `declaration.spec.stable (v3.1.0, ${NEW}, ${other}) is not a promoted release: release v3.1.0 was promoted as (v3.1.0, ${NEW}, ${IMAGE}). ${FIX}`,
    ]);
  });

  it("refuses a stable when releases is empty: the first stable is recorded as releases[0]", () => {
    assert.deepEqual(check(withField(props, "declaration.spec.releases", [])), [
      `declaration.spec.stable (v3.1.0, ${NEW}, ${IMAGE}) is not a promoted release: spec.releases is empty. Record the first stable as spec.releases[0] (with promotedAt), then promote new versions with ml-gitops promote.`,
    ]);
  });

  it("says nothing when stable or a release is unknown during preview", () => {
    assert.deepEqual(check(withField(props, "declaration.spec.stable.uri", UNKNOWN_STRING)), []);
    assert.deepEqual(check(withField(props, "declaration.spec.stable", UNKNOWN_STRING)), []);
    assert.deepEqual(check(withField(props, "declaration.spec.releases", UNKNOWN_STRING)), []);
    assert.deepEqual(check(withField(props, "declaration.spec.releases[1].uri", UNKNOWN_STRING)), []);
  });

  it("ignores other resource types", () => {
    assert.deepEqual(messages(POLICY, [{ ...resource(withField(props, "declaration.spec.releases", [])), type: "ml-gitops:serving:Other" }]), []);
  });
});
