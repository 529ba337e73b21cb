/**
 * The Prometheus every canary analysis of the cluster reads: kube-prometheus-stack (pinned),
 * selecting the PodMonitors the models render and every ServiceMonitor. Its address is the one
 * the AnalysisTemplates and the Argo Rollouts controller are given, so what the analyses query
 * is what the stack provisions.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { throwIfProblems } from "../lib/errors";
import { MONITORING_DEFAULTS, monitoringArgsProblems, type MonitoringArgs } from "../lib/contracts/monitoring";
import { INSTALLED_PROMETHEUS_URL, kubePrometheusStackValues, MONITORING_NAMESPACE, MONITORING_RELEASE } from "../lib/render/monitoring-stack";
import { CHARTS } from "../lib/versions";
import { pinnedRelease } from "./pinned-release";

export { MONITORING_DEFAULTS, monitoringArgsProblems, type MonitoringArgs } from "../lib/contracts/monitoring";

export class Monitoring extends pulumi.ComponentResource {
  /** What every AnalysisTemplate's `provider.prometheus.address` is. */
  readonly prometheusUrl: pulumi.Output<string>;
  /** Depend on it for anything that needs the PodMonitor CRD. */
  readonly release: k8s.helm.v3.Release;
  /** Where the monitoring stack runs; GPU telemetry goes beside it. */
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:Monitoring", name, args, opts);
    throwIfProblems(`Monitoring ${name}`, monitoringArgsProblems(args));
    const retention = args.retention ?? MONITORING_DEFAULTS.retention;
    const timeoutMinutes = args.helmTimeoutMinutes ?? MONITORING_DEFAULTS.helmTimeoutMinutes;

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: MONITORING_NAMESPACE } }, { parent: this });
    this.release = pinnedRelease(
      `${name}-release`,
      { pin: CHARTS.kubePrometheusStack, releaseName: MONITORING_RELEASE, namespace: namespace.metadata.name, timeoutMinutes, values: kubePrometheusStackValues({ retention }) },
      { parent: this },
    );
    this.prometheusUrl = pulumi.output(INSTALLED_PROMETHEUS_URL);
    this.namespace = namespace.metadata.name;
    this.registerOutputs({ namespace: this.namespace, prometheusUrl: this.prometheusUrl, release: this.release });
  }
}
