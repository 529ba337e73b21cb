/**
 * model-serving-canary-capable: a model served by a Deployment, StatefulSet or Knative Service
 * bypasses every canary rule, so it is refused with the canary-capable alternatives named.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DIGEST, messages, resourceOf, violations, withField } from "./helpers";

const POLICY = "model-serving-canary-capable";
const IMAGE = `vllm/vllm-openai@sha256:${DIGEST}`;
const MODEL = `s3://models/llama/sha256-${DIGEST}/`;
const ALT = "serve it through a canary-capable resource instead: an Argo Rollout with a canary strategy, a KServe InferenceService or LLMInferenceService, or a ModelDeployment declaration (deployments/<environment>/<model>.yaml), or set spec.replicas to 0 (or let a Rollout's workloadRef scale it down with scaleDown: onsuccess).";
const BYPASS = "a bad model reaches every user at once with no analysis or automatic rollback";
const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "llama", namespace: "models" },
  spec: { replicas: 2, template: { spec: { containers: [{ name: "vllm", image: IMAGE, args: ["serve", MODEL] }] } } },
};
const check = (o: Record<string, unknown>, config = {}) => messages(POLICY, [resourceOf(o)], config);
const C = "spec.template.spec.containers[0]";

describe("model-serving-canary-capable", () => {
  it("refuses a Deployment serving a model, as mandatory, naming the alternatives", () => {
    assert.deepEqual(violations(POLICY, [resourceOf(deployment)]).map((v) => [v.level, v.message]), [
      ["mandatory", `${C}.args[1] names the model "${MODEL}", but a Deployment rolls out with no canary: ${BYPASS}; ${ALT}`],
    ]);
  });

  it("recognises a model server by its image when no model is named", () => {
    assert.deepEqual(check(withField(deployment, `${C}.args`, [])), [`${C}.image "${IMAGE}" is a model server, but a Deployment rolls out with no canary: ${BYPASS}; ${ALT}`]);
  });

  it("refuses a StatefulSet and a Knative Service the same way", () => {
    const sts = { ...deployment, kind: "StatefulSet" };
    assert.deepEqual(check(sts), [`${C}.args[1] names the model "${MODEL}", but a StatefulSet rolls out with no canary: ${BYPASS}; ${ALT}`]);
    const ksvc = { apiVersion: "serving.knative.dev/v1", kind: "Service", metadata: { name: "m" }, spec: { template: { spec: { containers: [{ image: `nvcr.io/nvidia/tritonserver@sha256:${DIGEST}` }] } } } };
    assert.deepEqual(check(ksvc), [`${C}.image "nvcr.io/nvidia/tritonserver@sha256:${DIGEST}" is a model server, but a Knative Service shifts traffic to a new revision with no analysis: ${BYPASS}; ${ALT}`]);
  });

  it("leaves a Deployment that serves no model alone", () => {
    assert.deepEqual(check(withField(withField(deployment, `${C}.image`, `nginx@sha256:${DIGEST}`), `${C}.args`, [])), []);
  });

  it("leaves the Deployment of a Rollout's workloadRef alone at replicas 0, and still reads its model", () => {
    const scaled = withField(withField(deployment, "spec.replicas", 0), `${C}.args[1]`, "s3://models/llama/latest/");
    assert.deepEqual(check(scaled), []);
    assert.deepEqual(messages("model-artifact-immutable", [resourceOf(scaled)]), [
      `${C}.args[1] "s3://models/llama/latest/" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket.`,
    ]);
  });

  it("leaves a Deployment alone when a Rollout in its namespace scales it down through workloadRef", () => {
    const rollout = (scaleDown: string | undefined, namespace = "models") => ({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "llama", namespace },
      spec: { workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llama", ...(scaleDown !== undefined && { scaleDown }) } },
    });
    const judged = (r: Record<string, unknown>) => messages(POLICY, [resourceOf(deployment, "deployment"), resourceOf(r, "rollout")]);
    assert.deepEqual(judged(rollout("onsuccess")), []);
    assert.deepEqual(judged(rollout("progressively")), []);
    // "never" (the default) leaves the Deployment serving next to the Rollout.
    assert.equal(judged(rollout(undefined)).length, 1);
    assert.equal(judged(rollout("never")).length, 1);
    assert.equal(judged(rollout("onsuccess", "other")).length, 1);
  });

  it("is configurable: exempt namespaces, extra server images, and its level", () => {
    assert.deepEqual(check(deployment, { [POLICY]: { exemptNamespaces: ["models"] } }), []);
    const custom = withField(withField(deployment, `${C}.image`, `registry.corp/ml/acme-llm-server@sha256:${DIGEST}`), `${C}.args`, []);
    assert.deepEqual(check(custom), []);
    assert.equal(check(custom, { [POLICY]: { serverImagePatterns: ["acme-llm-server$"] } }).length, 1);
    assert.deepEqual(violations(POLICY, [resourceOf(deployment)], { [POLICY]: "advisory" }).map((v) => v.level), ["advisory"]);
  });
});
