/**
 * KServe LocalModelCache (serving.kserve.io/v1alpha1, cluster-scoped): pre-pulls a model onto
 * the nodes of LocalModelNodeGroups, so a GPU pod starts without downloading its weights. KServe
 * matches an InferenceService to a cache by storage URI, so there is one cache per artifact being
 * served (stable, and the candidate during a canary).
 *
 * The CRD requires `nodeGroups` (at least one). Node groups belong to the platform (they carry
 * the node-local PersistentVolume spec; components/kserve.ts creates them from
 * local-model-node-group.ts `nodeGroupsForPools`); this renderer only names them:
 * `ctx.localModelNodeGroup(gpuModel)`, by default `gpu-<label>`. A declaration lists every GPU
 * model it can run on, a cluster has groups only for some of them, so the cache names the
 * intersection (`ctx.localModelNodeGroups`): a name with no group behind it is a cache KServe
 * never fills. With an empty intersection there is no cache for this cluster (see below).
 */
import { GPU_MODEL_INFO, type GpuModel } from "../gpu/catalogue";
import { PLATFORM_NAMESPACES } from "../contracts/models-namespace";
import { versionSlug } from "./inference-service";
import type { KubeObject, ModelView, RenderContext } from "./model-view";

/**
 * Where KServe v0.20.0 runs the cache's download Jobs: the controller config's `jobNamespace`
 * (kserve@v0.20.0:charts/kserve-resources/values.yaml `kserve.localmodel.jobNamespace`, written
 * to inferenceservice-config by files/common/configmap-patch.yaml). No chart creates it; the
 * KServe component does.
 */
export const LOCAL_MODEL_JOB_NAMESPACE = PLATFORM_NAMESPACES.localModelJobs;

/**
 * The ServiceAccount a cache names for its download credentials. The Job pods run as their
 * namespace's `default` ServiceAccount whatever the cache says, and KServe injects credentials
 * only when the cache names one (kserve@v0.20.0:pkg/controller/v1alpha1/localmodelnode/controller.go
 * "Only inject if credentials are explicitly configured"), so caches name `default`, which the
 * KServe component annotates with the IRSA role and S3 settings and gives the HF token.
 */
export const LOCAL_MODEL_JOB_SERVICE_ACCOUNT = "default";

export const ARGOCD_SYNC_WAVE = "argocd.argoproj.io/sync-wave";
/** Before the default wave 0 the InferenceServices are applied in. */
export const CACHE_SYNC_WAVE = "-1";

export function defaultLocalModelNodeGroup(gpu: GpuModel): string {
  return `gpu-${GPU_MODEL_INFO[gpu].label}`;
}

/**
 * The node groups a cache for these GPU models lands on in this cluster, sorted. Without
 * `ctx.localModelNodeGroups` (rendering with no cluster in view) every declared model's group.
 */
export function cacheNodeGroups(gpuTypes: readonly GpuModel[], ctx: Pick<RenderContext, "localModelNodeGroup" | "localModelNodeGroups">): string[] {
  const groupOf = ctx.localModelNodeGroup ?? defaultLocalModelNodeGroup;
  const declared = [...new Set(gpuTypes.map(groupOf))];
  const available = ctx.localModelNodeGroups;
  return (available === undefined ? declared : declared.filter((g) => available.includes(g))).sort();
}

export function renderLocalModelCaches(view: ModelView, ctx: RenderContext): KubeObject[] {
  const cache = view.declaration.spec.serving.cache;
  if (!cache) return [];
  const nodeGroups = cacheNodeGroups(view.gpu.types, ctx);
  // No group for any of the declared models here (their pools are Bottlerocket): the model is
  // served without a cache on this cluster rather than refused, because one declaration serves
  // every stack of its environment and another stack may well cache it. ModelDeployment warns.
  if (nodeGroups.length === 0) return [];
  const artifacts = view.candidate ? [view.stable, view.candidate] : [view.stable];
  return artifacts.map((artifact) => ({
    apiVersion: "serving.kserve.io/v1alpha1",
    kind: "LocalModelCache",
    // Cluster-scoped: the namespace is part of the name so two namespaces' models never collide.
    // An earlier Argo CD sync wave than the InferenceService: KServe's webhook points a predictor
    // at a matching cache when the InferenceService is admitted, filled or not
    // (kserve@v0.20.0:pkg/apis/serving/v1beta1/inference_service_defaults.go setLocalModelLabel
    // matches on the storage URI alone), and Argo CD starts the next wave only once this one is
    // healthy, which for a cache means downloaded on every node (lib/render/health.ts).
    metadata: {
      name: `${view.namespace}-${view.name}-${versionSlug(artifact.version)}`,
      labels: { ...view.labels },
      annotations: { [ARGOCD_SYNC_WAVE]: CACHE_SYNC_WAVE },
    },
    spec: { modelSize: cache.size, nodeGroups, serviceAccountName: LOCAL_MODEL_JOB_SERVICE_ACCOUNT, sourceModelUri: view.uri(artifact) },
  }));
}
