/**
 * The input contract of GatewayApi (components/gateway-api.ts): the Gateway the stack creates for
 * models' HTTPRoutes, when it creates one. Its GatewayClass rule is the one the stack config key
 * ml-gitops:gatewayClassName applies (lib/config/keys.ts takes GATEWAY_CLASS_NAME from here); the
 * choice between creating a Gateway and attaching to one is the config's GatewayPlan union
 * (lib/render/gateway.ts parseGatewayRef reads an existing one). Pure: it names Pulumi's types only.
 */
import type { Resource } from "@pulumi/pulumi";
import type { Problem } from "../errors";
import { kubernetesNameProblem, type KubernetesNameRule } from "../names";
import type { GatewayInput } from "../render/gateway";
import { pathIn } from "./validators";

export interface GatewayApiArgs {
  /**
   * Create this Gateway with the cluster implementation's GatewayClass. Absent: routes attach to a
   * Gateway that exists already, and only the CRDs are installed. @default none
   */
  readonly gateway?: GatewayInput;
  /** Install the CRDs; off when the cluster's Gateway implementation installs them itself. @default true */
  readonly installCrds?: boolean;
  /** What the Gateway needs first (the namespace it lives in). @default none */
  readonly gatewayDependsOn?: readonly Resource[];
}

export const GATEWAY_API_DEFAULTS = { installCrds: true } as const;

/** A GatewayClass is a cluster-scoped object: a DNS-1123 subdomain. */
export const GATEWAY_CLASS_NAME = {
  rule: "dns1123-subdomain",
  what: "GatewayClass name",
  fix: "Name the GatewayClass of the cluster's Gateway API implementation, e.g. envoy.",
} as const satisfies { rule: KubernetesNameRule; what: string; fix: string };

/** Every problem with the args, each at `prefix` + its path (nothing for the component). */
export function gatewayApiArgsProblems(args: GatewayApiArgs, prefix = ""): Problem[] {
  const gateway = args.gateway;
  if (gateway === undefined) return [];
  const at = pathIn(prefix);
  const problems: (Problem | undefined)[] = [
    kubernetesNameProblem("dns1123-label", "namespace name", at("gateway", "namespace"), gateway.namespace, "Name the namespace the Gateway lives in, e.g. kserve."),
    kubernetesNameProblem("dns1123-subdomain", "Gateway name", at("gateway", "name"), gateway.name, "Name the Gateway, e.g. kserve-ingress-gateway."),
    kubernetesNameProblem(GATEWAY_CLASS_NAME.rule, GATEWAY_CLASS_NAME.what, at("gateway", "gatewayClassName"), gateway.gatewayClassName, GATEWAY_CLASS_NAME.fix),
  ];
  if (gateway.routeNamespaces.length === 0) {
    problems.push({ path: at("gateway", "routeNamespaces"), value: [], message: "is empty, so no HTTPRoute could attach", fix: 'Name the namespaces models run in, e.g. ["models"].' });
  }
  gateway.routeNamespaces.forEach((ns, i) =>
    problems.push(kubernetesNameProblem("dns1123-label", "namespace name", at("gateway", "routeNamespaces", i), ns, 'Name the namespaces models run in, e.g. ["models"].')),
  );
  return problems.filter((p): p is Problem => p !== undefined);
}
