import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import { DIGEST, fixture, messages, resourceOf, violations, withField } from "./helpers";

const POLICY = "serving-image-digest";
const isvc = fixture("inference-service.yaml");
const rollout = fixture("rollout.yaml");
const check = (o: Record<string, unknown>) => messages(POLICY, [resourceOf(o)]);
const pod = (image: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image }] } });

describe("serving-image-digest", () => {
  it("accepts digest-pinned images", () => {
    assert.deepEqual(check(isvc), []);
    assert.deepEqual(check(rollout), []);
    assert.deepEqual(check(pod(`localhost:5000/vllm@sha256:${DIGEST}`)), []);
  });

  it("refuses an untagged image, as mandatory", () => {
    assert.deepEqual(violations(POLICY, [resourceOf(pod("nginx"))]).map((v) => [v.level, v.message]), [
      ["mandatory", 'spec.containers[0].image "nginx" has no tag or digest, so it pulls whatever :latest is at the time; pin it by digest: nginx@sha256:<64 hex>.'],
    ]);
  });

  it("refuses :latest and plain tags with their own messages", () => {
    assert.deepEqual(check(pod("nginx:latest")), ['spec.containers[0].image "nginx:latest" uses the :latest tag, which moves with every push; pin it by digest: nginx@sha256:<64 hex>.']);
    assert.deepEqual(check(pod("localhost:5000/nginx:1.27")), ['spec.containers[0].image "localhost:5000/nginx:1.27" uses the tag :1.27 without a digest, and tags can be pushed again; pin it by digest: localhost:5000/nginx:1.27@sha256:<64 hex>.']);
  });

  it("walks InferenceService framework images, containers and canary predictors", () => {
    assert.deepEqual(check(withField(isvc, "spec.predictor.model.image", "vllm:0.8")), ['spec.predictor.model.image "vllm:0.8" uses the tag :0.8 without a digest, and tags can be pushed again; pin it by digest: vllm:0.8@sha256:<64 hex>.']);
    assert.deepEqual(check(withField(isvc, "spec.transformer.containers", [{ name: "t", image: "acme/transformer" }])), ['spec.transformer.containers[0].image "acme/transformer" has no tag or digest, so it pulls whatever :latest is at the time; pin it by digest: acme/transformer@sha256:<64 hex>.']);
    assert.deepEqual(check(withField(isvc, "spec.canary[0].predictor.model.image", "vllm")), ['spec.canary[0].predictor.model.image "vllm" has no tag or digest, so it pulls whatever :latest is at the time; pin it by digest: vllm@sha256:<64 hex>.']);
  });

  it("walks Rollout init containers, ServingRuntimes and CronJobs", () => {
    assert.deepEqual(check(withField(rollout, "spec.template.spec.initContainers", [{ name: "i", image: "busybox:1.36" }])), ['spec.template.spec.initContainers[0].image "busybox:1.36" uses the tag :1.36 without a digest, and tags can be pushed again; pin it by digest: busybox:1.36@sha256:<64 hex>.']);
    const runtime = { apiVersion: "serving.kserve.io/v1alpha1", kind: "ClusterServingRuntime", metadata: { name: "rt" }, spec: { containers: [{ name: "kserve-container", image: "kserve/sklearnserver:latest" }] } };
    assert.deepEqual(check(runtime), ['spec.containers[0].image "kserve/sklearnserver:latest" uses the :latest tag, which moves with every push; pin it by digest: kserve/sklearnserver@sha256:<64 hex>.']);
    const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "eval" }] } } } } } };
    assert.deepEqual(check(cron), ['spec.jobTemplate.spec.template.spec.containers[0].image "eval" has no tag or digest, so it pulls whatever :latest is at the time; pin it by digest: eval@sha256:<64 hex>.']);
  });

  it("checks the stable and candidate images of a ModelDeployment declaration, which GitOps delivery keeps from the engine", () => {
    const pinned = `vllm/vllm-openai:v0.28.0@sha256:${DIGEST}`;
    const md = (candidateImage: string) => ({
      urn: "urn:md",
      type: MODEL_DEPLOYMENT_TYPE,
      name: "llama",
      props: { declaration: { spec: { stable: { uri: "s3://m/k", image: pinned }, candidate: { uri: "s3://m/k2", image: candidateImage } } } },
    });
    assert.deepEqual(messages(POLICY, [md(pinned)]), []);
    assert.deepEqual(messages(POLICY, [md("vllm/vllm-openai:v0.29.0")]), [
      'declaration.spec.candidate.image "vllm/vllm-openai:v0.29.0" uses the tag :v0.29.0 without a digest, and tags can be pushed again; pin it by digest: vllm/vllm-openai:v0.29.0@sha256:<64 hex>.',
    ]);
  });
});

describe("serving-image-digest: images that carry models", () => {
  const isvc = fixture("inference-service.yaml");
  const pinnedPod = pod(`vllm/vllm-openai@sha256:${DIGEST}`);

  it("refuses an image volume mounted by tag, and accepts it by digest", () => {
    const withVolume = (reference: string) => withField(pinnedPod, "spec.volumes", [{ name: "weights", image: { reference, pullPolicy: "IfNotPresent" } }]);
    assert.deepEqual(check(withVolume("ghcr.io/acme/llama-weights:v3")), ['spec.volumes[0].image.reference "ghcr.io/acme/llama-weights:v3" uses the tag :v3 without a digest, and tags can be pushed again; pin it by digest: ghcr.io/acme/llama-weights:v3@sha256:<64 hex>.']);
    assert.deepEqual(check(withVolume(`ghcr.io/acme/llama-weights@sha256:${DIGEST}`)), []);
  });

  it("refuses a workerSpec container image by tag", () => {
    assert.deepEqual(check(withField(isvc, "spec.predictor.workerSpec", { containers: [{ name: "worker", image: "vllm/vllm-openai:v0.8.5" }] })), [
      'spec.predictor.workerSpec.containers[0].image "vllm/vllm-openai:v0.8.5" uses the tag :v0.8.5 without a digest, and tags can be pushed again; pin it by digest: vllm/vllm-openai:v0.8.5@sha256:<64 hex>.',
    ]);
  });
});
