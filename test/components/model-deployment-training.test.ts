import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import type { RenderContext } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, VALID_TRAINING } from "../deployments/fixture";

const RENDER: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
const JOB = "kubernetes:batch/v1:Job";

describe("ModelDeployment with a training block", async () => {
  const h = await mockRuntime();
  const { ModelDeployment, manifestPath, trainingDir } = await import("../../components/model-deployment");
  const loaded = loadDeploymentFile(FILE, VALID_TRAINING, CONTEXT);
  // GIVEN a declaration that trains its candidate, delivered directly by Pulumi
  const direct = new ModelDeployment("llama", { ...loaded, render: RENDER, delivery: { mode: "direct" } });
  await h.settle();

  it("creates the training Job first, with a timeout past its deadline, and every serving object after it", () => {
    const job = h.named(JOB, "llama-job-train-v2");
    assert.deepEqual(job.options.customTimeouts, { create: "735m" });
    const serving = h.resources.filter((r) => r.parent === h.named("ml-gitops:serving:ModelDeployment", "llama").urn && r.type !== JOB);
    assert.ok(serving.length > 3);
    for (const r of serving) assert.ok((r.options.dependsOn ?? []).includes(job.urn), `${r.name} waits for the training Job`);
    assert.ok(direct.resources["llama-job-train-v2"]);
  });

  it("writes the Job beside the models directory for Flux, and under the Application's path for Argo CD", () => {
    const job = direct.objects.find((o) => o.kind === "Job")!;
    assert.equal(trainingDir("clusters/prod/models"), "clusters/prod/models-training");
    assert.equal(manifestPath(job, "clusters/prod/models", "models", "llama", "flux"), "clusters/prod/models-training/models/llama/job-llama-train-v2.yaml");
    assert.equal(manifestPath(job, "clusters/prod/models", "models", "llama", "argocd"), "clusters/prod/models/models/llama/job-llama-train-v2.yaml");
    const rollout = direct.objects.find((o) => o.kind === "Rollout")!;
    assert.equal(manifestPath(rollout, "clusters/prod/models", "models", "llama", "flux"), "clusters/prod/models/models/llama/rollout-llama.yaml");
  });
});
