import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { readManifests } from "../../lib/manifests/read";
import { toPolicyResource } from "../../lib/manifests/resources";
import { evaluatePolicies } from "../../plan/policy/evaluate";

const CORPUS = resolve(__dirname, "../../../shared/corpus");
const skip = existsSync(CORPUS) ? false : "../shared/corpus not found; corpus checks skipped";

describe("policy pack over the shared corpus", () => {
  for (const dir of ["kserve-v0.20.0-samples", "argo-rollouts-v1.9.1-examples"]) {
    it(`gives every document in ${dir} a verdict without crashing`, { skip }, () => {
      const set = readManifests([join(CORPUS, dir)]);
      assert.ok(set.objects.length > 20, `only ${set.objects.length} objects read`);
      const violations = evaluatePolicies(set.objects.map(toPolicyResource));
      assert.ok(violations.every((v) => v.message.length > 0 && !v.message.startsWith("can't run")));
      for (const f of set.failures) assert.ok(f.line >= 1 && f.reason.length > 0);
    });
  }

  it("judges KServe v0.20.0's LLMInferenceService samples: every model URI, presets' and schedulers' images", { skip }, () => {
    const set = readManifests([join(CORPUS, "kserve-v0.20.0-samples/llmisvc")]);
    const llm = set.objects.map((o) => o.object).filter((o) => /^LLMInferenceService(Config)?$/.test(String(o.kind)));
    assert.ok(llm.length >= 20, `only ${llm.length} LLMInferenceService objects read`);
    const violations = evaluatePolicies(set.objects.map(toPolicyResource));
    const said = (policy: string, name: string, start: string) =>
      violations.some((v) => v.policy === policy && v.name.endsWith(name) && v.message.startsWith(start));
    // None of the samples pins its model (hf:// without a revision, pvc://): each must be refused.
    for (const o of llm) {
      const uri = (o.spec as { model?: { uri?: unknown } } | undefined)?.model?.uri;
      const name = String((o.metadata as { name: string }).name);
      if (typeof uri === "string") assert.ok(said("model-artifact-immutable", name, `spec.model.uri ${JSON.stringify(uri)} is not pinned`), `${name}: ${uri} passed`);
    }
    // The llm-d scheduler's image in a preset, and the vLLM image of a prefill template.
    assert.ok(said("serving-image-digest", "llmisvc-intelligent-inference-scheduling", 'spec.router.scheduler.template.containers[0].image "ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0" uses the tag :v0.9.0'));
    assert.ok(said("serving-image-digest", "facebook-opt-125m-pd", 'spec.prefill.template.containers[0].image "public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.19.0"'));
    // No sample splits traffic (no route.group), so none is judged as a canary.
    assert.deepEqual(violations.filter((v) => v.policy === "model-canary-required"), []);
  });

  it("fails serving-image-digest for every resource Kyverno's disallow-latest-tag test expects to fail", { skip }, () => {
    const dir = join(CORPUS, "kyverno-disallow-latest-tag");
    const test = parse(readFileSync(join(dir, "kyverno-test.yaml"), "utf8")) as { results: { kind: string; resources: string[]; result: string }[] };
    const expected = new Set(test.results.filter((r) => r.result === "fail").flatMap((r) => r.resources.map((name) => `${r.kind}/${name}`)));
    assert.ok(expected.size >= 5);
    const set = readManifests([join(dir, "resource.yaml")]);
    const resources = set.objects.map(toPolicyResource);
    const failing = new Set(
      evaluatePolicies(resources)
        .filter((v) => v.policy === "serving-image-digest" && v.level === "mandatory")
        .map((v) => `${v.type.split(":").pop()}/${v.name}`),
    );
    for (const key of expected) assert.ok(failing.has(key), `${key} is expected to fail but passes serving-image-digest`);
  });
});
