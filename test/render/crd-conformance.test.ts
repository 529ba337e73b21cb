import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { loadDeployments } from "../../lib/deployments/loader";
import { validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { buildLocalModelNodeGroup, nodeGroupsForPools } from "../../lib/render/local-model-node-group";
import { renderModel, type RenderContext } from "../../lib/render/model-manifests";

const ROOT = path.resolve(__dirname, "../..");
const SHARED = path.resolve(__dirname, "../../../shared");
const skip = existsSync(SHARED) ? false : "../shared not found: CRD validation skipped";

/**
 * Kinds with no CRD: core Services, and training Jobs (batch/v1, built in; their shape is tested in
 * test/render/training-job.test.ts). HTTPRoutes and PodMonitors validate against
 * ../shared/crds/gateway-api and prometheus-operator.
 */
// Core kinds have no CRD; their shapes are asserted by their renderers' tests (the candidate's
// PodDisruptionBudget: test/render/disruption-budget.test.ts).
const NOT_CUSTOM = new Set(["v1/Service", "batch/v1/Job", "policy/v1/PodDisruptionBudget"]);

describe("rendered custom resources conform to the upstream CRDs", () => {
  for (const mode of ["Standard", "Knative"] as const) {
    for (const environment of ["production", "staging"]) {
      it(`validates every custom resource of the ${environment} samples in KServe ${mode} mode`, { skip }, () => {
        const ctx: RenderContext = { kserveMode: mode, storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
        const errors: string[] = [];
        let validated = 0;
        for (const deployment of loadDeployments(ROOT, environment, { defaultKServeMode: mode })) {
          for (const obj of renderModel(deployment, ctx)) {
            if (NOT_CUSTOM.has(`${obj.apiVersion}/${obj.kind}`)) continue;
            validated++;
            for (const e of validateAgainstCrds(obj)) errors.push(`${deployment.file} ${obj.kind}/${obj.metadata.name}: ${e}`);
          }
        }
        assert.deepEqual(errors, []);
        // InferenceServices, LocalModelCaches, a Rollout and its AnalysisTemplates at least.
        assert.ok(validated >= 4, `only ${validated} custom resources rendered`);
      });
    }
  }

  it("validates a stack's LocalModelNodeGroups and the caches on them, from one list of groups", { skip }, () => {
    // GIVEN prod-eu-west-1's pools (AL2023 A100 and A10G) and a Bottlerocket L4 pool beside them
    const deployments = loadDeployments(ROOT, "production", { defaultKServeMode: "Standard" });
    const cachedModels = deployments.flatMap((d) => (d.declaration.spec.serving.cache ? (d.declaration.spec.serving.gpu.types ?? []) : []));
    const groups = nodeGroupsForPools(
      [
        { gpuModel: "A100", diskSizeGiB: 500, amiType: "AL2023_x86_64_NVIDIA" },
        { gpuModel: "A10G", diskSizeGiB: 200, amiType: "AL2023_x86_64_NVIDIA" },
        { gpuModel: "L4", diskSizeGiB: 200, amiType: "BOTTLEROCKET_x86_64_NVIDIA" },
      ],
      cachedModels,
    );
    // WHEN the groups are built and the declarations rendered against their names
    const ctx: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://p:9090", localModelNodeGroups: groups.map((g) => g.name) };
    const caches = deployments.flatMap((d) => renderModel(d, ctx)).filter((o) => o.kind === "LocalModelCache");
    // THEN only the cached model's AL2023 group exists, every cache names it and nothing else, and all validate
    assert.deepEqual(groups.map((g) => g.name), ["gpu-a10g"]);
    assert.ok(caches.length > 0, "production caches a model");
    for (const cache of caches) assert.deepEqual((cache.spec as { nodeGroups: string[] }).nodeGroups, ["gpu-a10g"], cache.metadata.name);
    const objects = [...groups.map(buildLocalModelNodeGroup), ...caches];
    assert.deepEqual(objects.flatMap((o) => validateAgainstCrds(o).map((e) => `${o.kind}/${o.metadata.name}: ${e}`)), []);
  });

  it("would catch a field the CRD does not have (the check is not vacuous)", { skip }, () => {
    const [deployment] = loadDeployments(ROOT, "staging", { defaultKServeMode: "Standard" }).filter((d) => d.declaration.spec.candidate);
    const isvc = renderModel(deployment!, { kserveMode: "Standard", storageServiceAccount: "sa", prometheusUrl: "http://p:9090" }).find((o) => o.kind === "InferenceService")!;
    const spec = isvc.spec as { canary: { predictor: Record<string, unknown> }[] };
    const broken = { ...isvc, spec: { ...spec, canary: [{ ...spec.canary[0], weight: 10 }] } };
    assert.notDeepEqual(validateAgainstCrds(broken), []);
  });
});
