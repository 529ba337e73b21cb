/**
 * KServe InferenceService for the `kserve` engine (KServe v0.20.0 CRD).
 * - Standard: the stable artifact is `spec.predictor`, the candidate `spec.canary[0]` =
 *   `{predictor, trafficPercent}`. KServe v0.20.0 creates a Deployment and a Service per
 *   predictor but routes nothing by `trafficPercent` (it only sizes canary replicas when
 *   `minReplicas` is unset: kserve/kserve@v0.20.0:pkg/controller/v1beta1/inferenceservice/
 *   components/predictor.go, canaryReplicaCount); the split is carried by the HTTPRoute in
 *   routing.ts over the two predictors' Services. `trafficPercent` is still written (KServe copies
 *   it to `status.canaryStatuses`, so `kubectl get isvc` agrees with the route). The canary
 *   predictor carries no autoscaling fields (maxReplicas, scaleTarget, scaleMetric,
 *   autoScaling), which KServe rejects on canaries (buildCanaryPredictor).
 * - Knative: the predictor carries the candidate with `canaryTrafficPercent`; Knative keeps the
 *   last fully rolled-out revision (the stable) for the rest and really routes the split. Tag
 *   routing gives the candidate its own URL.
 * Every predictor's pods carry `ml-gitops.dev/version` (the artifact's version slug), which the
 * model's PodMonitor copies onto every series, so the analysis reads the candidate's pods alone.
 * The weight is the declaration's: the last setWeight at or before `candidate.step`.
 */
import type { Artifact } from "../deployments/schema";
import { VERSION_LABEL, versionSlug } from "../predicates/model-record";
import { containerSecurityContext, podSecurityContext } from "./security-context";
import type { KubeObject, ModelView, RenderContext } from "./model-view";

export const DEPLOYMENT_MODE_ANNOTATION = "serving.kserve.io/deploymentMode";
export const TAG_ROUTING_ANNOTATION = "serving.kserve.io/enable-tag-routing";
/** On every predictor's pods: which artifact version they serve (shared with the pack). */
export { VERSION_LABEL, versionSlug };
/**
 * The port KServe's Python model servers listen on and serve /metrics from
 * (kserve/kserve@v0.20.0:python/kserve/kserve/constants/constants.py, DEFAULT_HTTP_PORT 8080).
 */
export const KSERVE_MODEL_SERVER_PORT = 8080;


function modelSpec(view: ModelView, artifact: Artifact, mode: "Standard" | "Knative"): Record<string, unknown> {
  const { model, serving } = view.declaration.spec;
  return {
    // Declared in Standard mode so the predictor Service targets it by name and the PodMonitor
    // scrapes it (the runtimes declare none); Knative names and manages its own user port.
    ...(mode === "Standard" ? { ports: [{ containerPort: KSERVE_MODEL_SERVER_PORT, name: "http", protocol: "TCP" }] } : {}),
    // The CRD requires a container name in spec.canary[].predictor.model; kserve-container is
    // the name KServe gives the predictor container anyway, so stable and canary say the same.
    name: "kserve-container",
    modelFormat: { name: model.format },
    ...(serving.runtime ? { runtime: serving.runtime } : {}),
    storageUri: view.uri(artifact),
    resources: view.resources,
    securityContext: containerSecurityContext(view.declaration),
  };
}

/** What every predictor (stable or canary) shares: identity, placement, storage credentials. */
function podSpec(view: ModelView, ctx: RenderContext, artifact: Artifact): Record<string, unknown> {
  return {
    labels: { [VERSION_LABEL]: versionSlug(artifact.version) },
    securityContext: podSecurityContext(view.declaration),
    serviceAccountName: ctx.storageServiceAccount,
    ...view.placement,
  };
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
    const predictor = { ...podSpec(view, ctx, view.stable), name: versionSlug(view.stable.version), minReplicas: replicas.min, maxReplicas: replicas.max, model: modelSpec(view, view.stable, mode) };
    spec = { predictor };
    if (candidate) {
      spec.canary = [
        {
          predictor: { ...podSpec(view, ctx, candidate), name: versionSlug(candidate.version), minReplicas: Math.max(1, replicas.min), model: modelSpec(view, candidate, mode) },
          trafficPercent: view.canaryWeight,
        },
      ];
    }
  } else {
    annotations[TAG_ROUTING_ANNOTATION] = "true";
    const served = candidate ?? view.stable;
    spec = {
      predictor: {
        ...podSpec(view, ctx, served),
        minReplicas: replicas.min,
        maxReplicas: replicas.max,
        ...(candidate ? { canaryTrafficPercent: view.canaryWeight } : {}),
        model: modelSpec(view, served, mode),
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
