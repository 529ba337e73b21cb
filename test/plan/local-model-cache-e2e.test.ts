/**
 * The local model cache end to end on the sample stack that renders one (prod-eu-west-1: mistral
 * cached on the AL2023 A10G pool), against KServe v0.20.0's behaviour:
 * - the agent DaemonSet's nodeSelector always holds `kserve/localmodel: worker` (the chart deep-
 *   merges its base manifest), so a node group of a cached GPU model must carry every selector
 *   label, and tolerate nothing the agent does not;
 * - download Jobs run in `kserve-localmodel-jobs` as its `default` ServiceAccount, and get
 *   credentials only when the cache names a ServiceAccount (localmodelnode/controller.go);
 * - S3 through IRSA needs that ServiceAccount trusted by the serving role; gated hf:// needs an
 *   HF_TOKEN Secret on it (and on the predictors' storage ServiceAccount).
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { planStacks, type StackPlan } from "../../plan/plan";
import type { RecordedResource } from "../../plan/capture";
import { PROJECT_ROOT } from "../support/project-copy";

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("local model cache on prod-eu-west-1", () => {
  let plan: StackPlan;
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const meta = (r: RecordedResource) => r.props.metadata as { name: string; namespace?: string; annotations?: Record<string, string> };
  before(async () => {
    plan = (await planStacks({ root: PROJECT_ROOT, stacks: ["prod-eu-west-1"] })).find((p) => p.stack === "prod-eu-west-1")!;
  });

  it("renders a cache, naming the download jobs' ServiceAccount", () => {
    const caches = plan.gitops.filter((g) => g.object.kind === "LocalModelCache");
    assert.ok(caches.length > 0);
    for (const c of caches) assert.equal((c.object as unknown as { spec: { serviceAccountName: string } }).spec.serviceAccountName, "default");
  });

  it("has an agent that schedules: a node group of a cached GPU model carries every label the agent selects on", () => {
    const release = plan.resources.find((r) => r.type === RELEASE && r.props.chart === "oci://ghcr.io/kserve/charts/kserve-localmodel-resources")!;
    const agent = (release.props.values as { kserve: { localmodelnode: { controller: { nodeSelector: Record<string, string>; affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: { matchExpressions: { key: string; values: string[] }[] }[] } } } } } } }).kserve.localmodelnode.controller;
    assert.equal(agent.nodeSelector["kserve/localmodel"], "worker", "the chart's base selector is part of what the agent needs");
    const models = agent.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]!.matchExpressions[0]!;
    const schedulable = ofType("aws:eks/nodeGroup:NodeGroup").filter((g) => {
      const labels = g.props.labels as Record<string, string>;
      return models.values.includes(labels[models.key]!) && Object.entries(agent.nodeSelector).every(([k, v]) => labels[k] === v);
    });
    assert.equal(schedulable.length, 1, "the A10G pool");
    // Pools without a cache do not carry the label (no idle agent there).
    const labelled = ofType("aws:eks/nodeGroup:NodeGroup").filter((g) => (g.props.labels as Record<string, string>)["kserve/localmodel"] === "worker");
    assert.deepEqual(labelled.map((g) => g.urn), schedulable.map((g) => g.urn));
  });

  it("creates the jobs' namespace, and gives its default ServiceAccount the serving role, S3 settings and the HF token", () => {
    assert.ok(ofType("kubernetes:core/v1:Namespace").some((n) => meta(n).name === "kserve-localmodel-jobs"));
    const [sa] = ofType("kubernetes:core/v1:ServiceAccountPatch");
    assert.deepEqual([meta(sa!).namespace, meta(sa!).name], ["kserve-localmodel-jobs", "default"]);
    const storage = ofType("kubernetes:core/v1:ServiceAccount").find((s) => meta(s).name === "kserve-storage")!;
    assert.deepEqual(meta(sa!).annotations, meta(storage).annotations);
    assert.deepEqual(sa!.props.secrets, [{ name: "hf-token" }]);
    assert.deepEqual(storage.props.secrets, [{ name: "hf-token" }]);
    const tokens = ofType("kubernetes:core/v1:Secret").filter((s) => meta(s).name === "hf-token");
    assert.deepEqual(tokens.map((s) => meta(s).namespace).sort(), ["kserve-localmodel-jobs", "models"]);
    for (const t of tokens) assert.ok(t.secretPaths.some((p) => p === "stringData" || p === "stringData.HF_TOKEN"), "the token stays a Pulumi secret");
  });

  it("lets the jobs' default ServiceAccount assume the serving role (IRSA)", () => {
    const role = ofType("aws:iam/role:Role").find((r) => String(r.props.assumeRolePolicy).includes("AssumeRoleWithWebIdentity"))!;
    const policy = JSON.parse(String(role.props.assumeRolePolicy)) as { Statement: { Condition: { StringEquals: Record<string, string | string[]> } }[] };
    const sub = Object.entries(policy.Statement[0]!.Condition.StringEquals).find(([k]) => k.endsWith(":sub"))![1];
    assert.deepEqual(sub, ["system:serviceaccount:models:kserve-storage", "system:serviceaccount:kserve-localmodel-jobs:default"]);
  });
});
