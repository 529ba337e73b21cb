import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { formatProblem, ValidationError } from "../../lib/errors";
import { versionSlug } from "../../lib/render/inference-service";
import { renderModel, type KubeObject, type RenderContext } from "../../lib/render/model-manifests";
import { ARGOCD_HOOK_TTL_SECONDS, TRAINING_JOB_MAX_NAME, trainingJobName } from "../../lib/render/training-job";
import { CONTEXT, DATASET_URI, FILE, replaceLine, TRAINER_IMAGE, URI_V2, VALID, VALID_TRAINING } from "../deployments/fixture";

type Obj = KubeObject & { spec: Record<string, any> };
const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };

function render(text: string, ctx: RenderContext = CTX): Obj[] {
  return renderModel(loadDeploymentFile(FILE, text, CONTEXT), ctx) as Obj[];
}
const jobs = (objects: Obj[]) => objects.filter((o) => o.kind === "Job");
const atStep = (text: string, step: number) => replaceLine(text, "    step: 2", `    step: ${step}`);

function problems(text: string): string[] {
  try {
    loadDeploymentFile(FILE, text, CONTEXT);
    return [];
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.problems.map(formatProblem);
  }
}

describe("training Job", () => {
  it("renders one batch/v1 Job per candidate that writes exactly the candidate's artifact", () => {
    const [job] = jobs(render(VALID_TRAINING));
    assert.ok(job);
    assert.equal(job.apiVersion, "batch/v1");
    assert.equal(job.metadata.name, "llama-train-v2");
    assert.equal(job.metadata.annotations?.["ml-gitops.dev/training-output-uri"], URI_V2);
    assert.equal(job.metadata.annotations?.["ml-gitops.dev/candidate-uri"], URI_V2);
    assert.equal(job.metadata.annotations?.["ml-gitops.dev/training-dataset-uri"], DATASET_URI);
    const pod = job.spec.template.spec;
    assert.deepEqual(pod.containers[0].env, [
      { name: "ML_GITOPS_DATASET_URI", value: DATASET_URI },
      { name: "ML_GITOPS_OUTPUT_URI", value: URI_V2 },
    ]);
    assert.equal(pod.containers[0].image, TRAINER_IMAGE);
    assert.deepEqual(pod.containers[0].args, ["--epochs=3"]);
  });

  it("runs on the declared GPU model's nodes, tolerating the GPU taint, as the storage ServiceAccount, hardened", () => {
    const pod = jobs(render(VALID_TRAINING))[0]!.spec.template.spec;
    assert.deepEqual(pod.nodeSelector, { "ml-gitops.dev/gpu-model": "h100" });
    assert.deepEqual(pod.tolerations, [{ effect: "NoSchedule", key: "nvidia.com/gpu", operator: "Equal", value: "true" }]);
    assert.equal(pod.serviceAccountName, "model-reader");
    assert.deepEqual(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    assert.deepEqual(pod.containers[0].securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, privileged: false, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    assert.deepEqual(pod.containers[0].resources, {
      limits: { memory: "900Gi", "nvidia.com/gpu": "8" },
      requests: { cpu: "64", memory: "900Gi", "nvidia.com/gpu": "8" },
    });
  });

  it("has the shape the API server admits for a Job: restartPolicy Never, equal GPU requests and limits, a name that fits the job-name label", () => {
    const job = jobs(render(VALID_TRAINING))[0]!;
    const pod = job.spec.template.spec;
    // The Job API refuses restartPolicy Always; extended resources must request what they limit.
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.containers[0].resources.requests["nvidia.com/gpu"], pod.containers[0].resources.limits["nvidia.com/gpu"]);
    assert.match(job.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    assert.ok(job.metadata.name.length <= 63);
    assert.equal(job.spec.backoffLimit, 1);
    assert.equal(job.spec.activeDeadlineSeconds, 720 * 60);
    // The pod template selects nothing by hand: the Job controller adds its own selector.
    assert.equal(job.spec.selector, undefined);
    assert.deepEqual(job.spec.template.metadata.labels["ml-gitops.dev/training-of"], "llama");
  });

  it("with Argo CD, is a PreSync hook deleted before it is re-created, only in the sync that introduces the candidate (step 0)", () => {
    const argocd = { ...CTX, delivery: "argocd" as const };
    const [job] = jobs(render(atStep(VALID_TRAINING, 0), argocd));
    assert.equal(job?.metadata.annotations?.["argocd.argoproj.io/hook"], "PreSync");
    assert.equal(job?.metadata.annotations?.["argocd.argoproj.io/hook-delete-policy"], "BeforeHookCreation");
    assert.equal(job?.spec.ttlSecondsAfterFinished, ARGOCD_HOOK_TTL_SECONDS);
    // Every later step is a commit and a sync; Argo CD re-runs named hooks on each, so none is rendered.
    assert.deepEqual(jobs(render(atStep(VALID_TRAINING, 1), argocd)), []);
    assert.deepEqual(jobs(render(VALID_TRAINING, argocd)), []);
  });

  it("with Flux or Pulumi, is an ordinary object for the whole canary, without hook annotations or a TTL the controller would undo", () => {
    for (const delivery of ["flux", "direct", undefined] as const) {
      const [job] = jobs(render(VALID_TRAINING, { ...CTX, ...(delivery ? { delivery } : {}) }));
      assert.ok(job, String(delivery));
      assert.equal(job.metadata.annotations?.["argocd.argoproj.io/hook"], undefined);
      assert.equal(job.spec.ttlSecondsAfterFinished, undefined);
    }
  });

  it("renders nothing without a candidate, and nothing while a cluster bootstraps", () => {
    const noCandidate = VALID_TRAINING.replace(/  candidate:\n(    .*\n){4}/, "");
    assert.ok(!noCandidate.includes("candidate:"));
    assert.deepEqual(jobs(render(noCandidate)), []);
    assert.deepEqual(jobs(render(VALID_TRAINING, { ...CTX, bootstrap: true })), []);
    assert.deepEqual(jobs(render(VALID)), []);
  });

  it("is named after the model and the candidate version, so a new candidate is a new Job and the same candidate the same one", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/), (a, b) => {
        assert.equal(trainingJobName("llama", a), trainingJobName("llama", a));
        assert.match(trainingJobName("llama", a), /^llama-train-[a-z]([-a-z0-9]*[a-z0-9])?$/);
        // Versions with distinct slugs (what every other object of the version is named by) train as distinct Jobs.
        fc.pre(versionSlug(a) !== versionSlug(b));
        assert.notEqual(trainingJobName("llama", a), trainingJobName("llama", b));
      }),
    );
  });
});

describe("training block in a declaration", () => {
  it("refuses an output that is not the candidate's URI, at the value, naming the candidate's", () => {
    const text = VALID_TRAINING.replace(`    outputUri: ${URI_V2}`, "    outputUri: s3://models/llama/sha256-5555555555555555555555555555555555555555555555555555555555555555/");
    const line = text.split("\n").findIndex((l) => l.startsWith("    outputUri:")) + 1;
    assert.deepEqual(problems(text), [
      `${FILE}:${line}:16: spec.training.outputUri: is not the candidate's artifact URI (spec.candidate.uri is ${URI_V2}): the Job would train one artifact and the canary serve another (got "s3://models/llama/sha256-5555555555555555555555555555555555555555555555555555555555555555/"). Set outputUri to ${URI_V2}.`,
    ]);
  });

  it("refuses training GPUs no pool of the stack has on one node", () => {
    const text = VALID_TRAINING.replace("    gpu: { count: 8, types: [H100] }", "    gpu: { count: 8, types: [L4] }");
    const line = text.split("\n").findIndex((l) => l.startsWith("    gpu: { count: 8, types: [L4] }")) + 1;
    assert.deepEqual(problems(text), [
      `${FILE}:${line}:10: spec.training.gpu: needs 8 × L4 on one node, which no GPU pool on this stack has: gpu-h100 (H100 × 8), gpu-l4 (L4 × 1) (got {"count":8,"types":["L4"]}). Add a GPU model the stack has to gpu.types, lower gpu.count, or add a pool with enough of these GPUs per node.`,
    ]);
  });

  it("refuses a candidate version that makes the Job name longer than 63 characters", () => {
    const version = "v2-" + "x".repeat(50);
    const text = VALID_TRAINING.replace("    version: v2\n", `    version: ${version}\n`);
    const name = trainingJobName("llama", version);
    assert.ok(name.length > TRAINING_JOB_MAX_NAME);
    const got = problems(text);
    assert.equal(got.length, 1);
    assert.match(got[0]!, new RegExp(`spec\\.candidate\\.version: makes the training Job name ${name} \\(${name.length} characters\\), longer than the 63`));
  });

  it("refuses unknown fields and a missing output at their positions", () => {
    const unknown = VALID_TRAINING.replace("    args: [--epochs=3]\n", "    args: [--epochs=3]\n    epochs: 3\n");
    assert.deepEqual(
      problems(unknown).map((p) => p.replace(/^[^ ]+ /, "")),
      ["spec.training.epochs: is not a field of spec.training. Remove it; the fields of spec.training are image, args, gpu, resources, datasetUri, outputUri, backoffLimit, activeDeadlineMinutes."],
    );
    const missing = VALID_TRAINING.replace(`    outputUri: ${URI_V2}\n`, "");
    assert.deepEqual(problems(missing).map((p) => p.replace(/^[^ ]+ /, "")), ["spec.training.outputUri: is required. Add outputUri: a string."]);
  });

  it("keeps a training block without a candidate (the record of the promoted run) and does not compare it", () => {
    const noCandidate = VALID_TRAINING.replace(/  candidate:\n(    .*\n){4}/, "");
    assert.deepEqual(problems(noCandidate), []);
  });
});

describe("the staging sample's training run under Argo CD", () => {
  it("renders qwen2-5-7b-instruct's fine-tune as a PreSync Job whose output is its candidate, admitted by the model AppProject", async () => {
    const { readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const { buildModelAppProject } = await import("../../lib/render/argocd");
    const file = "deployments/staging/qwen2-5-7b-instruct.yaml";
    // GIVEN the sample as the sync that introduces its candidate (step 0)
    const text = readFileSync(path.join(__dirname, "../..", file), "utf8").replace("    step: 2", "    step: 0");
    const loaded = loadDeploymentFile(file, text, { defaultKServeMode: "Standard" });
    const [job] = jobs(renderModel(loaded, { ...CTX, delivery: "argocd" }) as Obj[]);
    assert.equal(job?.metadata.name, "qwen2-5-7b-instruct-train-v2-5-2025-06");
    assert.equal(job?.metadata.annotations?.["argocd.argoproj.io/hook"], "PreSync");
    assert.equal(job?.metadata.annotations?.["ml-gitops.dev/training-output-uri"], loaded.declaration.spec.candidate!.uri);
    const project = buildModelAppProject({ name: "model-serving", argocdNamespace: "argocd", repoUrl: "https://github.com/acme/gitops.git", modelNamespaces: ["models"], localModelCaches: false });
    assert.ok(project.spec.namespaceResourceWhitelist.some((gk) => gk.group === "batch" && gk.kind === "Job"));
  });
});

describe("the training path with Flux", () => {
  const FLUX: RenderContext = { ...CTX, delivery: "flux" };
  const anchor = (objects: Obj[]) => objects.filter((o) => o.kind === "ConfigMap" && o.metadata.name === "llama-training");

  it("keeps the path in git between canaries with a ConfigMap, so the models' Kustomization never waits on a missing path", async () => {
    // GIVEN a declaration that trains, after its candidate was promoted (no candidate)
    const { planAbort } = await import("../../lib/promotion/transitions");
    const { applyEdits } = await import("../../lib/promotion/yaml-edit");
    const idle = applyEdits(VALID_TRAINING, planAbort(loadDeploymentFile(FILE, VALID_TRAINING, CONTEXT), "done").edits);
    // THEN no Job is rendered, but the anchor is, and it goes under the training path
    const objects = render(idle, FLUX);
    assert.deepEqual(jobs(objects), []);
    const [configMap] = anchor(objects);
    assert.ok(configMap);
    assert.deepEqual((configMap as unknown as { data: unknown }).data, { candidateVersion: "", outputUri: "" });
    const { manifestPath } = await import("../../components/model-deployment");
    assert.equal(manifestPath(configMap, "clusters/s/models", "models", "llama", "flux"), "clusters/s/models-training/models/llama/configmap-llama-training.yaml");
  });

  it("names the candidate being trained while one is, beside its Job", () => {
    const objects = render(VALID_TRAINING, FLUX);
    assert.equal(jobs(objects).length, 1);
    assert.deepEqual((anchor(objects)[0] as unknown as { data: unknown }).data, { candidateVersion: "v2", outputUri: URI_V2 });
  });

  it("renders no anchor for Argo CD or direct delivery, whose Jobs live with the models", () => {
    assert.deepEqual(anchor(render(VALID_TRAINING, { ...CTX, delivery: "argocd" })), []);
    assert.deepEqual(anchor(render(VALID_TRAINING)), []);
  });
});
