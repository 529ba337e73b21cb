/**
 * The Prometheus every canary analysis of the cluster reads: kube-prometheus-stack (pinned),
 * selecting the PodMonitors the models render and every ServiceMonitor. Its address is the one
 * the AnalysisTemplates and the Argo Rollouts controller are given, so what the analyses query
 * is what the stack provisions.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Problems } from "../lib/errors";
import { INSTALLED_PROMETHEUS_URL, kubePrometheusStackValues, MONITORING_NAMESPACE, MONITORING_RELEASE } from "../lib/render/monitoring-stack";
import { CHARTS } from "../lib/versions";
import { helmTimeoutProblems, pinnedRelease } from "./pinned-release";

export interface MonitoringArgs {
  /** How long Prometheus keeps samples, as Prometheus writes durations. @default "15d" */
  readonly retention?: string;
  /** Helm wait for the release (the operator, its CRDs and Prometheus). @default 15 min */
  readonly helmTimeoutMinutes?: number;
}

export const MONITORING_DEFAULTS = { retention: "15d", helmTimeoutMinutes: 15 } as const;

export class Monitoring extends pulumi.ComponentResource {
  /** What every AnalysisTemplate's `provider.prometheus.address` is. */
  readonly prometheusUrl: pulumi.Output<string>;
  /** Depend on it for anything that needs the PodMonitor CRD. */
  readonly release: k8s.helm.v3.Release;
  /** Where the monitoring stack runs; GPU telemetry goes beside it. */
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:Monitoring", name, args, opts);
    const problems = new Problems();
    const retention = args.retention ?? MONITORING_DEFAULTS.retention;
    if (!/^[1-9][0-9]*(h|d|w|y)$/.test(retention)) {
      problems.add({ path: "retention", value: retention, message: "is not a Prometheus retention duration", fix: "Use hours, days, weeks or years, e.g. 15d." });
    }
    const timeoutMinutes = args.helmTimeoutMinutes ?? MONITORING_DEFAULTS.helmTimeoutMinutes;
    problems.addAll(helmTimeoutProblems(timeoutMinutes, MONITORING_DEFAULTS.helmTimeoutMinutes));
    problems.throwIfAny(`Monitoring ${name}`);

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
