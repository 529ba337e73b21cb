import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { COMMIT, DIGEST, fixture, messages, resourceOf, violations, withField } from "./helpers";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";

const POLICY = "model-artifact-immutable";
const isvc = fixture("inference-service.yaml");
const rollout = fixture("rollout.yaml");
const check = (o: Record<string, unknown>, config = {}) => messages(POLICY, [resourceOf(o)], config);
const S3_FIX = "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket.";

describe("model-artifact-immutable", () => {
  it("accepts the valid InferenceService and Rollout fixtures", () => {
    assert.deepEqual(check(isvc), []);
    assert.deepEqual(check(rollout), []);
  });

  it("refuses a mutable predictor storageUri, as mandatory", () => {
    const v = violations(POLICY, [resourceOf(withField(isvc, "spec.predictor.model.storageUri", "s3://models/llama/latest/"))]);
    assert.deepEqual(v.map((x) => [x.level, x.message]), [
      ["mandatory", `spec.predictor.model.storageUri "s3://models/llama/latest/" is not pinned: ${S3_FIX}`],
    ]);
  });

  it("refuses a hf branch in a canary predictor", () => {
    assert.deepEqual(check(withField(isvc, "spec.canary[0].predictor.model.storageUri", "hf://meta-llama/Llama-3-8B:main")), [
      'spec.canary[0].predictor.model.storageUri "hf://meta-llama/Llama-3-8B:main" is not pinned: has revision "main", a branch or tag that can move (only a 40 lowercase hex commit SHA pins); pin the revision to a commit: hf://meta-llama/Llama-3-8B:<40 hex commit sha>.',
    ]);
  });

  const fields: [string, string][] = [
    ["spec.predictor.sklearn.storageUri", "spec.predictor.sklearn.storageUri"],
    ["spec.transformer.storageUri", "spec.transformer.storageUri"],
    ["spec.explainer.art.storageUri", "spec.explainer.art.storageUri"],
    ["spec.predictor.storageUris[0].uri", "spec.predictor.storageUris[0].uri"],
  ];
  for (const [field, path] of fields) {
    it(`finds the URI at ${field}`, () => {
      assert.deepEqual(check(withField(isvc, field, "s3://models/llama/latest/")), [`${path} "s3://models/llama/latest/" is not pinned: ${S3_FIX}`]);
    });
  }

  it("refuses a bucket outside allowedBuckets", () => {
    assert.deepEqual(check(isvc, { [POLICY]: { allowedBuckets: ["prod-models"] } }), [
      `spec.predictor.model.storageUri "s3://models/llama/sha256-${DIGEST}/" is not pinned: is in bucket "models", which is not in allowedBuckets (prod-models); publish the model to one of prod-models.`,
    ]);
  });

  it("accepts a pvc only when allowedMutableSchemes lists it", () => {
    const pvc = withField(isvc, "spec.predictor.model.storageUri", "pvc://models/llama");
    assert.deepEqual(check(pvc), [
      'spec.predictor.model.storageUri "pvc://models/llama" is not pinned: uses pvc, whose content can change under the same URI; publish the model to an object store and reference it by content digest, e.g. s3://<bucket>/<model>/sha256-<64 hex>/, or add "pvc" to allowedMutableSchemes.',
    ]);
    assert.deepEqual(check(pvc, { [POLICY]: { allowedMutableSchemes: ["pvc"] } }), []);
  });

  it("reads Rollout args in all three spellings and env values", () => {
    const c = "spec.template.spec.containers[0]";
    assert.deepEqual(check(withField(rollout, `${c}.args`, ["serve", "s3://models/llama/latest/"])), [`${c}.args[1] "s3://models/llama/latest/" is not pinned: ${S3_FIX}`]);
    assert.deepEqual(check(withField(rollout, `${c}.args`, ["--model", "s3://models/llama/latest/"])), [`${c}.args[1] "s3://models/llama/latest/" is not pinned: ${S3_FIX}`]);
    assert.deepEqual(check(withField(rollout, `${c}.args`, ["--model=s3://models/llama/latest/", "--otlp-endpoint=http://collector:4317"])), [`${c}.args[0] "s3://models/llama/latest/" is not pinned: ${S3_FIX}`]);
    assert.deepEqual(check(withField(rollout, `${c}.env[0].value`, "s3://models/llama/latest/")), [`${c}.env[0].value "s3://models/llama/latest/" is not pinned: ${S3_FIX}`]);
  });

  it("checks LocalModelCache and LLMInferenceService sources", () => {
    const cache = { apiVersion: "serving.kserve.io/v1alpha1", kind: "LocalModelCache", metadata: { name: "c" }, spec: { sourceModelUri: "s3://models/llama/latest/" } };
    assert.deepEqual(check(cache), [`spec.sourceModelUri "s3://models/llama/latest/" is not pinned: ${S3_FIX}`]);
    const llm = { apiVersion: "serving.kserve.io/v1alpha1", kind: "LLMInferenceService", metadata: { name: "l" }, spec: { model: { uri: `hf://meta-llama/Llama-3-8B:${COMMIT}` } } };
    assert.deepEqual(check(llm), []);
  });

  it("checks the stable and candidate URIs of a ModelDeployment declaration", () => {
    const md = { urn: "urn:md", type: MODEL_DEPLOYMENT_TYPE, name: "llama", props: { declaration: { spec: { stable: { uri: `s3://models/llama/sha256-${DIGEST}/` }, candidate: { uri: "s3://models/llama/latest/" } } } } };
    assert.deepEqual(messages(POLICY, [md]), [`declaration.spec.candidate.uri "s3://models/llama/latest/" is not pinned: ${S3_FIX}`]);
  });
});
