import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { planAbort, planPromote } from "../../lib/promotion/transitions";
import { CLI_CONTEXT } from "../../lib/promotion/workflow";
import { applyEdits } from "../../lib/promotion/yaml-edit";

const FILE = "deployments/staging/qwen2-5-7b-instruct.yaml";
const NEXT = "hf://acme-ml/Qwen2.5-7B-Instruct-support-ft:0123456789abcdef0123456789abcdef01234567";

describe("promoting a model that trains its candidate", () => {
  it("points the training output at the new candidate, so the promoted declaration is valid", () => {
    // GIVEN the staging sample with its canary aborted (a training block, no candidate)
    const text = readFileSync(path.resolve(__dirname, "../..", FILE), "utf8");
    const aborted = applyEdits(text, planAbort(loadDeploymentFile(FILE, text, CLI_CONTEXT), "retrain").edits);
    const d = loadDeploymentFile(FILE, aborted, CLI_CONTEXT);
    assert.equal(d.declaration.spec.candidate, undefined);
    // WHEN the next fine-tune is promoted
    const change = planPromote(d, { version: "v2.5-ft-2", uri: NEXT, approvedBy: [], evaluation: { answer_accuracy: 0.8 } }, new Date("2026-11-30T12:00:00Z"));
    const promoted = applyEdits(aborted, change.edits);
    // THEN the training output is the candidate's URI and the file loads
    const after = loadDeploymentFile(FILE, promoted, CLI_CONTEXT).declaration;
    assert.equal(after.spec.candidate?.uri, NEXT);
    assert.equal(after.spec.training?.outputUri, NEXT);
  });
});
