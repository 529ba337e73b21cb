/**
 * plan.json carries what the policy pack needs to reach the plan's own verdicts from the file
 * alone: property dependencies (a node group → its launch template), component outputs (a
 * ModelDeployment's rendered objects, which argocd-project-admits reads) and the resources the
 * program reads (the artifact store's StackReference).
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluatePolicies, loadPackConfig, type PackConfig } from "../../plan/policy/evaluate";
import type { RecordedResource } from "../../plan/capture";
import { planStacks, toPolicyResource, type StackPlan } from "../../plan/plan";
import { writePlan } from "../../plan/report";
import { PROJECT_ROOT } from "../support/project-copy";

type DocResource = Omit<RecordedResource, "propertyDependencies" | "secretPaths"> & { propertyDependencies?: Record<string, string[]> };

function recheck(resources: readonly DocResource[], config: PackConfig): string[] {
  const recorded = resources.map((r) => ({ ...r, propertyDependencies: r.propertyDependencies ?? {}, secretPaths: [] }) as RecordedResource);
  return evaluatePolicies(recorded.map(toPolicyResource), config).map((v) => `${v.policy} ${v.urn}: ${v.message}`).sort();
}

describe("plan.json re-checked on its own", () => {
  let plan: StackPlan;
  let doc: { resources: DocResource[] };
  let config: PackConfig;
  before(async () => {
    config = loadPackConfig(join(PROJECT_ROOT, "policies/config.json"));
    const plans = await planStacks({ root: PROJECT_ROOT, stacks: ["prod-eu-west-1"] });
    plan = plans.find((p) => p.stack === "prod-eu-west-1")!;
    // One field changed so that there is a verdict to reproduce: the project no longer admits caches.
    const project = plan.resources.find((r) => r.type === "kubernetes:argoproj.io/v1alpha1:AppProject")!;
    const spec = project.props.spec as { clusterResourceWhitelist: { kind: string }[] };
    spec.clusterResourceWhitelist = spec.clusterResourceWhitelist.filter((e) => e.kind !== "LocalModelCache");
    const dir = mkdtempSync(join(tmpdir(), "plan-json-"));
    writePlan(dir, plans);
    doc = JSON.parse(readFileSync(join(dir, "prod-eu-west-1", "plan.json"), "utf8")) as { resources: DocResource[] };
  });

  it("records the StackReference it reads, with the ID it was read by", () => {
    const refs = doc.resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
    assert.deepEqual(refs.map((r) => [r.read, r.props]), [[{ id: "acme/ml-gitops/artifacts" }, { name: "acme/ml-gitops/artifacts" }]]);
    assert.ok(refs[0]!.outputs && "outputs" in refs[0]!.outputs);
  });

  it("records each node group's dependency on its launch template", () => {
    const groups = doc.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
    const templates = new Set(doc.resources.filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate").map((r) => r.urn));
    assert.equal(groups.length, 2);
    for (const g of groups) assert.ok((g.propertyDependencies?.launchTemplate ?? []).some((u) => templates.has(u)), g.urn);
  });

  it("gives the plan's own verdicts", () => {
    const planVerdicts = evaluatePolicies(plan.resources.map(toPolicyResource), config).map((v) => `${v.policy} ${v.urn}: ${v.message}`).sort();
    assert.equal(planVerdicts.length, 1);
    assert.match(planVerdicts[0]!, /^argocd-project-admits .*serving\.kserve\.io\/LocalModelCache/);
    assert.deepEqual(recheck(doc.resources, config), planVerdicts);
  });

  it("would not without them: no outputs hides the rendered objects, no property dependencies loses the launch templates", () => {
    const noOutputs = recheck(doc.resources.map(({ outputs: _o, ...r }) => r), config);
    assert.equal(noOutputs.some((v) => v.startsWith("argocd-project-admits")), false);
    const noDependencies = recheck(doc.resources.map(({ propertyDependencies: _p, ...r }) => r), config);
    assert.ok(noDependencies.some((v) => v.startsWith("gpu-node-group-hardened")), noDependencies.join("\n"));
  });
});

describe("Argo CD's first sync", () => {
  it("waits for the CRDs of every kind it syncs: KServe, Argo Rollouts and Gateway API are installed first", async () => {
    const plans = await planStacks({ root: PROJECT_ROOT, stacks: ["prod-us-east-1"] });
    const plan = plans.find((p) => p.stack === "prod-us-east-1")!;
    const app = plan.resources.find((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Application")!;
    // A dependency on a component reaches the engine as its custom children.
    const childrenOf = (type: string) => {
      const parent = plan.resources.find((r) => r.type === type)!.urn;
      return plan.resources.filter((r) => r.parent === parent && r.custom).map((r) => r.urn);
    };
    for (const type of ["ml-gitops:serving:KServe", "ml-gitops:serving:ArgoRollouts", "ml-gitops:serving:GatewayApi"]) {
      const children = childrenOf(type);
      assert.ok(children.length > 0 && children.every((u) => app.options.dependsOn?.includes(u)), `${type}: ${children.join(", ")}`);
    }
  });
});
