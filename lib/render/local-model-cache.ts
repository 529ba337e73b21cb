/**
 * KServe LocalModelCache (serving.kserve.io/v1alpha1, cluster-scoped): pre-pulls a model onto
 * the nodes of LocalModelNodeGroups, so a GPU pod starts without downloading its weights. KServe
 * matches an InferenceService to a cache by storage URI, so there is one cache per artifact being
 * served (stable, and the candidate during a canary).
 *
 * The CRD requires `nodeGroups` (at least one). Node groups are per GPU pool and belong to the
 * platform (they carry the node-local PersistentVolume spec); this renderer only names them:
 * `ctx.localModelNodeGroup(gpuModel)`, by default `gpu-<label>`.
 */
import { GPU_MODEL_INFO, type GpuModel } from "../gpu/catalogue";
import { versionSlug } from "./inference-service";
import type { KubeObject, ModelView, RenderContext } from "./model-manifests";

export function defaultLocalModelNodeGroup(gpu: GpuModel): string {
  return `gpu-${GPU_MODEL_INFO[gpu].label}`;
}

export function renderLocalModelCaches(view: ModelView, ctx: RenderContext): KubeObject[] {
  const cache = view.declaration.spec.serving.cache;
  if (!cache) return [];
  const groupOf = ctx.localModelNodeGroup ?? defaultLocalModelNodeGroup;
  const nodeGroups = [...new Set(view.gpu.types.map(groupOf))].sort();
  const artifacts = view.candidate ? [view.stable, view.candidate] : [view.stable];
  return artifacts.map((artifact) => ({
    apiVersion: "serving.kserve.io/v1alpha1",
    kind: "LocalModelCache",
    // Cluster-scoped: the namespace is part of the name so two namespaces' models never collide.
    metadata: { name: `${view.namespace}-${view.name}-${versionSlug(artifact.version)}`, labels: { ...view.labels } },
    spec: { modelSize: cache.size, nodeGroups, sourceModelUri: view.uri(artifact) },
  }));
}
