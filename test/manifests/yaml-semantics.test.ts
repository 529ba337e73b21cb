/**
 * Manifests read as kustomize reads them (and so Argo CD and Flux, which render through it):
 * every case is parsed by lib/manifests/read.ts and by `kubectl kustomize`, and the objects must
 * be equal. Needs kubectl (with its embedded kustomize); skipped with a message without it.
 * Then the verdicts that depend on those semantics: what kustomize would apply is what is judged.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { parseManifests } from "../../lib/manifests/read";
import { toPolicyResource } from "../../lib/manifests/resources";
import { evaluatePolicies } from "../../plan/policy/evaluate";

const KUBECTL = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
const skip = KUBECTL ? false : "kubectl not found: YAML semantics not compared with kubectl kustomize";

function kustomize(text: string): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), "kustomize-"));
  writeFileSync(join(dir, "kustomization.yaml"), "resources: [r.yaml]\n");
  writeFileSync(join(dir, "r.yaml"), text);
  const r = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as unknown);
}

const ours = (text: string) => {
  const { objects, failures } = parseManifests(text, "r.yaml");
  assert.deepEqual(failures, []);
  return objects.map((o) => o.object);
};

const DIGEST = "a".repeat(64);
const CASES: Record<string, string> = {
  "merge keys carrying storageUri and image": `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: merged
  annotations: &ann {serving.kserve.io/deploymentMode: Standard}
spec:
  predictor:
    model:
      <<: {storageUri: "s3://models/llama/latest/", image: "vllm/vllm-openai:latest"}
      modelFormat: {name: sklearn}
  transformer:
    containers:
      - &base {name: t, image: "acme/t@sha256:${DIGEST}"}
      - <<: *base
        name: t2
`,
  "YAML 1.1 and 1.2 scalars": `apiVersion: v1
kind: ConfigMap
metadata: {name: scalars}
scalars: {octal: 02000, octal12: 0o17, hex: 0x1F, underscored: 1_000, yes: yes, on: on, sexagesimal: 1:20, exp: 12e3, nothing: ~, quoted: "010"}
`,
  "!!binary": `apiVersion: v1
kind: Pod
metadata: {name: binary}
spec:
  containers:
    - name: c
      image: !!binary dmxsbS92bGxtLW9wZW5haTpsYXRlc3Q=
`,
  "typed and nested lists": `apiVersion: serving.kserve.io/v1beta1
kind: InferenceServiceList
items:
  - apiVersion: serving.kserve.io/v1beta1
    kind: InferenceService
    metadata: {name: in-typed-list}
    spec: {predictor: {model: {modelFormat: {name: sklearn}, storageUri: "s3://models/a/latest/"}}}
  - apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Pod
        metadata: {name: in-nested-list}
        spec: {containers: [{name: c, image: nginx}]}
`,
};

describe("manifests read as kubectl kustomize reads them", () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`reads ${name} as kustomize does`, { skip }, () => {
      const sortByName = (xs: unknown[]) => [...xs].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
      assert.deepEqual(sortByName(ours(text)), sortByName(kustomize(text)));
    });
  }
});

describe("verdicts on what kustomize would apply", () => {
  // The mandatory verdicts: what decides whether a model may ship (advisory hygiene is judged elsewhere).
  const verdicts = (text: string) =>
    evaluatePolicies(parseManifests(text, "r.yaml").objects.map(toPolicyResource))
      .filter((v) => v.level === "mandatory")
      .map((v) => `${v.name}: ${v.policy}: ${v.message}`);

  it("finds storageUri and image carried by a merge key", () => {
    assert.deepEqual(verdicts(CASES["merge keys carrying storageUri and image"]!), [
      'merged: model-artifact-immutable: spec.predictor.model.storageUri "s3://models/llama/latest/" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://models/llama/sha256-<64 hex>/ in an Object Lock bucket.',
      'merged: serving-image-digest: spec.predictor.model.image "vllm/vllm-openai:latest" uses the :latest tag, which moves with every push; pin it by digest: vllm/vllm-openai@sha256:<64 hex>.',
    ]);
  });

  it("decodes a !!binary image before judging it", () => {
    assert.deepEqual(verdicts(CASES["!!binary"]!), ['binary: serving-image-digest: spec.containers[0].image "vllm/vllm-openai:latest" uses the :latest tag, which moves with every push; pin it by digest: vllm/vllm-openai@sha256:<64 hex>.']);
  });

  it("judges the items of typed and nested lists", () => {
    assert.deepEqual(verdicts(CASES["typed and nested lists"]!), [
      'in-typed-list: model-artifact-immutable: spec.predictor.model.storageUri "s3://models/a/latest/" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://models/a/sha256-<64 hex>/ in an Object Lock bucket.',
      'in-nested-list: serving-image-digest: spec.containers[0].image "nginx" has no tag or digest, so it pulls whatever :latest is at the time; pin it by digest: nginx@sha256:<64 hex>.',
    ]);
  });

  it("reads 02000 as the octal 1024", () => {
    const [cm] = parseManifests(CASES["YAML 1.1 and 1.2 scalars"]!, "r.yaml").objects;
    assert.deepEqual(cm!.object.scalars, { octal: 1024, octal12: 15, hex: 31, underscored: 1000, yes: "yes", on: "on", sexagesimal: "1:20", exp: 12000, nothing: null, quoted: "010" });
  });
});
