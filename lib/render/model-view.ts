/**
 * What every renderer shares: the object and context types, the labels and annotations, and the
 * `ModelView` of one declaration (what "the canary stands at 25%" means, decided once). Apart
 * from model-manifests.ts, which imports the renderers, so no renderer imports back into a module
 * that imports it (no import cycle, type-only imports included).
 */
import type { Artifact, ModelDeploymentDeclaration } from "../deployments/schema";
import type { LoadedDeployment } from "../deployments/types";
import { candidateOnCluster, type ClusterRef } from "../deployments/waves";
import { GPU_MODEL_INFO, type GpuModel } from "../gpu/catalogue";
import { GPU_MODEL_LABEL, GPU_TAINT_K8S } from "../gpu/node-labels";
import { MODEL_LABEL, RECORD_ANNOTATIONS } from "../predicates/model-record";

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
/** One declaration as a cluster renders it; `D` narrows it to one engine's (`servedBy`). */
export interface ModelView<D extends ModelDeploymentDeclaration = ModelDeploymentDeclaration> {
  readonly declaration: D;
  readonly name: string;
  readonly namespace: string;
  readonly environment: string;
  /** Labels on every object; `selector` is the subset pods are selected by. */
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly stable: D["spec"]["stable"];
  /** The candidate as this cluster serves it (its wave's step), unless there is none here or the context bootstraps. */
  readonly candidate?: NonNullable<D["spec"]["candidate"]>;
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

export function modelView<D extends ModelDeploymentDeclaration>(deployment: LoadedDeployment<D>, ctx: RenderContext): ModelView<D> {
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
