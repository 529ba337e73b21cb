/**
 * The ModelDeployment declaration: what an ML engineer writes in
 * `deployments/<environment>/<model>.yaml`. The zod schema is the single definition; the
 * TypeScript types are inferred from it, and the loader maps its issues to file:line:column.
 * Cross-field rules (steps, analysis references, GPU fit) live in `validate.ts`.
 */
import { z } from "zod";
import { GPU_MODELS } from "../gpu/catalogue";
import { KUBERNETES_NAME_RULES } from "../names";

import { API_VERSION, KIND } from "./kind";

export { API_VERSION, KIND };

/** Kubernetes object names: DNS-1035 labels, short enough for `-canary`/`-stable` suffixes. */
const resourceName = z
  .string()
  .max(45, { message: "must be at most 45 characters, so the -predictor-canary suffixes still fit in 63" })
  .regex(KUBERNETES_NAME_RULES["dns1035-label"].pattern, {
    message: "must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter",
  });

/** Argo-style durations, the only form the rollout controller and Prometheus both accept. */
export const duration = z.string().regex(/^[1-9][0-9]*(s|m|h)$/, {
  message: 'must be a duration like "30s", "10m" or "1h"',
});

const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$/, {
  message: 'must be a Kubernetes quantity like "8", "500m" or "64Gi"',
});

const percent = z.number().min(0, { message: "must be between 0 and 100" }).max(100, { message: "must be between 0 and 100" });

/**
 * - `vllm`: an Argo Rollout of vLLM's OpenAI server;
 * - `kserve`: a KServe InferenceService (v1beta1);
 * - `llm-inference-service`: KServe's LLM path, one LLMInferenceService (v1alpha2) per version in a
 *   weighted routing group (lib/render/llm-inference-service.ts).
 */
export const ENGINES = ["vllm", "kserve", "llm-inference-service"] as const;
export type Engine = (typeof ENGINES)[number];

export const MODEL_FORMATS = ["huggingface", "vllm", "sklearn", "xgboost", "lightgbm", "pytorch", "onnx", "tensorflow", "triton"] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const KSERVE_MODES = ["Standard", "Knative"] as const;

/** One immutable artifact: a model version as it is served. */
export const artifactSchema = z.strictObject({
  /** Human version label, e.g. `v3.2.0`. Unique per model. */
  version: z.string().min(1).max(63).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message: "must be a version label of letters, digits, '.', '_' and '-'",
  }),
  /** Artifact URI pinned to one immutable artifact (content digest, commit SHA or image digest). */
  uri: z.string().min(1),
  /** Serving image pinned by digest; required for the vllm engine, optional for KServe runtimes. */
  image: z.string().min(1).optional(),
});

export const candidateSchema = artifactSchema.extend({
  /** Index into `spec.rollout.steps` of the step the canary stands on (0-based). */
  step: z.number().int().min(0),
  /**
   * The wave of `spec.rollout.waves` the canary is in (1-based); required when waves are declared,
   * refused otherwise (lib/deployments/waves.ts). Written by `ml-gitops promote` and `advance`.
   */
  wave: z.number().int().min(1).optional(),
  /** When the canary started (ISO 8601), written by `ml-gitops promote`. */
  startedAt: z.string().datetime({ offset: true }).optional(),
  approvedBy: z.array(z.string().min(1)).default([]),
  /** Evaluation results the promotion was judged on: metric name to value. */
  evaluation: z.record(z.string(), z.number()).optional(),
});

/** The promotion record: every candidate that completed its canary, oldest first. */
export const releaseSchema = artifactSchema.extend({
  promotedAt: z.string().datetime({ offset: true }),
});

/** A canary step. Exactly one of the keys, as in an Argo Rollout. */
export const stepSchema = z
  .strictObject({
    setWeight: z.number().int({ message: "must be a whole percentage" }).optional(),
    /** A pause; without a duration it waits for `ml-gitops advance`. */
    pause: z.strictObject({ duration: duration.optional() }).optional(),
    /** The name of an entry in `spec.rollout.analysis`. */
    analysis: z.string().min(1).optional(),
  })
  .superRefine((step, ctx) => {
    const keys = (["setWeight", "pause", "analysis"] as const).filter((k) => step[k] !== undefined);
    if (keys.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `a step has exactly one of setWeight, pause or analysis (found ${keys.length === 0 ? "none" : keys.join(", ")})`,
      });
    }
  });

/**
 * One region wave: the clusters that take the candidate together, named by region (`aws:region`
 * of a stack serving the environment) or by stack name, and how long they serve it at its last
 * step before the next wave starts (lib/deployments/waves.ts).
 */
export const waveSchema = z.strictObject({
  clusters: z.array(z.string().min(1)),
  /** Required on every wave but the last; Argo-style, e.g. `2h`. */
  soak: duration.optional(),
});

/** Every threshold an analysis can hold a candidate to. */
export const ANALYSIS_THRESHOLDS = [
  "p99LatencyMs",
  "errorRatePercent",
  "p99TimeToFirstTokenMs",
  "p99InterTokenLatencyMs",
  "minGenerationTokensPerSecond",
  "maxKvCacheUsagePercent",
  "maxGpuMemoryUsagePercent",
] as const;

export const analysisSchema = z.strictObject({
  /** How often the Prometheus queries run. @default "1m" */
  interval: duration.default("1m"),
  /** How many measurements make a verdict. @default 5 */
  count: z.number().int().min(1).max(100).default(5),
  /** Failed measurements tolerated before the canary aborts. @default 1 */
  failureLimit: z.number().int().min(0).default(1),
  /** p99 request latency must stay at or below this. */
  p99LatencyMs: z.number().positive().optional(),
  /** Share of failed requests must stay at or below this (not measurable for every runtime: lib/analysis/slo.ts). */
  errorRatePercent: percent.optional(),
  /** p99 time to the first generated token must stay at or below this (vLLM engine metrics). */
  p99TimeToFirstTokenMs: z.number().positive().optional(),
  /** p99 time between two generated tokens must stay at or below this (vLLM engine metrics). */
  p99InterTokenLatencyMs: z.number().positive().optional(),
  /** Generated tokens per second per candidate replica must reach this (vLLM engine metrics). */
  minGenerationTokensPerSecond: z.number().positive().optional(),
  /** vLLM's KV-cache usage on any candidate pod must stay at or below this. */
  maxKvCacheUsagePercent: percent.optional(),
  /** GPU memory in use on any of the candidate's GPUs must stay at or below this (NVIDIA DCGM exporter). */
  maxGpuMemoryUsagePercent: percent.optional(),
}).refine((a) => ANALYSIS_THRESHOLDS.some((k) => a[k] !== undefined), {
  message: `an analysis needs at least one threshold: ${ANALYSIS_THRESHOLDS.join(", ")}`,
});

export const thresholdsSchema = z.strictObject({
  p99LatencyMs: z.number().positive(),
  errorRatePercent: percent,
});

/**
 * A fine-tune that produces the candidate: rendered as a `batch/v1` Job that must succeed before
 * the candidate is served (lib/render/training-job.ts). `output` must be the candidate's URI, so
 * what is trained is exactly what the canary serves. Without a candidate the block renders nothing:
 * it stays as the record of how the promoted artifact was made, and the next candidate's
 * `output` must be updated with it (validate.ts refuses a stale one).
 */
export const trainingSchema = z.strictObject({
  /** Trainer image, pinned by digest (the policy pack's training-job-pinned refuses a tag). */
  image: z.string().min(1),
  /** Arguments to the image's entrypoint. @default [] */
  args: z.array(z.string()).default([]),
  gpu: z.strictObject({
    /** GPUs the Job's single pod takes, all on one node. */
    count: z.number().int().min(1).max(16),
    /** GPU models any of which can run it; the pod selects them like the serving pods do. */
    types: z.array(z.enum(GPU_MODELS)).min(1),
  }),
  resources: z.strictObject({ cpu: quantity, memory: quantity }),
  /** Training data, pinned to one immutable snapshot (content digest or commit SHA). */
  datasetUri: z.string().min(1),
  /** Where the trained model is written: exactly spec.candidate.uri. */
  outputUri: z.string().min(1),
  /** Retries of a failed pod before the Job fails. @default 1 */
  backoffLimit: z.number().int().min(0).max(10).default(1),
  /** Wall-clock limit of the whole Job; a stuck run must not hold GPUs forever. @default 720 (12 h) */
  activeDeadlineMinutes: z.number().int().min(10).max(10080).default(720),
});

export const declarationSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION, { message: `must be "${API_VERSION}"` }),
  kind: z.literal(KIND, { message: `must be "${KIND}"` }),
  metadata: z.strictObject({
    name: resourceName,
    /** Namespace the serving resources go to. @default "models" */
    namespace: resourceName.default("models"),
    /** Owning team, copied to labels for cost attribution. */
    team: z.string().min(1).optional(),
  }),
  spec: z.strictObject({
    model: z.strictObject({
      format: z.enum(MODEL_FORMATS),
      /** Name clients send in OpenAI-style requests. @default metadata.name */
      servedName: z.string().min(1).optional(),
    }),
    serving: z.strictObject({
      engine: z.enum(ENGINES),
      /** KServe deployment mode. @default the cluster's mode (stack config kserve.deploymentMode) */
      mode: z.enum(KSERVE_MODES).optional(),
      /** ClusterServingRuntime for the KServe engine, e.g. kserve-sklearnserver. */
      runtime: z.string().min(1).optional(),
      replicas: z
        .strictObject({ min: z.number().int().min(0), max: z.number().int().min(1) })
        .refine((r) => r.min <= r.max, { message: "min must not exceed max" }),
      gpu: z
        .strictObject({
          /** GPUs per replica. 0 for CPU models. */
          count: z.number().int().min(0).max(16),
          /**
           * GPU models any of which can serve the model, e.g. `[H100, A100]`: one declaration then
           * fits stacks whose pools differ by region. Required when count > 0; pods are placed with
           * a node affinity `ml-gitops.dev/gpu-model In [...]`.
           */
          types: z.array(z.enum(GPU_MODELS)).min(1).optional(),
        })
        .default({ count: 0 }),
      resources: z.strictObject({ cpu: quantity, memory: quantity }),
      /**
       * Who the model server runs as. Every model container always runs without privilege
       * escalation, with every capability dropped and the RuntimeDefault seccomp profile
       * (lib/render/security-context.ts). @default non-root for kserve (KServe's runtime images
       * run as USER 1000); root for vllm, whose official image declares no user; set runAsUser
       * (and runAsNonRoot) for an image that has one.
       */
      securityContext: z
        .strictObject({ runAsNonRoot: z.boolean().optional(), runAsUser: z.number().int().min(0).optional() })
        .refine((c) => !(c.runAsNonRoot === true && c.runAsUser === 0), { message: "runAsNonRoot cannot run as user 0" })
        .optional(),
      vllm: z
        .strictObject({
          tensorParallelSize: z.number().int().min(1).max(16),
          maxModelLen: z.number().int().min(256),
          gpuMemoryUtilization: z.number().gt(0).max(1),
          dtype: z.enum(["auto", "bfloat16", "float16", "float32"]).default("auto"),
          extraArgs: z.array(z.string()).default([]),
        })
        .optional(),
      /** Pre-cache the model on GPU nodes with a KServe LocalModelCache. */
      cache: z.strictObject({ size: quantity }).optional(),
    }),
    stable: artifactSchema,
    candidate: candidateSchema.optional(),
    releases: z.array(releaseSchema).default([]),
    /** Fine-tune the candidate before it is served (see trainingSchema). @default none */
    training: trainingSchema.optional(),
    rollout: z.strictObject({
      steps: z.array(stepSchema).min(1),
      analysis: z.record(z.string().regex(/^[a-z][-a-z0-9]*$/), analysisSchema).default({}),
      /** How long a rollout may make no progress before it aborts; GPU pods take 4–16 minutes. @default 30 */
      progressDeadlineMinutes: z.number().int().min(1).default(30),
      /** Region waves: the environment's clusters in order, each wave walking every step. @default none (every cluster at once) */
      waves: z.array(waveSchema).optional(),
    }),
    promotion: z
      .strictObject({
        criteria: z
          .array(
            z
              .strictObject({ metric: z.string().min(1), min: z.number().optional(), max: z.number().optional() })
              .refine((c) => c.min !== undefined || c.max !== undefined, { message: "a criterion needs min or max" }),
          )
          .default([]),
        approvals: z
          .strictObject({ required: z.number().int().min(0), approvers: z.array(z.string().min(1)).default([]) })
          .default({ required: 0, approvers: [] }),
      })
      .default({ criteria: [], approvals: { required: 0, approvers: [] } }),
    drift: z
      .strictObject({
        monitorInterval: duration,
        alert: thresholdsSchema,
        autoRollback: thresholdsSchema,
      })
      .optional(),
    /** A/B routing: requests carrying `header: value` go to the candidate with `candidateWeight`. */
    routing: z
      .strictObject({
        header: z.string().regex(/^[A-Za-z0-9-]+$/, { message: "must be an HTTP header name" }),
        value: z.string().min(1),
        candidateWeight: percent,
      })
      .optional(),
  }),
});

export type ModelDeploymentInput = z.input<typeof declarationSchema>;
/**
 * What the schema alone accepts: every engine's fields optional, so that the loader's messages
 * stay the schema's. The loader reports what an engine lacks (validate.ts) and then narrows the
 * declaration to its engine's type (lib/deployments/vllm-inputs.ts `engineDeclaration`).
 */
export type ParsedDeclaration = z.output<typeof declarationSchema>;
/** A declaration's spec, parsed or narrowed: what every engine shares. */
export type DeclarationSpec = ParsedDeclaration["spec"];
export type Artifact = z.output<typeof artifactSchema>;
export type Candidate = z.output<typeof candidateSchema>;
export type VllmSettings = NonNullable<DeclarationSpec["serving"]["vllm"]>;

type ServingBy<E extends Engine, Extra = unknown> = Omit<DeclarationSpec["serving"], "engine"> & { engine: E } & Extra;
type DeclarationBy<Serving, Served extends { stable: Artifact; candidate: Candidate }> = Omit<ParsedDeclaration, "spec"> & {
  spec: Omit<DeclarationSpec, "serving" | "stable" | "candidate"> & { serving: Serving; stable: Served["stable"]; candidate?: Served["candidate"] };
};

/** The vllm engine: an Argo Rollout runs each served artifact's image with these settings. */
export type VllmDeclaration = DeclarationBy<ServingBy<"vllm", { vllm: VllmSettings }>, { stable: Artifact & { image: string }; candidate: Candidate & { image: string } }>;
export type KServeDeclaration = DeclarationBy<ServingBy<"kserve">, { stable: Artifact; candidate: Candidate }>;
export type LlmInferenceServiceDeclaration = DeclarationBy<ServingBy<"llm-inference-service">, { stable: Artifact; candidate: Candidate }>;
/** A loaded declaration, as its engine's type: narrow it with `servedBy` (lib/deployments/vllm-inputs.ts). */
export type ModelDeploymentDeclaration = VllmDeclaration | KServeDeclaration | LlmInferenceServiceDeclaration;
export type DeclarationOf<E extends Engine> = Extract<ModelDeploymentDeclaration, { spec: { serving: { engine: E } } }>;
export type Release = z.output<typeof releaseSchema>;
export type DeclaredStep = z.output<typeof stepSchema>;
export type Analysis = z.output<typeof analysisSchema>;
export type Training = z.output<typeof trainingSchema>;
export type DeclaredWave = z.output<typeof waveSchema>;
