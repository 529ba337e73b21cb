import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { loadDeployments } from "../../lib/deployments/loader";
import { validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { renderModel, type RenderContext } from "../../lib/render/model-manifests";

const ROOT = path.resolve(__dirname, "../..");
const SHARED = path.resolve(__dirname, "../../../shared");
const skip = existsSync(SHARED) ? false : "../shared not found: CRD validation skipped";

/** Kinds with no CRD: core Services, and Gateway API HTTPRoutes (no Gateway API CRDs in ../shared). */
const NOT_CUSTOM = new Set(["v1/Service", "gateway.networking.k8s.io/v1/HTTPRoute"]);

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

  it("would catch a field the CRD does not have (the check is not vacuous)", { skip }, () => {
    const [deployment] = loadDeployments(ROOT, "staging", { defaultKServeMode: "Standard" }).filter((d) => d.declaration.spec.candidate);
    const isvc = renderModel(deployment!, { kserveMode: "Standard", storageServiceAccount: "sa", prometheusUrl: "http://p:9090" }).find((o) => o.kind === "InferenceService")!;
    const spec = isvc.spec as { canary: { predictor: Record<string, unknown> }[] };
    const broken = { ...isvc, spec: { ...spec, canary: [{ ...spec.canary[0], weight: 10 }] } };
    assert.notDeepEqual(validateAgainstCrds(broken), []);
  });
});
