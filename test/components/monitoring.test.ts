import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime, valueOf } from "../support/harness";

describe("Monitoring", async () => {
  const h = await mockRuntime({ region: "us-east-1" });
  const k8s = await import("@pulumi/kubernetes");
  const { Monitoring } = await import("../../components/monitoring");

  // GIVEN a cluster provider WHEN the monitoring stack is planned
  const provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
  const monitoring = new Monitoring("monitoring", {}, { providers: [provider] });
  await h.settle();
  const release = h.named("kubernetes:helm.sh/v3:Release", "monitoring-release");

  it("installs the pinned kube-prometheus-stack atomically into its own namespace", () => {
    assert.equal(release.props.chart, "kube-prometheus-stack");
    assert.equal(release.props.version, "88.5.3");
    assert.deepEqual(release.props.repositoryOpts, { repo: "https://prometheus-community.github.io/helm-charts" });
    assert.equal(release.props.name, "kube-prometheus-stack");
    assert.equal(release.props.namespace, "monitoring");
    assert.equal(release.props.atomic, true);
    assert.equal(release.parent, h.named("ml-gitops:platform:Monitoring", "monitoring").urn);
  });

  it("selects the models' PodMonitors in every namespace and every ServiceMonitor, without Grafana's default password", () => {
    const values = release.props.values as { fullnameOverride: string; grafana: unknown; prometheus: { prometheusSpec: Record<string, unknown> } };
    assert.equal(values.fullnameOverride, "kube-prometheus-stack");
    assert.deepEqual(values.grafana, { enabled: false });
    const spec = values.prometheus.prometheusSpec;
    assert.deepEqual(spec.podMonitorSelector, { matchLabels: { "ml-gitops.dev/monitor": "models" } });
    assert.equal(spec.podMonitorSelectorNilUsesHelmValues, false);
    assert.equal("podMonitorNamespaceSelector" in spec, false, "the chart's {} (every namespace) is kept");
    assert.deepEqual(spec.serviceMonitorSelector, {});
    assert.equal(spec.serviceMonitorSelectorNilUsesHelmValues, false);
    assert.equal(spec.retention, "15d");
  });

  it("gives the address of the Service the chart creates, which the analyses query", async () => {
    assert.equal(await valueOf(monitoring.prometheusUrl), "http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
  });

  it("refuses a retention Prometheus cannot read, naming the value", () => {
    assert.throws(
      () => new Monitoring("bad", { retention: "15 days" }, { providers: [provider] }),
      (err: Error) => err.message === 'Monitoring bad: 1 problem\n  - retention: is not a Prometheus retention duration (got "15 days"). Use hours, days, weeks or years, e.g. 15d.',
    );
  });
});
