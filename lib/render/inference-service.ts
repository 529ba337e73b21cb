/**
 * KServe InferenceService for the `kserve` engine. The canary is expressed the way each KServe
 * deployment mode honours it (KServe v0.20.0 CRD):
 * - Standard: the stable artifact is `spec.predictor`; the candidate is `spec.canary[0]` =
 *   `{predictor, trafficPercent}`. The canary predictor carries no autoscaling fields
 *   (maxReplicas, scaleTarget, scaleMetric, autoScaling): it is sized by its traffic share.
 *   `canaryTrafficPercent` is never emitted — KServe ignores it in this mode.
 * - Knative: the predictor carries the candidate with `canaryTrafficPercent`; Knative keeps the
 *   last fully rolled-out revision (the stable) for the rest. Tag routing gives the candidate its
 *   own URL.
 * The weight is the declaration's: the last setWeight at or before `candidate.step`.
 */
import type { Artifact } from "../deployments/schema";
import type { KubeObject, ModelView, RenderContext } from "./model-manifests";

export const DEPLOYMENT_MODE_ANNOTATION = "serving.kserve.io/deploymentMode";
export const TAG_ROUTING_ANNOTATION = "serving.kserve.io/enable-tag-routing";

/** A version label as a DNS-1035 label: `v2.1.0` → `v2-1-0`, `2025.05.2` → `v2025-05-2`. */
export function versionSlug(version: string): string {
  const slug = version.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return /^[a-z]/.test(slug) ? slug : `v${slug}`;
}

function modelSpec(view: ModelView, artifact: Artifact): Record<string, unknown> {
  const { model, serving } = view.declaration.spec;
  return {
    // The CRD requires a container name in spec.canary[].predictor.model; kserve-container is
    // the name KServe gives the predictor container anyway, so stable and canary say the same.
    name: "kserve-container",
    modelFormat: { name: model.format },
    ...(serving.runtime ? { runtime: serving.runtime } : {}),
    storageUri: view.uri(artifact),
    resources: view.resources,
  };
}

/** What every predictor (stable or canary) shares: identity, placement, storage credentials. */
function podSpec(view: ModelView, ctx: RenderContext): Record<string, unknown> {
  return { serviceAccountName: ctx.storageServiceAccount, ...view.placement };
}

export function renderInferenceService(view: ModelView, ctx: RenderContext): KubeObject {
  const d = view.declaration;
  const mode = d.spec.serving.mode ?? ctx.kserveMode;
  const { replicas } = d.spec.serving;
  const candidate = view.candidate;
  const annotations: Record<string, string> = { ...view.record, [DEPLOYMENT_MODE_ANNOTATION]: mode };
  let spec: Record<string, unknown>;
  if (mode === "Standard") {
    // Names follow the version, so a promoted candidate keeps the name it had as a canary.
    const predictor = { ...podSpec(view, ctx), name: versionSlug(view.stable.version), minReplicas: replicas.min, maxReplicas: replicas.max, model: modelSpec(view, view.stable) };
    spec = { predictor };
    if (candidate) {
      spec.canary = [
        {
          predictor: { ...podSpec(view, ctx), name: versionSlug(candidate.version), minReplicas: Math.max(1, replicas.min), model: modelSpec(view, candidate) },
          trafficPercent: view.canaryWeight,
        },
      ];
    }
  } else {
    annotations[TAG_ROUTING_ANNOTATION] = "true";
    const served = candidate ?? view.stable;
    spec = {
      predictor: {
        ...podSpec(view, ctx),
        minReplicas: replicas.min,
        maxReplicas: replicas.max,
        ...(candidate ? { canaryTrafficPercent: view.canaryWeight } : {}),
        model: modelSpec(view, served),
      },
    };
  }
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: { name: view.name, namespace: view.namespace, labels: { ...view.labels }, annotations },
    spec,
  };
}
