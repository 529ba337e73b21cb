/**
 * `ml-gitops check` leaves no place to hide: templated values are unknown but the rest of the
 * document is judged, and ModelDeployment declarations go through plan's loader and the pack.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../support/cli";
import { PROJECT_ROOT } from "../support/project-copy";

const DIGEST = "a".repeat(64);
const CONFIG = join(PROJECT_ROOT, "policies/config.json");

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "check-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function check(files: Record<string, string>, ...flags: string[]) {
  const dir = tempDir(files);
  const { code, stdout, stderr } = await cli(["check", "--json", ...flags, dir]);
  assert.notEqual(code, 2, stderr);
  const report = JSON.parse(stdout) as { violations: { line: number; policy: string; level: string; message: string }[]; failures: { line: number; reason: string }[] };
  return { code, dir, report, messages: report.violations.map((v) => `${v.policy} [${v.level}]: ${v.message}`) };
}

const pod = (image: string, args: string) => `# {{ a comment with a template is not a template }}
apiVersion: v1
kind: Pod
metadata:
  name: server
spec:
  containers:
    - name: kserve-container
      image: ${image}
      args:
${args}
`;

describe("check with templated values", () => {
  const pinned = `kserve/huggingfaceserver@sha256:${DIGEST}`;

  it("judges a pinned pod with KServe placeholders as clean", async () => {
    const r = await check({ "pod.yaml": pod(pinned, "        - --model_name={{.Name}}\n        - --model_dir=/mnt/models") });
    assert.deepEqual(r.messages, []);
    assert.deepEqual(r.report.failures, []);
    assert.equal(r.code, 0);
  });

  it("still refuses a :latest image in a document that holds a template", async () => {
    const r = await check({ "pod.yaml": pod("kserve/huggingfaceserver:latest", "        - --model_name={{.Name}}") });
    assert.deepEqual(r.messages, [
      'serving-image-digest [mandatory]: spec.containers[0].image "kserve/huggingfaceserver:latest" uses the :latest tag, which moves with every push; pin it by digest: kserve/huggingfaceserver@sha256:<64 hex>.',
    ]);
    assert.equal(r.code, 1);
  });

  it("treats a templated image as unknown, not as a violation", async () => {
    const r = await check({ "pod.yaml": pod('"kserve/huggingfaceserver:{{ .Values.tag }}"', "        - --model_name=x") });
    assert.deepEqual(r.messages, []);
    assert.equal(r.code, 0);
  });

  it("treats a templated model URI as unknown and judges the other one", async () => {
    const isvc = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: m
  annotations: { serving.kserve.io/deploymentMode: Standard }
spec:
  predictor:
    model:
      modelFormat: { name: sklearn }
      storageUri: "{{ .Values.uri }}"
  transformer:
    containers:
      - name: t
        image: repo/t@sha256:${DIGEST}
        env:
          - { name: STORAGE_URI, value: "s3://acme-ml-models-us-east-1/t/latest/" }
`;
    const r = await check({ "isvc.yaml": isvc });
    assert.deepEqual(r.messages, [
      `model-artifact-immutable [mandatory]: spec.transformer.containers[0].env[0].value "s3://acme-ml-models-us-east-1/t/latest/" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://acme-ml-models-us-east-1/t/sha256-<64 hex>/ in an Object Lock bucket.`,
    ]);
  });

  it("fails on an unquoted template, which Kubernetes cannot read either", async () => {
    const r = await check({ "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n" });
    assert.equal(r.code, 1);
    assert.deepEqual(r.report.failures.map((f) => [f.line, f.reason]), [[4, "has a mapping as a key (an unquoted {{ template }}?), which Kubernetes' YAML decoder refuses; render the template first, or quote the value"]]);
  });
});

describe("check with ModelDeployment declarations", () => {
  const valid = readFileSync(join(PROJECT_ROOT, "deployments/staging/fraud-detector.yaml"), "utf8");

  it("passes a declaration plan accepts", async () => {
    const r = await check({ "fraud-detector.yaml": valid }, "--policy-config", CONFIG);
    assert.deepEqual(r.messages, []);
    assert.deepEqual(r.report.failures, []);
    assert.equal(r.code, 0);
  });

  it("refuses a stable URI in a bucket outside allowedBuckets, as plan does", async () => {
    const r = await check({ "fraud-detector.yaml": valid.replaceAll("uri: s3://acme-ml-models-us-east-1/", "uri: s3://elsewhere/") }, "--policy-config", CONFIG);
    assert.equal(r.code, 1);
    assert.deepEqual(r.messages, [
      'model-artifact-immutable [mandatory]: declaration.spec.stable.uri "s3://elsewhere/models/fraud-detector/sha256-9b3b42b93b7e14ea7df37d5335005079ff5f2a5d50136164d7285a005ffb7c1d/" is not pinned: is in bucket "elsewhere", which is not in allowedBuckets (acme-ml-models-us-east-1, acme-ml-models-eu-west-1, acme-ml-models-us-west-2); publish the model to one of acme-ml-models-us-east-1, acme-ml-models-eu-west-1, acme-ml-models-us-west-2.',
    ]);
  });

  it("fails a declaration the loader refuses, with the loader's words", async () => {
    const r = await check({ "fraud-detector.yaml": valid.replace("      - setWeight: 5\n", "      - setWeight: 50\n") }, "--policy-config", CONFIG);
    assert.equal(r.code, 1);
    assert.deepEqual(r.report.failures.map((f) => f.reason), [
      "is refused by the ModelDeployment loader: spec.rollout.steps[0].setWeight: the first weight 50 is above maxInitialWeight 25 (got 50). Start at 25 or less.",
      "is refused by the ModelDeployment loader: spec.rollout.steps[3].setWeight: weight 25 is lower than the previous weight 50 (got 25). Weights must not decrease.",
    ]);
  });
});
