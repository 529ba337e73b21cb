import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseManifests } from "../../lib/manifests/read";
import { gitopsObjectsOf, planStacks, type StackPlan } from "../../plan/plan";
import { PROJECT_ROOT } from "../support/project-copy";

// The plan checks the GitOps files' objects without parsing the YAML it just wrote; what the
// policy pack sees must be what `ml-gitops check` reads from those files.
describe("GitOps objects in the plan", () => {
  let plans: StackPlan[];
  before(async () => {
    plans = await planStacks({ root: PROJECT_ROOT });
  });

  it("are the objects, files and lines that parsing the rendered files gives", () => {
    for (const plan of plans) {
      // GIVEN the files every ModelDeployment of the stack rendered
      const parsed = plan.gitopsFiles.flatMap((f) => parseManifests(f.content, f.path).objects);
      // WHEN the plan takes the rendered objects instead
      const taken = gitopsObjectsOf(plan.gitops);
      // THEN they are the same, templated values ({{ }}) unknown to both
      assert.deepEqual(taken, parsed, plan.stack);
    }
    assert.ok(plans.some((p) => p.gitopsFiles.length > 0), "no sample stack renders GitOps files");
  });
});
