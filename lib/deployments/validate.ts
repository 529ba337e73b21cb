/**
 * What makes a declaration servable, beyond its shape: zod issues turned into positioned
 * problems, then the rules that span fields (steps, analysis references, GPU fit, artifact pins).
 * Artifact, image and step rules call the same predicates the policy pack uses, so a declaration
 * the loader accepts is never refused at `pulumi preview` for the same reason.
 */
import * as path from "node:path";
import { fieldsAt as sharedFieldsAt, sentence, translateZodIssues } from "../zod-problems";
import type { z } from "zod";
import type { Problem } from "../errors";
import { keyPath } from "../errors";
import { GPU_MODEL_INFO, type GpuModel } from "../gpu/catalogue";
import { errorRateMeasurable, metricSource, vllmMetricsExported } from "../analysis/slo";
import { artifactSchemeOf } from "../predicates/artifact-uri";
import { DEFAULT_CANARY_RULES, fromArgoRolloutSteps, validateCanarySteps } from "../predicates/canary-steps";
import { IMAGES } from "../versions";
import { LLMISVC_MAX_NAME, llmisvcName } from "../render/llm-inference-service";
import { TRAINING_JOB_MAX_NAME, trainingJobName } from "../render/training-job";
import type { EnvironmentCluster } from "../config/environment-clusters";
import type { KeyPath, SourceMap } from "./positions";
import { waveProblems } from "./waves";
import { declarationSchema, type ParsedDeclaration } from "./schema";
import { vllmInputs } from "./vllm-inputs";

export interface GpuPool {
  readonly name: string;
  readonly gpuModel: GpuModel;
  readonly gpusPerNode: number;
}

/** What the loader needs to know about the stack the declarations are served on. */
export interface DeploymentContext {
  /** GPU pools of the stack. Empty or omitted skips the GPU-fit check (e.g. the CLI's status). */
  readonly gpuPools?: readonly GpuPool[];
  readonly defaultKServeMode: "Standard" | "Knative";
  /** @default { maxInitialWeight: 25, requireAnalysis: true } — the policy pack's defaults. */
  readonly canaryRules?: { readonly maxInitialWeight: number; readonly requireAnalysis?: boolean };
  /**
   * The clusters serving the declarations' environment (lib/config/environment-clusters.ts),
   * asked for only when a declaration declares `spec.rollout.waves`. `loadDeployments` reads them
   * from the project's stacks/ when this is omitted. @default none: waves cannot be checked
   */
  readonly clusters?: () => readonly EnvironmentCluster[];
}

/** Schemes vLLM's own loader reads (s3/gs through the Run:ai model streamer, hf natively). */
export const VLLM_URI_SCHEMES = ["s3", "gs", "hf"] as const;

/**
 * Schemes KServe v0.20.0's LLMInferenceService controller can fetch a model from; any other makes
 * it fail with "unsupported schema in model URI" (kserve/kserve@v0.20.0:pkg/controller/v1alpha2/
 * llmisvc/workload_storage.go, attachModelArtifacts; constants.go HfURIPrefix … S3URIPrefix).
 */
export const LLMISVC_URI_SCHEMES = ["hf", "s3", "oci", "oci+native", "pvc"] as const;

/** Model formats vLLM can serve: the LLMInferenceService runs `vllm serve`. */
export const LLMISVC_FORMATS = ["huggingface", "vllm"] as const;

/** Builds problems positioned in one file. */
export class ProblemSink {
  readonly problems: Problem[] = [];
  constructor(readonly source: SourceMap) {}

  add(at: KeyPath, message: string, fix: string, value?: { value: unknown }, position: "value" | "key" = "value"): void {
    const where = position === "key" ? this.source.keyAt(at) : this.source.at(at);
    this.problems.push({ ...where, path: keyPath(at), ...(value ? { value: value.value } : {}), message, fix: sentence(fix) });
  }
}


/** Splits the shared predicates' "what is wrong; what to do" messages. */
function splitMessage(text: string): { message: string; fix: string } {
  const at = text.indexOf("; ");
  return at === -1 ? { message: text, fix: "correct it" } : { message: text.slice(0, at), fix: text.slice(at + 2) };
}

// ---------------------------------------------------------------------------------------------
// zod issues

/** The object fields the declaration schema allows at `at`, for did-you-mean suggestions. */
export function fieldsAt(at: KeyPath, schema: z.ZodType = declarationSchema): string[] {
  return sharedFieldsAt(at, schema);
}

/** Every zod issue as a positioned problem, in the words of lib/zod-problems.ts (the one translation). */
export function schemaProblems(error: z.ZodError, data: unknown, sink: ProblemSink): void {
  for (const t of translateZodIssues(error, data, declarationSchema)) {
    sink.add([...t.at], t.message, t.fix, t.value, t.position);
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-field rules

function stepProblems(d: ParsedDeclaration, context: DeploymentContext, sink: ProblemSink): void {
  const { steps, analysis } = d.spec.rollout;
  const rules = {
    maxInitialWeight: context.canaryRules?.maxInitialWeight ?? DEFAULT_CANARY_RULES.maxInitialWeight,
    requireAnalysis: context.canaryRules?.requireAnalysis ?? DEFAULT_CANARY_RULES.requireAnalysis,
  };
  // No backgroundAnalysis: the policy pack judges the declared steps alone, and so do we.
  for (const p of validateCanarySteps(fromArgoRolloutSteps([...steps]), rules, { strictlyIncreasing: true })) {
    const at: PropertyKey[] = p.index === -1 ? ["spec", "rollout", "steps"] : ["spec", "rollout", "steps", p.index, "setWeight"];
    const { message, fix } = splitMessage(p.message);
    sink.add(at, message, fix, p.index === -1 ? undefined : { value: steps[p.index]?.setWeight });
  }
  const names = Object.keys(analysis);
  const source = metricSource(d);
  const server = d.spec.serving.runtime ?? "KServe";
  for (const name of [...names].sort()) {
    const a = analysis[name]!;
    const at = (key: string): KeyPath => ["spec", "rollout", "analysis", name, key];
    if (!errorRateMeasurable(source) && a.errorRatePercent !== undefined) {
      sink.add(
        at("errorRatePercent"),
        `cannot be measured: the ${server} model server exports request latency but no error count`,
        "remove errorRatePercent and gate this model on p99LatencyMs, or serve it with a runtime that counts failed requests (the huggingface format on KServe, or the vllm engine)",
        { value: a.errorRatePercent },
      );
    }
    for (const key of ["p99TimeToFirstTokenMs", "p99InterTokenLatencyMs", "minGenerationTokensPerSecond", "maxKvCacheUsagePercent"] as const) {
      if (vllmMetricsExported(source) || a[key] === undefined) continue;
      sink.add(at(key), `cannot be measured: the ${server} model server runs no vLLM engine, whose metrics this threshold reads`, "remove it, or serve the model with the vllm engine or the huggingface format on KServe", { value: a[key] });
    }
    if (a.maxGpuMemoryUsagePercent !== undefined && d.spec.serving.gpu.count === 0) {
      sink.add(at("maxGpuMemoryUsagePercent"), "cannot be measured: the model uses no GPU", "remove it, or give the model GPUs in spec.serving.gpu", { value: a.maxGpuMemoryUsagePercent });
    }
  }
  steps.forEach((step, i) => {
    if (step.analysis !== undefined && !Object.hasOwn(analysis, step.analysis)) {
      sink.add(
        ["spec", "rollout", "steps", i, "analysis"],
        `refers to analysis "${step.analysis}", which spec.rollout.analysis does not define`,
        names.length > 0 ? `use one of ${names.map((n) => `"${n}"`).join(", ")}, or define "${step.analysis}" under spec.rollout.analysis` : `define "${step.analysis}" under spec.rollout.analysis with its thresholds`,
        { value: step.analysis },
      );
    }
  });
}

/**
 * Structure only. Whether an artifact or image is pinned, and whether the stable went through a
 * canary, are the policy pack's calls (model-artifact-immutable, serving-image-digest,
 * stable-requires-canary): the pack is configurable per cluster, and a declaration that breaks
 * them must fail `plan` and `pulumi preview` as a named policy violation, not as a load error.
 */
function artifactProblems(d: ParsedDeclaration, sink: ProblemSink): void {
  const vllm = d.spec.serving.engine === "vllm";
  const artifacts = [["stable", d.spec.stable] as const, ...(d.spec.candidate ? [["candidate", d.spec.candidate] as const] : [])];
  for (const [role, artifact] of artifacts) {
    if (vllm && !(VLLM_URI_SCHEMES as readonly string[]).includes(artifactSchemeOf(artifact.uri))) {
      sink.add(
        ["spec", role, "uri"],
        "uses a scheme vLLM's own loader cannot read (the vllm engine has no storage initializer)",
        "publish the model to s3://, gs:// or hf:// and pin it there",
        { value: artifact.uri },
      );
    }
    if (d.spec.serving.engine === "llm-inference-service") {
      if (!(LLMISVC_URI_SCHEMES as readonly string[]).includes(artifactSchemeOf(artifact.uri))) {
        sink.add(
          ["spec", role, "uri"],
          "uses a scheme KServe's LLMInferenceService controller cannot fetch",
          `publish the model to ${LLMISVC_URI_SCHEMES.map((s) => `${s}://`).join(", ")} and pin it there`,
          { value: artifact.uri },
        );
      }
      const name = llmisvcName(d.metadata.name, artifact.version);
      if (name.length > LLMISVC_MAX_NAME) {
        sink.add(
          ["spec", role, "version"],
          `makes the LLMInferenceService name ${name} (${name.length} characters), longer than the ${LLMISVC_MAX_NAME} KServe puts in its pods' app.kubernetes.io/name label`,
          `shorten the version label or metadata.name so that <name>-<version slug> fits in ${LLMISVC_MAX_NAME} characters`,
          { value: artifact.version },
        );
      }
    }
    const inputs = vllm ? vllmInputs(d.spec.serving, artifact) : undefined;
    if (inputs?.ok === false && inputs.missing.includes("image")) {
      sink.add(["spec", role, "image"], "is required for the vllm engine: the Rollout runs this image", `add image: ${IMAGES.vllm}`);
    }
  }
  const { candidate, stable, rollout } = d.spec;
  if (candidate) {
    if (candidate.version === stable.version) {
      sink.add(["spec", "candidate", "version"], "is the stable version; a candidate is a new version", "give the candidate its own version label, or remove spec.candidate", { value: candidate.version });
    }
    if (candidate.step >= rollout.steps.length) {
      sink.add(
        ["spec", "candidate", "step"],
        `is past the last step (spec.rollout.steps has ${rollout.steps.length}, numbered 0–${rollout.steps.length - 1})`,
        `use a step between 0 and ${rollout.steps.length - 1}`,
        { value: candidate.step },
      );
    }
  }
}

function servingProblems(d: ParsedDeclaration, context: DeploymentContext, sink: ProblemSink): void {
  const serving = d.spec.serving;
  const { gpu } = serving;
  if (gpu.count > 0 && gpu.types === undefined) {
    sink.add(["spec", "serving", "gpu", "types"], `is required when gpu.count is ${gpu.count}`, "list the GPU models that can serve it, e.g. types: [H100, A100]");
  }
  const pools = context.gpuPools ?? [];
  if (gpu.count > 0 && gpu.types !== undefined && pools.length > 0) {
    const fits = pools.some((p) => gpu.types!.includes(p.gpuModel) && p.gpusPerNode >= gpu.count);
    if (!fits) {
      const listed = pools.map((p) => `${p.name} (${p.gpuModel} × ${p.gpusPerNode})`).join(", ");
      sink.add(
        ["spec", "serving", "gpu"],
        `needs ${gpu.count} × ${gpu.types.join(" or ")} on one node, which no GPU pool on this stack has: ${listed}`,
        "add a GPU model the stack has to gpu.types, lower gpu.count, or add a pool with enough of these GPUs per node",
        { value: { count: gpu.count, types: gpu.types } },
      );
    }
  }
  if (serving.engine === "vllm") {
    const inputs = vllmInputs(serving, d.spec.stable);
    if (!inputs.ok && inputs.missing.includes("vllm")) {
      sink.add(["spec", "serving", "vllm"], "is required for the vllm engine", "add vllm: {tensorParallelSize, maxModelLen, gpuMemoryUtilization}");
    } else if (serving.vllm !== undefined && serving.vllm.tensorParallelSize !== gpu.count) {
      // vLLM shards the weights over exactly tensorParallelSize GPUs of one replica: fewer GPUs
      // and the server does not start, more and the extra GPUs are paid for and idle.
      sink.add(
        ["spec", "serving", "vllm", "tensorParallelSize"],
        `must equal spec.serving.gpu.count (${gpu.count}): vLLM shards the model over exactly that many GPUs of one replica`,
        `set tensorParallelSize to ${gpu.count}, or gpu.count to ${serving.vllm.tensorParallelSize}`,
        { value: serving.vllm.tensorParallelSize },
      );
    }
    if (serving.cache !== undefined) {
      sink.add(["spec", "serving", "cache"], "is only consumed by KServe InferenceServices; the vllm engine streams the model with vLLM's own loader", "remove it, or serve the model with engine: kserve", { value: serving.cache });
    }
  } else if (serving.engine === "llm-inference-service") {
    llmisvcProblems(d, sink);
  } else {
    if (serving.vllm !== undefined) {
      sink.add(["spec", "serving", "vllm"], "only applies to the vllm and llm-inference-service engines", "remove it, or set engine: vllm", { value: serving.vllm });
    }
    if (d.spec.routing !== undefined) {
      sink.add(["spec", "routing"], "is rendered only for the vllm engine, whose stable and canary Services ml-gitops owns", "remove spec.routing, or serve the model with engine: vllm", { value: d.spec.routing });
    }
    if (serving.cache !== undefined && gpu.count === 0) {
      sink.add(["spec", "serving", "cache"], "needs a GPU model: local model caches live on the GPU pools' LocalModelNodeGroups", "remove it; CPU models are small enough to download at start", { value: serving.cache });
    }
  }
}

/** What KServe v0.20.0's LLMInferenceService can and cannot be told (lib/render/llm-inference-service.ts). */
function llmisvcProblems(d: ParsedDeclaration, sink: ProblemSink): void {
  const { serving, model } = d.spec;
  const engine = "the llm-inference-service engine";
  if (!(LLMISVC_FORMATS as readonly string[]).includes(model.format)) {
    sink.add(["spec", "model", "format"], `cannot be served by ${engine}: it runs vLLM, which serves ${LLMISVC_FORMATS.join(" and ")} models`, "use format: huggingface, or serve the model with engine: kserve", { value: model.format });
  }
  if (serving.replicas.min !== serving.replicas.max) {
    sink.add(
      ["spec", "serving", "replicas"],
      `must have min equal to max for ${engine}: an LLMInferenceService runs a fixed replica count unless KServe's workload-variant-autoscaler is installed (spec.scaling)`,
      `set min and max to the replicas the model needs, e.g. { min: ${serving.replicas.max}, max: ${serving.replicas.max} }`,
      { value: serving.replicas },
    );
  }
  if (serving.vllm !== undefined && serving.vllm.tensorParallelSize !== serving.gpu.count) {
    sink.add(
      ["spec", "serving", "vllm", "tensorParallelSize"],
      `must equal spec.serving.gpu.count (${serving.gpu.count}): vLLM shards the model over exactly that many GPUs of one replica`,
      `set tensorParallelSize to ${serving.gpu.count}, or gpu.count to ${serving.vllm.tensorParallelSize}`,
      { value: serving.vllm.tensorParallelSize },
    );
  }
  const notHere: [keyof typeof serving | "routing", unknown, string][] = [
    ["mode", serving.mode, "is a KServe InferenceService deployment mode; an LLMInferenceService has none"],
    ["runtime", serving.runtime, "names a ServingRuntime; an LLMInferenceService runs vLLM from KServe's LLM template"],
    ["cache", serving.cache, "is only consumed by KServe InferenceServices (LocalModelCache)"],
    ["routing", d.spec.routing, "is rendered only for the vllm engine, whose stable and canary Services ml-gitops owns"],
  ];
  for (const [key, value, why] of notHere) {
    if (value === undefined) continue;
    sink.add(key === "routing" ? ["spec", "routing"] : ["spec", "serving", key], why, `remove it, or serve the model with engine: ${key === "routing" ? "vllm" : "kserve"}`, { value });
  }
}

/**
 * The training block. Its output must be the candidate's URI: the Job writes the artifact the
 * canary then serves, and nothing else. Without a candidate the block is kept and renders nothing
 * (a promotion removes the candidate, not the record of how it was trained), so it is not compared
 * with anything; the next candidate makes it live again and must bring its own outputUri.
 * Whether the image and URIs are pinned is the policy pack's call (training-job-pinned), as for
 * serving artifacts.
 */
function trainingProblems(d: ParsedDeclaration, context: DeploymentContext, sink: ProblemSink): void {
  const { training, candidate } = d.spec;
  if (training === undefined || candidate === undefined) return;
  if (training.outputUri !== candidate.uri) {
    sink.add(
      ["spec", "training", "outputUri"],
      `is not the candidate's artifact URI (spec.candidate.uri is ${candidate.uri}): the Job would train one artifact and the canary serve another`,
      `set outputUri to ${candidate.uri}`,
      { value: training.outputUri },
    );
  }
  const name = trainingJobName(d.metadata.name, candidate.version);
  if (name.length > TRAINING_JOB_MAX_NAME) {
    sink.add(
      ["spec", "candidate", "version"],
      `makes the training Job name ${name} (${name.length} characters), longer than the ${TRAINING_JOB_MAX_NAME} Kubernetes allows in its pods' job-name label`,
      `shorten the version label or metadata.name so that <name>-train-<version slug> fits in ${TRAINING_JOB_MAX_NAME} characters`,
      { value: candidate.version },
    );
  }
  const pools = context.gpuPools ?? [];
  const { gpu } = training;
  if (pools.length > 0 && !pools.some((p) => gpu.types.includes(p.gpuModel) && p.gpusPerNode >= gpu.count)) {
    const listed = pools.map((p) => `${p.name} (${p.gpuModel} × ${p.gpusPerNode})`).join(", ");
    sink.add(
      ["spec", "training", "gpu"],
      `needs ${gpu.count} × ${gpu.types.join(" or ")} on one node, which no GPU pool on this stack has: ${listed}`,
      "add a GPU model the stack has to gpu.types, lower gpu.count, or add a pool with enough of these GPUs per node",
      { value: { count: gpu.count, types: gpu.types } },
    );
  }
}

/** Cross-field problems of a declaration that passed the schema. */
export function declarationProblems(d: ParsedDeclaration, file: string, context: DeploymentContext, sink: ProblemSink): void {
  const expected = `${d.metadata.name}.yaml`;
  if (path.basename(file) !== expected) {
    sink.add(["metadata", "name"], `does not match the file name ${path.basename(file)}`, `rename the file to ${path.join(path.dirname(file), expected)}, or change metadata.name`, { value: d.metadata.name });
  }
  stepProblems(d, context, sink);
  if (d.spec.rollout.waves !== undefined || d.spec.candidate?.wave !== undefined) {
    const clusters = d.spec.rollout.waves !== undefined ? (context.clusters?.() ?? []) : [];
    for (const p of waveProblems(d.spec, path.basename(path.dirname(file)), clusters)) sink.add(p.at, p.message, p.fix, p.value);
  }
  artifactProblems(d, sink);
  servingProblems(d, context, sink);
  trainingProblems(d, context, sink);
}

/** Node label values for the declared GPU models, sorted and unique. */
export function gpuLabels(types: readonly GpuModel[] | undefined): string[] {
  return [...new Set((types ?? []).map((t) => GPU_MODEL_INFO[t].label))].sort();
}
