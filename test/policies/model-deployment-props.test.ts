/**
 * A ModelDeployment registers its declaration as one JSON text (components/model-deployment.ts);
 * `check` and hand-written fixtures give it as an object. Every rule that reads the declaration
 * reads it through declarationOf, so both forms get the same verdicts, word for word.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { declarationInput, declarationOf } from "../../lib/predicates/model-deployment-props";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { CONTEXT, FILE, IMAGE, URI_V1, VALID_TRAINING } from "../deployments/fixture";
import { evaluatePolicies } from "../../plan/policy/evaluate";
import { UNKNOWN_STRING, withField } from "./helpers";

const md = (declaration: unknown): PolicyResource => ({ urn: "urn:md", type: MODEL_DEPLOYMENT_TYPE, name: "llama", props: { declaration, file: FILE, environment: "production" } });
const verdicts = (declaration: unknown) => evaluatePolicies([md(declaration)]).map((v) => `${v.policy}: ${v.message}`).sort();

describe("the declaration a ModelDeployment registers", () => {
  const valid = JSON.parse(JSON.stringify(loadDeploymentFile(FILE, VALID_TRAINING, CONTEXT).declaration)) as Record<string, unknown>;
  // One declaration that every rule reading it refuses: an unpinned stable artifact and image,
  // a canary that jumps to 100%, a stable that is not a release, a fine-tune reading a mutable dataset.
  let broken = withField(valid, "spec.stable.uri", "s3://models/llama/latest/");
  broken = withField(broken, "spec.stable.image", IMAGE.replace(/@sha256:.*/, ""));
  broken = withField(broken, "spec.rollout.steps", [{ setWeight: 100 }]);
  broken = withField(broken, "spec.releases", [{ version: "v0", uri: URI_V1, image: IMAGE, promotedAt: "2025-01-01T00:00:00Z" }]);
  broken = withField(broken, "spec.training.datasetUri", "s3://datasets/support/latest/");

  it("gets the same verdicts from every rule as JSON text and as an object", () => {
    const fromObject = verdicts(broken);
    const policies = new Set(fromObject.map((v) => v.split(":")[0]));
    assert.deepEqual([...policies].sort(), ["model-artifact-immutable", "model-canary-required", "serving-image-digest", "stable-requires-canary", "training-job-pinned"]);
    assert.deepEqual(verdicts(declarationInput(broken)), fromObject);
    assert.deepEqual(verdicts(declarationInput(valid)), verdicts(valid));
  });

  it("reads back exactly the declaration written, and nothing from text that is not a declaration", () => {
    assert.deepEqual(declarationOf({ declaration: declarationInput(valid) }), valid);
    for (const text of ["not json", "[1, 2]", "null", '"a string"']) assert.deepEqual(declarationOf({ declaration: text }), {}, text);
    assert.deepEqual(verdicts("not json"), []);
  });

  it("says nothing while the declaration is unknown (preview)", () => {
    assert.deepEqual(verdicts(UNKNOWN_STRING), []);
  });
});
