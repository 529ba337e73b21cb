import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";
import { CHARTS, ROLLOUTS_PLUGINS } from "../../lib/versions";
import { gatewayApiPluginRules } from "../../lib/render/kserve-platform";

const PROMETHEUS = "http://kube-prometheus-stack-prometheus.monitoring:9090";

describe("ArgoRollouts component", async () => {
  const h = await mockRuntime();
  const { ArgoRollouts } = await import("../../components/argo-rollouts");

  // GIVEN a Prometheus address with a trailing slash and a ServiceMonitor wanted
  new ArgoRollouts("rollouts", { prometheusUrl: `${PROMETHEUS}/`, serviceMonitor: true, serviceMonitorLabels: { release: "kube-prometheus-stack" } });
  // AND one with every default
  new ArgoRollouts("plain", { prometheusUrl: "https://prometheus.example.com" });
  // AND one without the Gateway API plugin, in its own namespace
  new ArgoRollouts("noplugin", { prometheusUrl: "https://prometheus.example.com", namespace: "rollouts-b", gatewayApiPlugin: false });
  await h.settle();

  it("installs the pinned argo-rollouts chart into its own namespace, atomically", () => {
    const release = h.named("kubernetes:helm.sh/v3:Release", "rollouts-release");
    assert.equal(release.props.chart, "argo-rollouts");
    assert.equal(release.props.version, CHARTS.argoRollouts.version);
    assert.equal(release.props.version, "2.41.0");
    // The chart's own appVersion is v1.9.0; the controller runs the v1.9.1 whose CRDs we validate against.
    assert.deepEqual((release.props.values as { controller: { image: unknown } }).controller.image, { tag: "v1.9.1" });
    assert.deepEqual(release.props.repositoryOpts, { repo: "https://argoproj.github.io/argo-helm" });
    assert.equal(release.props.namespace, "argo-rollouts");
    assert.equal(release.props.atomic, true);
    assert.equal(release.props.timeout, 600);
    assert.deepEqual(release.options.customTimeouts, { create: "15m", update: "15m" });
    assert.deepEqual(h.named("kubernetes:core/v1:Namespace", "rollouts-namespace").props.metadata, { name: "argo-rollouts" });
  });

  it("turns on controller metrics and the ServiceMonitor with the Prometheus selector labels", () => {
    const values = h.named("kubernetes:helm.sh/v3:Release", "rollouts-release").props.values as {
      installCRDs: boolean;
      controller: { metrics: unknown };
      dashboard: unknown;
    };
    assert.equal(values.installCRDs, true);
    assert.deepEqual(values.controller.metrics, { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { release: "kube-prometheus-stack" } } });
    assert.deepEqual(values.dashboard, { enabled: false, readonly: true });
  });

  it("leaves the ServiceMonitor off by default, since it needs the Prometheus Operator CRDs", () => {
    const values = h.named("kubernetes:helm.sh/v3:Release", "plain-release").props.values as { controller: { metrics: { enabled: boolean; serviceMonitor: { enabled: boolean } } } };
    assert.equal(values.controller.metrics.enabled, true);
    assert.equal(values.controller.metrics.serviceMonitor.enabled, false);
  });

  it("exposes the Prometheus address AnalysisTemplates must use, without a trailing slash", () => {
    const component = h.named("ml-gitops:serving:ArgoRollouts", "rollouts");
    assert.equal(component.outputs?.prometheusUrl, PROMETHEUS);
    assert.equal(component.outputs?.namespace, "argo-rollouts");
    for (const child of h.resources.filter((r) => r.name.startsWith("rollouts-"))) assert.equal(child.parent, component.urn, child.name);
  });

  it("registers the pinned Gateway API plugin with the controller by default", () => {
    const values = h.named("kubernetes:helm.sh/v3:Release", "plain-release").props.values as { controller: { trafficRouterPlugins: unknown }; serviceAccount: unknown };
    assert.deepEqual(values.controller.trafficRouterPlugins, [{ name: ROLLOUTS_PLUGINS.gatewayApi.name, location: ROLLOUTS_PLUGINS.gatewayApi.location }]);
    assert.deepEqual(values.serviceAccount, { create: true, name: "argo-rollouts" });
  });

  it("lets the controller's ServiceAccount rewrite HTTPRoutes through a deterministically named ClusterRole", () => {
    const role = h.named("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "plain-gateway-api-plugin");
    assert.equal((role.props.metadata as { name: string }).name, "argo-rollouts-gateway-api-plugin");
    assert.deepEqual(role.props.rules, gatewayApiPluginRules());
    const binding = h.named("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "plain-gateway-api-plugin");
    assert.deepEqual(binding.props.metadata, { name: "argo-rollouts-gateway-api-plugin" });
    assert.deepEqual(binding.props.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "argo-rollouts-gateway-api-plugin" });
    assert.deepEqual(binding.props.subjects, [{ kind: "ServiceAccount", name: "argo-rollouts", namespace: "argo-rollouts" }]);
    assert.equal(binding.parent, h.named("ml-gitops:serving:ArgoRollouts", "plain").urn);
  });

  it("registers no plugin and grants nothing when the plugin is turned off", () => {
    const values = h.named("kubernetes:helm.sh/v3:Release", "noplugin-release").props.values as { controller: { trafficRouterPlugins: unknown } };
    assert.deepEqual(values.controller.trafficRouterPlugins, []);
    assert.equal(h.resources.filter((r) => r.name === "noplugin-gateway-api-plugin").length, 0);
  });

  it("refuses a Prometheus address that is not an http(s) URL", () => {
    for (const [value, message] of [
      ["prometheus:9090", "must be an http or https URL"],
      ["not a url", "is not a URL"],
      ["http://prometheus:9090/?db=1", "must not have a query or fragment"],
    ] as const) {
      assert.throws(() => new ArgoRollouts("bad", { prometheusUrl: value }), {
        message: `ArgoRollouts bad: 1 problem\n  - prometheusUrl: ${message} (got ${JSON.stringify(value)}). Give the Prometheus base URL, e.g. http://kube-prometheus-stack-prometheus.monitoring:9090.`,
      });
    }
  });

  it("refuses a Prometheus address carrying a credential without repeating it", () => {
    assert.throws(() => new ArgoRollouts("bad", { prometheusUrl: "http://user:pw@prometheus:9090" }), {
      message: "ArgoRollouts bad: 1 problem\n  - prometheusUrl: carries a credential in the URL (not repeated here). Remove it from the URL, e.g. http://kube-prometheus-stack-prometheus.monitoring:9090.",
    });
  });

  it("refuses a ServiceMonitor without metrics", () => {
    assert.throws(() => new ArgoRollouts("nomon", { prometheusUrl: PROMETHEUS, metrics: false, serviceMonitor: true }), {
      message: "ArgoRollouts nomon: 1 problem\n  - serviceMonitor: needs metrics (got true). Leave metrics on (the default) or turn serviceMonitor off.",
    });
  });
});
