/**
 * Argo Rollouts, set up for Prometheus-driven canary analysis. The chart needs no setting for
 * analysis itself (each AnalysisTemplate names its Prometheus), so the component's job is to pin
 * one validated Prometheus address every rendered AnalysisTemplate uses, and to let that same
 * Prometheus scrape the controller (failed analyses, stuck rollouts).
 *
 * It also registers the Gateway API traffic-router plugin the vLLM Rollouts name
 * (lib/render/rollout.ts): without the registration the controller refuses such a Rollout
 * ("plugin argoproj-labs/gatewayAPI not configured"), and without the RBAC here it cannot move
 * the HTTPRoute weights.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CHARTS, ROLLOUTS_PLUGINS } from "../lib/versions";
import { Problems, type Problem } from "../lib/errors";
import { kubernetesNameProblem } from "../lib/names";
import { PLATFORM_NAMESPACES } from "../lib/contracts/models-namespace";
import { ARGO_ROLLOUTS_SERVICE_ACCOUNT, argoRolloutsValues, gatewayApiPluginRules } from "../lib/render/kserve-platform";
import { helmTimeoutProblems, pinnedRelease } from "./pinned-release";

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


/** The address as AnalysisTemplates should carry it (no trailing slash), or the problem with it. */
export function prometheusAddress(value: string): { address: string } | { problem: Problem } {
  const problem = (message: string): { problem: Problem } => ({
    problem: { path: "prometheusUrl", value, message, fix: "Give the Prometheus base URL, e.g. http://kube-prometheus-stack-prometheus.monitoring:9090." },
  });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problem("is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return problem("must be an http or https URL");
  if (url.username !== "" || url.password !== "") return problem("must not carry credentials");
  if (url.search !== "" || url.hash !== "") return problem("must not have a query or fragment");
  return { address: value.replace(/\/+$/, "") };
}

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

export class ArgoRollouts extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** The address every AnalysisTemplate's `provider.prometheus.address` must use. */
  readonly prometheusUrl: pulumi.Output<string>;
  /** The Helm release; depend on it for anything that needs the Rollouts CRDs. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ArgoRolloutsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:serving:ArgoRollouts", name, args, opts);
    const problems = new Problems();
    problems.addAll(argoRolloutsArgsProblems(args));
    problems.throwIfAny(`ArgoRollouts ${name}`);

    const pin = CHARTS.argoRollouts;
    const timeoutMinutes = args.helmTimeoutMinutes ?? ARGO_ROLLOUTS_DEFAULTS.helmTimeoutMinutes;
    const gatewayApiPlugin = args.gatewayApiPlugin ?? ARGO_ROLLOUTS_DEFAULTS.gatewayApiPlugin;
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace ?? ARGO_ROLLOUTS_DEFAULTS.namespace } },
      { parent: this },
    );

    // Rollout objects synced by Argo CD need both the CRDs and a running controller: pinnedRelease is atomic.
    this.release = pinnedRelease(
      `${name}-release`,
      {
        pin,
        releaseName: "argo-rollouts",
        namespace: namespace.metadata.name,
        timeoutMinutes,
        values: argoRolloutsValues({
          metrics: args.metrics ?? ARGO_ROLLOUTS_DEFAULTS.metrics,
          serviceMonitor: args.serviceMonitor ?? ARGO_ROLLOUTS_DEFAULTS.serviceMonitor,
          serviceMonitorLabels: args.serviceMonitorLabels ?? {},
          dashboard: args.dashboard ?? ARGO_ROLLOUTS_DEFAULTS.dashboard,
          trafficRouterPlugins: gatewayApiPlugin ? [ROLLOUTS_PLUGINS.gatewayApi] : [],
        }),
      },
      { parent: this },
    );

    if (gatewayApiPlugin) {
      // The plugin runs inside the controller process, so it acts as the controller's
      // ServiceAccount; HTTPRoutes live in model namespaces, hence a ClusterRole.
      const role = new k8s.rbac.v1.ClusterRole(
        `${name}-gateway-api-plugin`,
        { metadata: { name: GATEWAY_API_PLUGIN_RBAC_NAME }, rules: gatewayApiPluginRules() },
        { parent: this },
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-gateway-api-plugin`,
        {
          metadata: { name: GATEWAY_API_PLUGIN_RBAC_NAME },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: ARGO_ROLLOUTS_SERVICE_ACCOUNT, namespace: namespace.metadata.name }],
        },
        { parent: this },
      );
    }

    const checked = prometheusAddress(args.prometheusUrl);
    this.namespace = namespace.metadata.name;
    this.prometheusUrl = pulumi.output("address" in checked ? checked.address : args.prometheusUrl);
    this.registerOutputs({ namespace: this.namespace, prometheusUrl: this.prometheusUrl, release: this.release });
  }
}
