/**
 * The Gateway models' HTTPRoutes attach to (gateway.networking.k8s.io/v1, CRD v1.5.1 standard
 * channel): by default KServe's own `kserve/kserve-ingress-gateway`, shaped as KServe v0.20.0's
 * setup creates it (kserve@v0.20.0:hack/setup/infra/gateway-api/manage.gateway-api-gw.sh: one
 * HTTP listener on port 80, infrastructure label `serving.kserve.io/gateway`), except that routes
 * are admitted only from the model namespaces, not from every namespace.
 *
 * A Gateway does nothing without an implementation (a controller for its GatewayClass: Envoy
 * Gateway, Istio, the AWS Gateway API controller...). The cluster's implementation is named by
 * the stack config (`ml-gitops:gatewayClassName`); this program does not install one.
 */
import type { Problem } from "../errors";
import { isKubernetesName } from "../names";
import type { GatewayRef } from "./model-view";
import { DEFAULT_GATEWAY } from "./routing";

export interface GatewayInput {
  readonly namespace: string;
  readonly name: string;
  readonly gatewayClassName: string;
  /** Namespaces whose routes may attach. */
  readonly routeNamespaces: readonly string[];
}

export function buildGateway(input: GatewayInput) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1" as const,
    kind: "Gateway" as const,
    metadata: { name: input.name, namespace: input.namespace, labels: { "app.kubernetes.io/managed-by": "ml-gitops" } },
    spec: {
      gatewayClassName: input.gatewayClassName,
      listeners: [
        {
          name: "http",
          protocol: "HTTP",
          port: 80,
          allowedRoutes: {
            kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
            namespaces: {
              from: "Selector",
              selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...input.routeNamespaces] }] },
            },
          },
        },
      ],
      infrastructure: { labels: { "serving.kserve.io/gateway": input.name } },
    },
  };
}

/** Where routes attach: the Gateway the stack creates, or an existing one (`namespace/name`). */
export type GatewayPlan = { readonly create: true; readonly gatewayClassName: string; readonly ref: GatewayRef } | { readonly create: false; readonly ref: GatewayRef };


/** `namespace/name` → a GatewayRef with KServe's default domain; a problem when malformed. */
export function parseGatewayRef(value: string, path: string): GatewayRef | Problem {
  const [namespace, name, ...rest] = value.split("/");
  if (rest.length > 0 || !namespace || !name || !isKubernetesName("dns1123-label", namespace) || !isKubernetesName("dns1123-subdomain", name)) {
    return { path, value, message: "is not <namespace>/<name> of a Gateway", fix: "Name the existing Gateway, e.g. istio-ingress/public." };
  }
  return { ...DEFAULT_GATEWAY, namespace, name };
}
