import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { parse } from "yaml";
import { mockRuntime, valueOf } from "../support/harness";
import { loadDeployments } from "../../lib/deployments/loader";
import type { LoadedDeployment } from "../../lib/deployments/types";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import type { RenderContext } from "../../lib/render/model-manifests";
import { declarationOf } from "../../lib/predicates/model-deployment-props";

const ROOT = path.resolve(__dirname, "../..");
const RENDER: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };

describe("ModelDeployment component", async () => {
  const h = await mockRuntime();
  const k8s = await import("@pulumi/kubernetes");
  const { ModelDeployment, uncachedReason } = await import("../../components/model-deployment");

  const byName = new Map<string, LoadedDeployment>(loadDeployments(ROOT, "production", { defaultKServeMode: "Standard" }).map((d) => [d.declaration.metadata.name, d]));
  const llama = byName.get("llama-3-70b-instruct")!;
  const mistral = byName.get("mistral-7b-instruct")!;

  // GIVEN a release the serving CRDs come from
  const rollouts = new k8s.helm.v3.Release("argo-rollouts", { chart: "argo-rollouts", version: "2.41.0" });
  // WHEN the same declaration is delivered directly and through GitOps
  const direct = new ModelDeployment("llama", { ...llama, render: RENDER, delivery: { mode: "direct" }, dependsOn: [rollouts] });
  const gitops = new ModelDeployment("llama-git", { ...llama, render: RENDER, delivery: { mode: "gitops", outputDir: "clusters/prod-use1" } });
  const kserve = new ModelDeployment("mistral", { ...mistral, render: RENDER, delivery: { mode: "direct" } });
  // AND the cached model on a cluster with node groups for none of its GPU models (its L4 pool is Bottlerocket)
  new ModelDeployment("mistral-uncached", { ...mistral, render: { ...RENDER, localModelNodeGroups: ["gpu-h100"] }, delivery: { mode: "direct" } });
  await h.settle();

  it("registers the declaration as the component's input, one JSON text the policy pack reads back", () => {
    const component = h.named(MODEL_DEPLOYMENT_TYPE, "llama");
    assert.equal(typeof component.props.declaration, "string");
    assert.deepEqual(declarationOf(component.props), JSON.parse(JSON.stringify(llama.declaration)));
    assert.equal(component.props.file, "deployments/production/llama-3-70b-instruct.yaml");
    assert.equal(component.props.environment, "production");
  });

  it("renders the same manifests whether delivered directly or through GitOps", async () => {
    assert.deepEqual(await valueOf(direct.manifests), await valueOf(gitops.manifests));
  });

  it("creates one child per object in direct delivery, named by kind and suffix, under the component", () => {
    const component = h.named(MODEL_DEPLOYMENT_TYPE, "llama");
    const children = h.resources.filter((r) => r.parent === component.urn);
    assert.deepEqual(children.map((r) => `${r.type} ${r.name}`).sort(), [
      "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate llama-analysistemplate-analysis-slo",
      "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate llama-analysistemplate-drift",
      "kubernetes:argoproj.io/v1alpha1:Rollout llama-rollout",
      "kubernetes:core/v1:Service llama-service-canary",
      "kubernetes:core/v1:Service llama-service-stable",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute llama-httproute",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute llama-httproute-ab",
      "kubernetes:monitoring.coreos.com/v1:PodMonitor llama-podmonitor",
    ]);
    for (const child of children) assert.deepEqual(child.options.dependsOn, [h.named("kubernetes:helm.sh/v3:Release", "argo-rollouts").urn], child.name);
  });

  it("leaves the weights of the route Argo Rollouts steers to the controller", () => {
    assert.deepEqual(h.named("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "llama-httproute").options.ignoreChanges, ["spec.rules"]);
    assert.deepEqual(h.named("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "llama-httproute-ab").options.ignoreChanges ?? [], []);
  });

  it("creates the objects exactly as rendered", async () => {
    const manifests = await valueOf(direct.manifests);
    const rollout = manifests.find((o) => o.kind === "Rollout")!;
    const child = h.named("kubernetes:argoproj.io/v1alpha1:Rollout", "llama-rollout");
    assert.deepEqual(child.props.spec, JSON.parse(JSON.stringify(rollout.spec)));
    assert.deepEqual(child.props.metadata, JSON.parse(JSON.stringify(rollout.metadata)));
  });

  it("creates nothing in GitOps delivery and exposes one YAML file per object", async () => {
    const component = h.named(MODEL_DEPLOYMENT_TYPE, "llama-git");
    assert.deepEqual(h.resources.filter((r) => r.parent === component.urn), []);
    const files = await valueOf(gitops.files);
    const manifests = await valueOf(gitops.manifests);
    assert.deepEqual(files.map((f) => f.path), manifests.map((o) => `clusters/prod-use1/models/llama-3-70b-instruct/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`));
    assert.deepEqual(files.map((f) => parse(f.content)), JSON.parse(JSON.stringify(manifests)));
    assert.match(files[0]!.content, /^# Rendered by ml-gitops from deployments\/production\/llama-3-70b-instruct.yaml; edit the declaration, not this file.\n/);
    assert.deepEqual(component.outputs?.paths, files.map((f) => f.path));
    // Registered as one JSON text, which the plan parses back (plan/plan.ts gitopsOf).
    assert.equal(typeof component.outputs?.manifests, "string");
    assert.deepEqual(JSON.parse(String(component.outputs?.manifests)), JSON.parse(JSON.stringify(manifests)));
  });

  it("names KServe children after their kind, the cache after its version", () => {
    const component = h.named(MODEL_DEPLOYMENT_TYPE, "mistral");
    assert.deepEqual(h.resources.filter((r) => r.parent === component.urn).map((r) => `${r.type} ${r.name}`).sort(), [
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute mistral-httproute",
      "kubernetes:monitoring.coreos.com/v1:PodMonitor mistral-podmonitor",
      "kubernetes:serving.kserve.io/v1alpha1:LocalModelCache mistral-localmodelcache-v0-3-2025-05",
      "kubernetes:serving.kserve.io/v1beta1:InferenceService mistral-inferenceservice",
    ]);
    void kserve;
  });

  it("serves a cached model without its cache where the cluster has none of its node groups, and says why", () => {
    const component = h.named(MODEL_DEPLOYMENT_TYPE, "mistral-uncached");
    assert.deepEqual(h.resources.filter((r) => r.parent === component.urn).map((r) => r.type).sort(), [
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
      "kubernetes:monitoring.coreos.com/v1:PodMonitor",
      "kubernetes:serving.kserve.io/v1beta1:InferenceService",
    ]);
    assert.equal(
      uncachedReason(mistral.declaration, { ...RENDER, localModelNodeGroups: ["gpu-h100"] }),
      "models/mistral-7b-instruct: serving.cache is not rendered on this cluster: none of its GPU models (L4, A10G, L40S) has a LocalModelNodeGroup here (the cluster has gpu-h100). " +
        "Node groups are made from AL2023 pools only; add an AL2023 pool of one of these models to cache it here.",
    );
    assert.equal(uncachedReason(mistral.declaration, { ...RENDER, localModelNodeGroups: ["gpu-a10g"] }), undefined);
    assert.equal(uncachedReason(llama.declaration, { ...RENDER, localModelNodeGroups: [] }), undefined);
  });

  it("refuses a render context without a storage ServiceAccount or Prometheus URL, all at once", () => {
    assert.throws(() => new ModelDeployment("bad", { ...mistral, render: { ...RENDER, storageServiceAccount: " ", prometheusUrl: "prometheus:9090" }, delivery: { mode: "gitops", outputDir: "../out" } }), {
      message: [
        "ModelDeployment bad: 3 problems",
        '  - render.storageServiceAccount: is empty (got " "). Name the ServiceAccount that may read the model buckets, e.g. model-reader.',
        '  - render.prometheusUrl: must be an http or https URL (got "prometheus:9090"). Give the Prometheus base URL, e.g. http://kube-prometheus-stack-prometheus.monitoring:9090.',
        '  - delivery.outputDir: is not a directory inside the GitOps repository (got "../out"). Give a relative path without \'..\', e.g. gitops/production.',
      ].join("\n"),
    });
  });
});
