/**
 * The offline plan judges an LLMInferenceService canary as the pack does: the rendered members
 * together (the routing group), with the candidate's disruption budget beside them.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { planStacks } from "../../plan/plan";
import { packConfigFile } from "../support/crossguard-runner";
import { copyProject } from "../support/project-copy";

const DECLARATION = "deployments/staging/qwen2-5-7b-instruct.yaml";
const PINNED = "hf://acme-ml/Qwen2.5-7B-Instruct-support-ft:5d3b1f0c8e2a47d9b6c1e0f3a7d8c9b2e4f6a1d3";
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("offline plan of an LLMInferenceService canary", () => {
  it("passes the sample, and refuses the candidate's LLMInferenceService when its model is not pinned", async () => {
    // GIVEN the staging sample, and a copy whose candidate (and the fine-tune writing it) names a branch
    const root = copyProject();
    dirs.push(root);
    const staging = async () => (await planStacks({ root, stacks: ["staging-us-west-2"], packConfig: packConfigFile() })).find((p) => p.stack === "staging-us-west-2");
    const sample = await staging();
    const file = path.join(root, DECLARATION);
    writeFileSync(file, readFileSync(file, "utf8").replaceAll(PINNED, "hf://acme-ml/Qwen2.5-7B-Instruct-support-ft"));
    // WHEN both are planned
    const mutated = await staging();
    // THEN the sample's group, weights and budget pass; the mutated candidate object is refused by name
    const llm = (v: { type: string }) => v.type.endsWith(":LLMInferenceService");
    assert.deepEqual(sample!.violations.filter(llm), []);
    assert.ok(sample!.gitops.some((o) => o.object.kind === "PodDisruptionBudget" && o.object.metadata.name === "qwen2-5-7b-instruct-v2-5-2025-06-canary"));
    assert.deepEqual(
      mutated!.violations.filter(llm).map((v) => [v.policy, v.level, v.name, v.message]),
      [[
        "model-artifact-immutable",
        "mandatory",
        "models/qwen2-5-7b-instruct-v2-5-2025-06",
        'spec.model.uri "hf://acme-ml/Qwen2.5-7B-Instruct-support-ft" is not pinned: has no revision, so it follows the default branch; pin the revision to a commit: hf://acme-ml/Qwen2.5-7B-Instruct-support-ft:<40 hex commit sha>.',
      ]],
    );
  });
});
