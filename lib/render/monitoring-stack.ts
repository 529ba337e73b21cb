/**
 * Values for the kube-prometheus-stack chart the cluster stacks install as the Prometheus every
 * canary analysis reads (components/monitoring.ts). Keys read at
 * prometheus-community/helm-charts@kube-prometheus-stack-88.5.3:charts/kube-prometheus-stack/values.yaml:
 * - `fullnameOverride` (line 23): fixes the Service name, so the address below holds whatever
 *   the release is called;
 * - `prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues` (line 4499) false and
 *   `podMonitorSelector` (line 4504): select the PodMonitors the models render (carrying
 *   `ml-gitops.dev/monitor: models`, lib/render/monitoring.ts) in every namespace
 *   (`podMonitorNamespaceSelector: {}`, the chart's default, means all namespaces);
 * - `serviceMonitorSelectorNilUsesHelmValues` (line 4476) false with `serviceMonitorSelector: {}`
 *   (line 4481): every ServiceMonitor, so the Argo Rollouts controller's is scraped too;
 * - `prometheus.service.port` 9090 (line 3780, the chart's default, relied on below);
 * - `grafana.enabled` (line 1378) false: its chart default ships a well-known admin password;
 *   bring your own Grafana or enable it with a secret of your own.
 */
import { MONITOR_LABEL } from "./monitoring";
import { PLATFORM_NAMESPACES } from "../contracts/models-namespace";

export const MONITORING_NAMESPACE = PLATFORM_NAMESPACES.monitoring;
export const MONITORING_RELEASE = "kube-prometheus-stack";

/** The Prometheus Service the chart creates: `<fullname>-prometheus` on 9090. */
export const INSTALLED_PROMETHEUS_URL = `http://${MONITORING_RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc:9090`;

export interface MonitoringValuesInput {
  /** How long Prometheus keeps samples. @default "15d" */
  readonly retention?: string;
}

export function kubePrometheusStackValues(input: MonitoringValuesInput = {}): Record<string, unknown> {
  return {
    fullnameOverride: MONITORING_RELEASE,
    grafana: { enabled: false },
    prometheus: {
      prometheusSpec: {
        podMonitorSelector: { matchLabels: { [MONITOR_LABEL.key]: MONITOR_LABEL.value } },
        podMonitorSelectorNilUsesHelmValues: false,
        retention: input.retention ?? "15d",
        serviceMonitorSelector: {},
        serviceMonitorSelectorNilUsesHelmValues: false,
      },
    },
  };
}
