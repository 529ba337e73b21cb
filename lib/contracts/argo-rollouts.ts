/**
 * The input contract of ArgoRollouts (components/argo-rollouts.ts): its args, their defaults, the
 * Prometheus address rule the AnalysisTemplates and the stack config's ml-gitops:prometheusUrl
 * share, and the one function that collects every problem. Pure: nothing here loads the SDK.
 */
import type { Problem } from "../errors";
import { kubernetesNameProblem } from "../names";
import { helmTimeoutProblems } from "./helm-release";
import { PLATFORM_NAMESPACES } from "./models-namespace";
import { prometheusAddress } from "./monitoring";

export { prometheusAddress };

export interface ArgoRolloutsArgs {
  /**
   * Prometheus base URL AnalysisTemplates query (`provider.prometheus.address`), reachable from
   * the controller, e.g. `http://kube-prometheus-stack-prometheus.monitoring:9090`.
   */
  readonly prometheusUrl: string;
  /** @default "argo-rollouts" */
  readonly namespace?: string;
  /** Controller metrics Service on :8090. @default true */
  readonly metrics?: boolean;
  /** ServiceMonitor for the controller metrics; needs the Prometheus Operator CRDs. @default false */
  readonly serviceMonitor?: boolean;
  /** Labels your Prometheus selects ServiceMonitors by, e.g. `{ release: "kube-prometheus-stack" }`. @default none */
  readonly serviceMonitorLabels?: Readonly<Record<string, string>>;
  /** Read-only dashboard. @default false */
  readonly dashboard?: boolean;
  /**
   * Register the pinned Gateway API traffic-router plugin (ROLLOUTS_PLUGINS.gatewayApi) and grant
   * the controller what it needs on HTTPRoutes. The rendered vLLM Rollouts need it. @default true
   */
  readonly gatewayApiPlugin?: boolean;
  /** Helm wait for the release. @default 10 min */
  readonly helmTimeoutMinutes?: number;
}

/** Cluster-scoped RBAC is named once per cluster; the release name is fixed too. */
export const GATEWAY_API_PLUGIN_RBAC_NAME = "argo-rollouts-gateway-api-plugin";

export const ARGO_ROLLOUTS_DEFAULTS = {
  namespace: PLATFORM_NAMESPACES.argoRollouts,
  metrics: true,
  serviceMonitor: false,
  dashboard: false,
  gatewayApiPlugin: true,
  helmTimeoutMinutes: 10,
} as const;


export function argoRolloutsArgsProblems(args: ArgoRolloutsArgs): Problem[] {
  const problems: Problem[] = [];
  const checked = prometheusAddress(args.prometheusUrl);
  if ("problem" in checked) problems.push(checked.problem);
  const namespace = args.namespace ?? ARGO_ROLLOUTS_DEFAULTS.namespace;
  const namespaceProblem = kubernetesNameProblem("dns1123-label", "namespace name", "namespace", namespace, "Omit it for the default argo-rollouts.");
  if (namespaceProblem) problems.push(namespaceProblem);
  if (args.serviceMonitor === true && args.metrics === false) {
    problems.push({ path: "serviceMonitor", value: true, message: "needs metrics", fix: "Leave metrics on (the default) or turn serviceMonitor off." });
  }
  problems.push(...helmTimeoutProblems(args.helmTimeoutMinutes ?? ARGO_ROLLOUTS_DEFAULTS.helmTimeoutMinutes, ARGO_ROLLOUTS_DEFAULTS.helmTimeoutMinutes));
  return problems;
}
