/**
 * The plan summary's traffic diagram follows the cluster's KServe mode (the stack's
 * `kserveDeploymentMode`): on a Knative cluster a KServe canary is moved by Knative's
 * canaryTrafficPercent, not by an HTTPRoute.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { planStacks } from "../../plan/plan";
import { summaryMarkdown } from "../../plan/report";
import { copyProject } from "../support/project-copy";

const STACK = "staging-us-west-2";
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function planned(mode: "Standard" | "Knative") {
  const root = copyProject();
  dirs.push(root);
  const file = path.join(root, "stacks", `Pulumi.${STACK}.yaml`);
  const knative = "  ml-gitops:kserveDeploymentMode: Knative\n  ml-gitops:knativeNetworkingLayer: kourier\n";
  if (mode === "Knative") writeFileSync(file, readFileSync(file, "utf8").replace("  ml-gitops:kserveDeploymentMode: Standard\n", knative));
  const plans = await planStacks({ root, stacks: [STACK] });
  const plan = plans.find((p) => p.stack === STACK);
  assert.ok(plan);
  return { plan, summary: summaryMarkdown(plans) };
}

describe("the plan's KServe mode", () => {
  it("is the stack's kserveDeploymentMode, and the summary draws the Knative route on a Knative cluster", async () => {
    const standard = await planned("Standard");
    const knative = await planned("Knative");
    const kserveModels = (p: typeof standard.plan) => p.models.filter((m) => m.declaration.spec.serving.engine === "kserve" && m.declaration.spec.serving.mode === undefined);
    assert.ok(kserveModels(standard.plan).length > 0, "the staging sample serves a KServe model in the cluster's mode");
    assert.deepEqual([...new Set(kserveModels(standard.plan).map((m) => m.kserveMode))], ["Standard"]);
    assert.deepEqual([...new Set(kserveModels(knative.plan).map((m) => m.kserveMode))], ["Knative"]);
    assert.doesNotMatch(standard.summary, /Knative route/);
    assert.match(knative.summary, /traffic: Knative route: canaryTrafficPercent → latest revision/);
  });
});
