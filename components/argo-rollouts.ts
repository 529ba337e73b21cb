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
import { throwIfProblems } from "../lib/errors";
import { ARGO_ROLLOUTS_DEFAULTS, argoRolloutsArgsProblems, GATEWAY_API_PLUGIN_RBAC_NAME, prometheusAddress, type ArgoRolloutsArgs } from "../lib/contracts/argo-rollouts";
import { ARGO_ROLLOUTS_SERVICE_ACCOUNT, argoRolloutsValues, gatewayApiPluginRules } from "../lib/render/kserve-platform";
import { pinnedRelease } from "./pinned-release";

export { ARGO_ROLLOUTS_DEFAULTS, argoRolloutsArgsProblems, GATEWAY_API_PLUGIN_RBAC_NAME, prometheusAddress, type ArgoRolloutsArgs } from "../lib/contracts/argo-rollouts";

export class ArgoRollouts extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** The address every AnalysisTemplate's `provider.prometheus.address` must use. */
  readonly prometheusUrl: pulumi.Output<string>;
  /** The Helm release; depend on it for anything that needs the Rollouts CRDs. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ArgoRolloutsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:serving:ArgoRollouts", name, args, opts);
    throwIfProblems(`ArgoRollouts ${name}`, argoRolloutsArgsProblems(args));

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
