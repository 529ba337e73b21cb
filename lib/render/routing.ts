/**
 * Gateway API HTTPRoutes (gateway.networking.k8s.io/v1) for the `vllm` engine, attached to
 * `ctx.gateway` (default: KServe's own `kserve/kserve-ingress-gateway`, so KServe and vLLM
 * models share one entry point), hostname `<model>-<namespace>.<domain>`.
 *
 * - `<model>`: every request, stable and canary backends. The Argo Rollouts Gateway API plugin
 *   owns its weights during a canary; they are rendered as the declaration's current step says
 *   (stable 100 − w, canary w) so a re-apply agrees with the controller at that step.
 * - `<model>-ab` (with `spec.routing`): requests carrying the header go to the canary with
 *   `candidateWeight`, the rest of them to the stable. A separate route, so the plugin never
 *   rewrites it; Gateway API gives a rule with a header match precedence over one without.
 */
import { canaryServiceName, httpRouteName, SERVICE_PORT, stableServiceName } from "./rollout";
import type { GatewayRef, KubeObject, ModelView, RenderContext } from "./model-manifests";

/** KServe's defaults (`kserve.controller.gateway.ingressGateway.kserveGateway`, `domain`). */
export const DEFAULT_GATEWAY: GatewayRef = { namespace: "kserve", name: "kserve-ingress-gateway", domain: "example.com" };

function backends(view: ModelView, canaryWeight: number): Record<string, unknown>[] {
  return [
    { group: "", kind: "Service", name: stableServiceName(view), port: SERVICE_PORT, weight: 100 - canaryWeight },
    { group: "", kind: "Service", name: canaryServiceName(view), port: SERVICE_PORT, weight: canaryWeight },
  ];
}

export function renderHttpRoutes(view: ModelView, ctx: RenderContext): KubeObject[] {
  const gateway = ctx.gateway ?? DEFAULT_GATEWAY;
  const common = {
    hostnames: [`${view.name}-${view.namespace}.${gateway.domain}`],
    parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway.name, namespace: gateway.namespace }],
  };
  const everything = { path: { type: "PathPrefix", value: "/" } };
  const route = (name: string, rules: unknown[]): KubeObject => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: view.namespace, labels: { ...view.labels } },
    spec: { ...common, rules },
  });
  const out = [route(httpRouteName(view), [{ backendRefs: backends(view, view.canaryWeight), matches: [everything] }])];
  const ab = view.declaration.spec.routing;
  if (ab) {
    out.push(route(`${view.name}-ab`, [{ backendRefs: backends(view, ab.candidateWeight), matches: [{ ...everything, headers: [{ name: ab.header, type: "Exact", value: ab.value }] }] }]));
  }
  return out;
}
