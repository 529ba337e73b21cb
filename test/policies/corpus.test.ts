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
