import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { buildModelAppProject } from "../../lib/render/argocd";
import { renderModel } from "../../lib/render/model-manifests";
import { CONTEXT, DATASET_URI, FILE, TRAINER_IMAGE, URI_V2, VALID_TRAINING } from "../deployments/fixture";
import { messages, resourceOf, violations, withField } from "./helpers";

const POLICY = "training-job-pinned";
const CTX = { kserveMode: "Standard" as const, storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
const loaded = loadDeploymentFile(FILE, VALID_TRAINING, CONTEXT);
const job = renderModel(loaded, CTX).find((o) => o.kind === "Job") as unknown as Record<string, unknown>;
const declaration = JSON.parse(JSON.stringify(loaded.declaration)) as Record<string, unknown>;
const md = (d: Record<string, unknown>): PolicyResource => ({ urn: "urn:md", type: MODEL_DEPLOYMENT_TYPE, name: "llama", props: { declaration: d } });
const onJob = (o: Record<string, unknown>) => messages(POLICY, [resourceOf(o)]);
const onDeclaration = (d: Record<string, unknown>) => messages(POLICY, [md(d)]);
const ann = (key: string) => `metadata.annotations["${key}"]`;
const MUTABLE = "s3://datasets/support/latest/";

describe("training-job-pinned", () => {
  it("accepts the rendered Job and its declaration: pinned image, immutable dataset and output, output = candidate", () => {
    assert.deepEqual(onJob(job), []);
    assert.deepEqual(onDeclaration(declaration), []);
  });

  it("refuses, as mandatory, a declared trainer image without a digest", () => {
    const d = withField(declaration, "spec.training.image", "registry.example.com/acme/trainer:1.0");
    assert.deepEqual(violations(POLICY, [md(d)]).map((v) => [v.level, v.message]), [
      ["mandatory", 'declaration.spec.training.image "registry.example.com/acme/trainer:1.0" uses the tag :1.0 without a digest, and tags can be pushed again; pin it by digest: registry.example.com/acme/trainer:1.0@sha256:<64 hex>.'],
    ]);
  });

  it("refuses a declared dataset that can change under its URI", () => {
    assert.deepEqual(onDeclaration(withField(declaration, "spec.training.datasetUri", MUTABLE)), [
      `declaration.spec.training.datasetUri "${MUTABLE}" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://datasets/support/sha256-<64 hex>/ in an Object Lock bucket (a dataset that can change makes the run unrepeatable).`,
    ]);
  });

  it("refuses a declared output that is not the candidate's artifact", () => {
    const other = `s3://models/llama/sha256-${"6".repeat(64)}/`;
    assert.deepEqual(onDeclaration(withField(declaration, "spec.training.outputUri", other)), [
      `declaration.spec.training.outputUri "${other}" is not the candidate's artifact (declaration.spec.candidate.uri "${URI_V2}"): the Job would train one artifact and the canary serve another; set it to "${URI_V2}".`,
    ]);
  });

  it("refuses a mutable output with both messages: not pinned, and not the candidate", () => {
    const got = onDeclaration(withField(declaration, "spec.training.outputUri", "pvc://models/llama"));
    assert.equal(got.length, 2);
    assert.match(got[0]!, /^declaration\.spec\.training\.outputUri "pvc:\/\/models\/llama" is not pinned: uses pvc, whose content can change under the same URI;/);
    assert.match(got[1]!, /is not the candidate's artifact/);
  });

  it("says nothing of a training block without a candidate beyond its pins", () => {
    assert.deepEqual(onDeclaration(withField(declaration, "spec.candidate", undefined)), []);
  });

  it("refuses a rendered Job whose recorded dataset, output or candidate changed, one field at a time", () => {
    assert.deepEqual(onJob(withField(job, `metadata.annotations["ml-gitops.dev/training-dataset-uri"]`, MUTABLE)), [
      `${ann("ml-gitops.dev/training-dataset-uri")} "${MUTABLE}" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://datasets/support/sha256-<64 hex>/ in an Object Lock bucket (a dataset that can change makes the run unrepeatable).`,
    ]);
    const other = `s3://models/llama/sha256-${"7".repeat(64)}/`;
    assert.deepEqual(onJob(withField(job, `metadata.annotations["ml-gitops.dev/candidate-uri"]`, other)), [
      `${ann("ml-gitops.dev/training-output-uri")} "${URI_V2}" is not the candidate's artifact (${ann("ml-gitops.dev/candidate-uri")} "${other}"): the Job would train one artifact and the canary serve another; set it to "${other}".`,
    ]);
  });

  it("refuses a hand-written training Job that records nothing", () => {
    assert.deepEqual(onJob(withField(job, "metadata.annotations", {})), [
      `a training Job (label ml-gitops.dev/training-of) must record ${ann("ml-gitops.dev/training-dataset-uri")}, ${ann("ml-gitops.dev/training-output-uri")}, ${ann("ml-gitops.dev/candidate-uri")}; render it from a declaration's spec.training with ml-gitops instead of writing it by hand.`,
    ]);
  });

  it("leaves Jobs that are not training runs alone; their images are serving-image-digest's", () => {
    const plain = withField(withField(job, `metadata.labels["ml-gitops.dev/training-of"]`, undefined), "metadata.annotations", {});
    assert.deepEqual(onJob(plain), []);
    const tagged = withField(job, "spec.template.spec.containers[0].image", "registry.example.com/acme/trainer:1.0");
    assert.deepEqual(onJob(tagged), []);
    assert.deepEqual(messages("serving-image-digest", [resourceOf(tagged)]), [
      'spec.template.spec.containers[0].image "registry.example.com/acme/trainer:1.0" uses the tag :1.0 without a digest, and tags can be pushed again; pin it by digest: registry.example.com/acme/trainer:1.0@sha256:<64 hex>.',
    ]);
  });

  it("the rendered Job records what the declaration says", () => {
    const a = (job.metadata as { annotations: Record<string, string> }).annotations;
    assert.equal(a["ml-gitops.dev/training-dataset-uri"], DATASET_URI);
    assert.equal(a["ml-gitops.dev/training-output-uri"], URI_V2);
    assert.equal(((job.spec as any).template.spec.containers[0] as { image: string }).image, TRAINER_IMAGE);
  });
});

describe("training Jobs and the Argo CD project", () => {
  it("the model AppProject admits batch/Job, so a PreSync training hook is not refused", () => {
    const project = buildModelAppProject({ name: "model-serving", argocdNamespace: "argocd", repoUrl: "https://github.com/acme/gitops.git", modelNamespaces: ["models"], localModelCaches: false });
    assert.ok(project.spec.namespaceResourceWhitelist.some((gk) => gk.group === "batch" && gk.kind === "Job"));
  });
});
