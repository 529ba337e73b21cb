/**
 * Gateway API HTTPRoutes (gateway.networking.k8s.io/v1) that carry a model's canary weight,
 * attached to `ctx.gateway` (default: KServe's own `kserve/kserve-ingress-gateway`, so every
 * model shares one entry point), hostname `<model>-<namespace>.<domain>` (KServe's default
 * domain template).
 *
 * - `<model>`: every request, split between the stable and the candidate backends at the
 *   declaration's current step (stable 100 − w, candidate w).
 * - `<model>-ab` (with `spec.routing`): requests carrying the header go to the candidate with
 *   `candidateWeight`, the rest of them to the stable. A separate route, so the Rollouts plugin
 *   never rewrites it; Gateway API gives a rule with a header match precedence over one without.
 *
 * Backends per engine:
 * - `vllm`: the Rollout's stable and canary Services. The Argo Rollouts Gateway API plugin owns
 *   the weights of `<model>` during a canary; they are rendered as the current step says so a
 *   re-apply agrees with the controller at that step.
 * - `kserve` (Standard mode): the Services KServe creates for the stable and the canary
 *   predictors. KServe v0.20.0 does not route by `spec.canary[].trafficPercent`: the field only
 *   sizes the canary's replicas (kserve/kserve@v0.20.0:pkg/controller/v1beta1/inferenceservice/
 *   components/predictor.go, canaryReplicaCount) and each predictor gets a Service of its own,
 *   `<isvc>-<predictor name>-predictor` on port 80, selecting only its own Deployment
 *   (predictor.go, reconcileCanaryDeployments; constants/constants.go, PredictorServiceName and
 *   CommonDefaultHttpPort; reconcilers/service/service_reconciler.go, createDefaultSvc). KServe's
 *   own route creation stays off (`disableIngressCreation`, reconcilers/ingress/
 *   httproute_reconciler.go), so this route is the only one for the hostname and its weights
 *   are the traffic split.
 * - `kserve` in Knative mode renders no route: Knative routes `canaryTrafficPercent` itself.
 * - `llm-inference-service` renders no route: KServe's controller writes each version's HTTPRoute
 *   with the group's weighted backendRefs (llm-inference-service.ts).
 */
import { versionSlug } from "./inference-service";
import { ROLLOUTS_WEIGHTS_OWNER, WEIGHTS_OWNER_LABEL } from "./route-ownership";
import { canaryServiceName, httpRouteName, SERVICE_PORT, stableServiceName } from "./rollout";
import type { GatewayRef, KubeObject, ModelView, RenderContext } from "./model-view";

/** KServe's defaults (`kserve.controller.gateway.ingressGateway.kserveGateway`, `domain`). */
export const DEFAULT_GATEWAY: GatewayRef = { namespace: "kserve", name: "kserve-ingress-gateway", domain: "example.com" };

/** Port of the Services KServe v0.20.0 creates for predictors (constants.CommonDefaultHttpPort). */
export const KSERVE_PREDICTOR_SERVICE_PORT = 80;

/** The Service KServe v0.20.0 creates for a named predictor (constants.PredictorServiceName). */
export function kservePredictorServiceName(isvc: string, predictorName: string): string {
  return `${isvc}-${predictorName}-predictor`;
}

/** Where the stable's and the candidate's requests go: a Service and its port. */
export interface Backends {
  readonly stable: { readonly name: string; readonly port: number };
  readonly candidate?: { readonly name: string; readonly port: number };
}

/** The backends a model's route splits between, or undefined where the engine routes by itself. */
export function routeBackends(view: ModelView, ctx: RenderContext): Backends | undefined {
  const { serving } = view.declaration.spec;
  if (serving.engine === "llm-inference-service") return undefined;
  if (serving.engine === "vllm") {
    // Both Services exist with or without a candidate: Argo Rollouts requires them.
    return { stable: { name: stableServiceName(view), port: SERVICE_PORT }, candidate: { name: canaryServiceName(view), port: SERVICE_PORT } };
  }
  if ((serving.mode ?? ctx.kserveMode) !== "Standard") return undefined;
  const predictor = (version: string) => ({ name: kservePredictorServiceName(view.name, versionSlug(version)), port: KSERVE_PREDICTOR_SERVICE_PORT });
  return { stable: predictor(view.stable.version), ...(view.candidate ? { candidate: predictor(view.candidate.version) } : {}) };
}

function backendRefs(backends: Backends, candidateWeight: number): Record<string, unknown>[] {
  const ref = (b: { name: string; port: number }, weight: number) => ({ group: "", kind: "Service", name: b.name, port: b.port, weight });
  if (!backends.candidate) return [ref(backends.stable, 100)];
  return [ref(backends.stable, 100 - candidateWeight), ref(backends.candidate, candidateWeight)];
}

export function renderHttpRoutes(view: ModelView, ctx: RenderContext): KubeObject[] {
  const backends = routeBackends(view, ctx);
  if (!backends) return [];
  const gateway = ctx.gateway ?? DEFAULT_GATEWAY;
  const common = {
    hostnames: [`${view.name}-${view.namespace}.${gateway.domain}`],
    parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway.name, namespace: gateway.namespace }],
  };
  const everything = { path: { type: "PathPrefix", value: "/" } };
  const route = (name: string, rules: unknown[], labels: Record<string, string> = {}): KubeObject => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: view.namespace, labels: { ...view.labels, ...labels } },
    spec: { ...common, rules },
  });
  const owner: Record<string, string> = view.declaration.spec.serving.engine === "vllm" ? { [WEIGHTS_OWNER_LABEL]: ROLLOUTS_WEIGHTS_OWNER } : {};
  const out = [route(httpRouteName(view), [{ backendRefs: backendRefs(backends, view.canaryWeight), matches: [everything] }], owner)];
  const ab = view.declaration.spec.routing;
  // A KServe model without a candidate has no candidate Service to send the header's requests to.
  if (ab && backends.candidate) {
    out.push(route(`${view.name}-ab`, [{ backendRefs: backendRefs(backends, ab.candidateWeight), matches: [{ ...everything, headers: [{ name: ab.header, type: "Exact", value: ab.value }] }] }]));
  }
  return out;
}
