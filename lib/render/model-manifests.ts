/**
 * One declaration to every Kubernetes object that serves it. Pure and deterministic: the same
 * declaration and context give byte-identical objects (keys sorted, objects sorted by kind and
 * name), so GitOps diffs show only what changed and direct delivery never sees spurious updates.
 *
 * Engines:
 * - `kserve` → one InferenceService, in Standard mode the HTTPRoute that splits traffic between
 *              its stable and canary predictors, a LocalModelCache per artifact when
 *              `serving.cache`, and the PodMonitor the analysis reads.
 * - `llm-inference-service` → an LLMInferenceService per served version (stable, and candidate
 *              during a canary) in one KServe routing group whose weights carry the step, and the
 *              PodMonitor the gate reads (llm-inference-service.ts).
 * - `vllm`   → an Argo Rollout, its stable and canary Services, an HTTPRoute the Gateway API
 *              traffic-router plugin steers, AnalysisTemplates, an A/B HTTPRoute when
 *              `spec.routing` is declared, and the PodMonitor the analyses read.
 *
 * The renderers receive a `ModelView` computed here and import only types from this module (no
 * import cycle), so what "the canary stands at 25%" means is decided once.
 */
import type { Artifact, Candidate, ModelDeploymentDeclaration } from "../deployments/schema";
import type { LoadedDeployment } from "../deployments/types";
import { candidateOnCluster, type ClusterRef } from "../deployments/waves";
import { GPU_MODEL_INFO, type GpuModel } from "../gpu/catalogue";
import { renderCandidateDisruptionBudget } from "./disruption-budget";
import { renderInferenceService } from "./inference-service";
import { renderLocalModelCaches } from "./local-model-cache";
import { renderLlmInferenceServices } from "./llm-inference-service";
import { renderRollout } from "./rollout";
import { renderPodMonitor } from "./monitoring";
import { renderHttpRoutes } from "./routing";
import { GPU_MODEL_LABEL, GPU_TAINT_K8S } from "../gpu/node-labels";
import { renderTrainingAnchor, renderTrainingJob } from "./training-job";
import { MODEL_LABEL, RECORD_ANNOTATIONS } from "../predicates/model-record";

export { DEFAULT_GATEWAY } from "./routing";

/** A plain Kubernetes object, ready for YAML or a Pulumi resource. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: unknown;
}

export interface GatewayRef {
  readonly namespace: string;
  readonly name: string;
  /** Hostnames are `<model>-<namespace>.<domain>`, KServe's default domain template. */
  readonly domain: string;
}


export interface RenderContext {
  /** The cluster's KServe mode; a declaration's `spec.serving.mode` overrides it. */
  readonly kserveMode: "Standard" | "Knative";
  /** ServiceAccount (IRSA) that may read the model buckets; every model pod runs as it. */
  readonly storageServiceAccount: string;
  /** Prometheus the AnalysisTemplates query, e.g. `http://kube-prometheus-stack-prometheus.monitoring:9090`. */
  readonly prometheusUrl: string;
  /** Region-local bucket for multi-region stacks. @default identity */
  readonly rewriteUri?: (uri: string) => string;
  /** Gateway the models' HTTPRoutes attach to. @default DEFAULT_GATEWAY (KServe's own) */
  readonly gateway?: GatewayRef;
  /** LocalModelNodeGroup holding the cache for a GPU model's pool. @default `gpu-<label>`, e.g. gpu-h100 */
  readonly localModelNodeGroup?: (gpu: GpuModel) => string;
  /**
   * Names of the LocalModelNodeGroups the cluster has (components/kserve.ts creates them from
   * `nodeGroupsForPools(config.gpuPools)`). A cache names only the declared GPU models' groups
   * found here, and a declaration with a cache and none of them is refused.
   * @default every declared GPU model's group (no cluster in view, e.g. a preview render)
   */
  readonly localModelNodeGroups?: readonly string[];
  /**
   * The cluster has no object for this model yet (a new region, a rebuilt cluster). Argo Rollouts
   * and KServe make the first revision they see stable with no canary, so rendering a candidate
   * there would skip its canary: with `bootstrap` the stable is rendered alone.
   * @default false
   */
  readonly bootstrap?: boolean;
  /**
   * Who applies the objects: a training Job carries Argo CD hook annotations only for `argocd`
   * (lib/render/training-job.ts). @default "direct"
   */
  readonly delivery?: "argocd" | "flux" | "direct";
  /**
   * The cluster the objects are for, when the declaration declares region waves
   * (`spec.rollout.waves`): the candidate is rendered only where its wave has been reached
   * (lib/deployments/waves.ts candidateOnCluster). infra/ passes it for every declaration with
   * waves. @default none: the candidate is rendered at its step, as on a cluster of the current wave
   */
  readonly cluster?: ClusterRef;
}

/** Everything the renderers need to know about one model, decided once. */
export interface ModelView {
  readonly declaration: ModelDeploymentDeclaration;
  readonly name: string;
  readonly namespace: string;
  readonly environment: string;
  /** Labels on every object; `selector` is the subset pods are selected by. */
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly stable: Artifact;
  /** The candidate as this cluster serves it (its wave's step), unless there is none here or the context bootstraps. */
  readonly candidate?: Candidate;
  /** Candidate's weight at its declared step: the last setWeight at or before it; 0 without a candidate. */
  readonly canaryWeight: number;
  /** Weights stepped so far, e.g. [10, 25]: evidence for the policy pack that the canary was stepped. */
  readonly steppedWeights: readonly number[];
  readonly gpu: { readonly count: number; readonly types: readonly GpuModel[] };
  /** The artifact's URI as this cluster reads it (`ctx.rewriteUri`). */
  readonly uri: (artifact: Artifact) => string;
  /** nodeSelector or nodeAffinity, and tolerations, for the declared GPU models; empty for CPU models. */
  readonly placement: Readonly<Record<string, unknown>>;
  readonly resources: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** What was declared, recorded on the serving object: stable artifact, candidate step, weights so far. */
  readonly record: Readonly<Record<string, string>>;
}

export const LABELS = {
  name: "app.kubernetes.io/name",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  team: "ml-gitops.dev/team",
  environment: "ml-gitops.dev/environment",
  model: MODEL_LABEL,
} as const;

export const ANNOTATIONS = {
  // The record the policy pack reads back (policies/lib/predicates/model-record.ts).
  ...RECORD_ANNOTATIONS,
  source: "ml-gitops.dev/source",
} as const;

export { GPU_MODEL_LABEL };
export const GPU_RESOURCE = "nvidia.com/gpu";

export function modelView(deployment: LoadedDeployment, ctx: RenderContext): ModelView {
  const d = deployment.declaration;
  const { name, namespace } = d.metadata;
  const candidate = ctx.bootstrap ? undefined : candidateOnCluster(d.spec, ctx.cluster);
  const steppedWeights: number[] = [];
  if (candidate) {
    d.spec.rollout.steps.slice(0, candidate.step + 1).forEach((s) => {
      if (s.setWeight !== undefined) steppedWeights.push(s.setWeight);
    });
  }
  const selector = { [LABELS.model]: name };
  const labels: Record<string, string> = {
    ...selector,
    [LABELS.name]: name,
    [LABELS.managedBy]: "ml-gitops",
    [LABELS.environment]: deployment.environment,
  };
  if (d.metadata.team) labels[LABELS.team] = d.metadata.team;
  const rewrite = ctx.rewriteUri ?? ((u: string) => u);
  const gpu = { count: d.spec.serving.gpu.count, types: [...new Set(d.spec.serving.gpu.types ?? [])] };
  const record: Record<string, string> = {
    [ANNOTATIONS.stableVersion]: d.spec.stable.version,
    [ANNOTATIONS.stableUri]: rewrite(d.spec.stable.uri),
  };
  if (candidate) {
    record[ANNOTATIONS.candidateVersion] = candidate.version;
    record[ANNOTATIONS.candidateStep] = String(candidate.step);
    record[ANNOTATIONS.stepWeights] = steppedWeights.join(",");
  }
  return {
    declaration: d,
    name,
    namespace,
    environment: deployment.environment,
    labels,
    selector,
    stable: d.spec.stable,
    ...(candidate ? { candidate } : {}),
    canaryWeight: steppedWeights[steppedWeights.length - 1] ?? 0,
    steppedWeights,
    gpu,
    uri: (artifact) => rewrite(artifact.uri),
    placement: gpuPlacement(gpu),
    resources: resources(d.spec.serving.resources, gpu.count),
    record,
  };
}

/** Scheduling onto the declared GPU models' nodes (tainted nvidia.com/gpu=true:NoSchedule). */
function gpuPlacement(gpu: ModelView["gpu"]): Record<string, unknown> {
  if (gpu.count === 0) return {};
  const labels = [...new Set(gpu.types.map((t) => GPU_MODEL_INFO[t].label))].sort();
  const tolerations = [{ effect: GPU_TAINT_K8S.effect, key: GPU_TAINT_K8S.key, operator: "Equal", value: GPU_TAINT_K8S.value }];
  // One model: a nodeSelector, the simplest thing a reader (and the scheduler) can check. Several:
  // the same label with `In`, which nodeSelector cannot express.
  const [only, ...others] = labels;
  if (only !== undefined && others.length === 0) return { nodeSelector: { [GPU_MODEL_LABEL]: only }, tolerations };
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_MODEL_LABEL, operator: "In", values: labels }] }],
        },
      },
    },
    tolerations,
  };
}

/** Requests and limits; GPUs and memory are limited (GPUs must be), CPU only requested so it can burst. */
function resources({ cpu, memory }: { cpu: string; memory: string }, gpuCount: number): Record<string, Record<string, string>> {
  const gpu: Record<string, string> = gpuCount > 0 ? { [GPU_RESOURCE]: String(gpuCount) } : {};
  return { limits: { memory, ...gpu }, requests: { cpu, memory, ...gpu } };
}

/** Objects with their keys sorted at every level; arrays keep their order (it is meaningful). */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => canonical(v)) as T;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)])) as T;
  }
  return value;
}

function byKindAndName(a: KubeObject, b: KubeObject): number {
  const ka = `${a.kind}/${a.metadata.name}`;
  const kb = `${b.kind}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Every object that serves one declaration, canonical and sorted by kind and name. */
export function renderModel(deployment: LoadedDeployment, ctx: RenderContext): KubeObject[] {
  const view = modelView(deployment, ctx);
  const source = { [ANNOTATIONS.source]: deployment.file };
  const engine = view.declaration.spec.serving.engine;
  let objects: KubeObject[];
  switch (engine) {
    case "vllm":
      objects = [...renderRollout(view, ctx), ...renderHttpRoutes(view, ctx), renderPodMonitor(view)];
      break;
    case "kserve":
      // The candidate's pods are kept from voluntary disruption by a PDB, not by an annotation in
      // their template, which would restart them at promotion (disruption-budget.ts).
      objects = [renderInferenceService(view, ctx), ...renderHttpRoutes(view, ctx), ...renderLocalModelCaches(view, ctx), renderPodMonitor(view), ...renderCandidateDisruptionBudget(view)];
      break;
    case "llm-inference-service":
      // KServe's controller makes each member's HTTPRoute: no route of ours (routing.ts).
      objects = [...renderLlmInferenceServices(view, ctx), renderPodMonitor(view), ...renderCandidateDisruptionBudget(view)];
      break;
    default: {
      const never: never = engine;
      throw new Error(`unknown engine ${String(never)}`);
    }
  }
  objects.push(...renderTrainingJob(view, ctx), ...renderTrainingAnchor(view, ctx));
  return objects
    .map((o) => canonical({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...source } } }))
    .sort(byKindAndName);
}
