import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel, type KubeObject, type RenderContext } from "../../lib/render/model-manifests";
import { modelArgs } from "../../lib/render/rollout";
import { CONTEXT, FILE, IMAGE, replaceLine, URI_V1, URI_V2, VALID } from "../deployments/fixture";

const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
type Obj = KubeObject & { spec: Record<string, any> };

function render(text: string = VALID, ctx: RenderContext = CTX): Obj[] {
  return renderModel(loadDeploymentFile(FILE, text, CONTEXT), ctx) as Obj[];
}
function one(objs: Obj[], kind: string, name: string): Obj {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `no ${kind} ${name} in ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}

describe("vLLM Rollout renderer", () => {
  it("renders a Rollout, two Services, the HTTPRoute it steers, an AnalysisTemplate per analysis and the PodMonitor they read", () => {
    assert.deepEqual(
      render().map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`),
      [
        "argoproj.io/v1alpha1 AnalysisTemplate/llama-analysis-slo",
        "gateway.networking.k8s.io/v1 HTTPRoute/llama",
        "monitoring.coreos.com/v1 PodMonitor/llama",
        "argoproj.io/v1alpha1 Rollout/llama",
        "v1 Service/llama-canary",
        "v1 Service/llama-stable",
      ],
    );
  });

  it("asks Karpenter not to disrupt the canary's pods while they are the canary, and only then", () => {
    const rollout = one(render(), "Rollout", "llama");
    // Ephemeral canary metadata: Argo Rollouts removes it on promotion; the template stays clean.
    assert.deepEqual(rollout.spec.strategy.canary.canaryMetadata, { annotations: { "karpenter.sh/do-not-disrupt": "true" } });
    assert.equal(rollout.spec.template.metadata.annotations, undefined);
  });

  it("gives the stable and canary Services identical selectors, matching the pod template", () => {
    const objs = render();
    const stable = one(objs, "Service", "llama-stable");
    const canary = one(objs, "Service", "llama-canary");
    const rollout = one(objs, "Rollout", "llama");
    assert.deepEqual(stable.spec.selector, canary.spec.selector);
    assert.deepEqual(rollout.spec.selector.matchLabels, stable.spec.selector);
    for (const [k, v] of Object.entries(stable.spec.selector)) assert.equal(rollout.spec.template.metadata.labels[k], v);
    assert.equal(rollout.spec.strategy.canary.stableService, "llama-stable");
    assert.equal(rollout.spec.strategy.canary.canaryService, "llama-canary");
  });

  it("maps the declared steps one to one, analyses to their templates", () => {
    const steps = one(render(), "Rollout", "llama").spec.strategy.canary.steps;
    const hash = [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } }];
    assert.deepEqual(steps, [
      { setWeight: 10 },
      { pause: { duration: "10m" } },
      { analysis: { args: hash, templates: [{ templateName: "llama-analysis-slo" }] } },
      { setWeight: 50 },
      { pause: {} },
      { setWeight: 100 },
    ]);
  });

  it("runs the candidate in the pod template during a canary and records the stable", () => {
    // GIVEN a candidate on step 2 (after setWeight 10)
    const rollout = one(render(), "Rollout", "llama");
    const container = rollout.spec.template.spec.containers[0];
    assert.equal(container.args[0], `--model=${URI_V2}`);
    assert.deepEqual(rollout.metadata.annotations, {
      "ml-gitops.dev/canary-step-weights": "10",
      "ml-gitops.dev/candidate-step": "2",
      "ml-gitops.dev/candidate-version": "v2",
      "ml-gitops.dev/source": FILE,
      "ml-gitops.dev/stable-uri": URI_V1,
      "ml-gitops.dev/stable-version": "v1",
    });
  });

  it("runs the stable without a candidate, and when bootstrapping a new cluster", () => {
    const noCandidate = VALID.replace(/  candidate:\n(    .*\n)+/, "");
    for (const objs of [render(noCandidate), render(VALID, { ...CTX, bootstrap: true })]) {
      const rollout = one(objs, "Rollout", "llama");
      assert.equal(rollout.spec.template.spec.containers[0].args[0], `--model=${URI_V1}`);
      assert.equal(rollout.metadata.annotations?.["ml-gitops.dev/canary-step-weights"], undefined);
    }
  });

  it("runs vLLM pinned, sharded over the replica's GPUs, with shared memory and the storage ServiceAccount", () => {
    const spec = one(render(), "Rollout", "llama").spec.template.spec;
    const c = spec.containers[0];
    assert.equal(c.image, IMAGE);
    assert.deepEqual(c.args, [
      `--model=${URI_V2}`,
      "--load-format=runai_streamer",
      "--served-model-name=llama",
      "--tensor-parallel-size=4",
      "--max-model-len=8192",
      "--gpu-memory-utilization=0.9",
      "--dtype=auto",
      "--port=8000",
    ]);
    assert.deepEqual(c.resources.limits, { memory: "320Gi", "nvidia.com/gpu": "4" });
    assert.deepEqual(spec.volumes, [{ emptyDir: { medium: "Memory" }, name: "dshm" }]);
    assert.deepEqual(c.volumeMounts, [{ mountPath: "/dev/shm", name: "dshm" }]);
    assert.equal(spec.serviceAccountName, "model-reader");
    assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions, [
      { key: "ml-gitops.dev/gpu-model", operator: "In", values: ["a100", "h100"] },
    ]);
  });

  it("loads hf:// artifacts by repository and pinned revision", () => {
    assert.deepEqual(modelArgs("hf://meta-llama/Llama-3.1-8B:0123456789abcdef0123456789abcdef01234567"), [
      "--model=meta-llama/Llama-3.1-8B",
      "--revision=0123456789abcdef0123456789abcdef01234567",
    ]);
  });

  it("gives a model at least 30 minutes to load before liveness applies", () => {
    const c = one(render(), "Rollout", "llama").spec.template.spec.containers[0];
    assert.equal(c.startupProbe.httpGet.path, "/health");
    assert.ok(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds >= 1800);
    assert.equal(c.readinessProbe.httpGet.path, "/health");
    assert.equal(c.livenessProbe.httpGet.path, "/health");
  });

  it("aborts a rollout that makes no progress within progressDeadlineMinutes", () => {
    const spec = one(render(replaceLine(VALID, "  rollout:\n", "  rollout:\n    progressDeadlineMinutes: 45\n")), "Rollout", "llama").spec;
    assert.equal(spec.progressDeadlineSeconds, 2700);
    assert.equal(spec.progressDeadlineAbort, true);
    assert.equal(one(render(), "Rollout", "llama").spec.progressDeadlineSeconds, 1800);
  });

  it("routes traffic with the Gateway API plugin on the model's HTTPRoute", () => {
    const canary = one(render(), "Rollout", "llama").spec.strategy.canary;
    assert.deepEqual(canary.trafficRouting, { plugins: { "argoproj-labs/gatewayAPI": { httpRoute: "llama", namespace: "models" } } });
  });

  describe("AnalysisTemplate", () => {
    it("queries Prometheus for the canary's p99 latency and error rate against the declared thresholds", () => {
      const t = one(render(), "AnalysisTemplate", "llama-analysis-slo");
      const [p99, errors] = t.spec.metrics;
      assert.deepEqual(t.spec.args, [{ name: "canary-hash" }]);
      assert.equal(p99.provider.prometheus.address, "http://prometheus.monitoring:9090");
      assert.equal(
        p99.provider.prometheus.query,
        'histogram_quantile(0.99, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="models",rollouts_pod_template_hash="{{args.canary-hash}}",model_name="llama"}[5m])))',
      );
      assert.deepEqual(
        [p99.successCondition, p99.failureCondition, p99.interval, p99.count, p99.failureLimit],
        ["len(result) == 1 && !isNaN(result[0]) && result[0] <= 5", "len(result) == 1 && !isNaN(result[0]) && result[0] > 5", "1m", 5, 1],
      );
      assert.equal(
        errors.provider.prometheus.query,
        '(sum(rate(http_requests_total{namespace="models",rollouts_pod_template_hash="{{args.canary-hash}}",handler=~"/v1/.*",status=~"5.."}[5m])) or on() vector(0)) / sum(rate(http_requests_total{namespace="models",rollouts_pod_template_hash="{{args.canary-hash}}",handler=~"/v1/.*"}[5m]))',
      );
      assert.deepEqual(
        [errors.successCondition, errors.failureCondition],
        ["len(result) == 1 && !isNaN(result[0]) && result[0] <= 0.01", "len(result) == 1 && !isNaN(result[0]) && result[0] > 0.01"],
      );
    });

    it("turns drift.autoRollback into a background analysis that starts once the canary has traffic", () => {
      const text = replaceLine(VALID, "  rollout:\n", "  drift:\n    monitorInterval: 5m\n    alert: { p99LatencyMs: 4000, errorRatePercent: 1 }\n    autoRollback: { p99LatencyMs: 8000, errorRatePercent: 5 }\n  rollout:\n");
      const objs = render(text);
      const canary = one(objs, "Rollout", "llama").spec.strategy.canary;
      assert.deepEqual(canary.analysis, {
        args: [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } }],
        startingStep: 1,
        templates: [{ templateName: "llama-drift" }],
      });
      const drift = one(objs, "AnalysisTemplate", "llama-drift");
      assert.deepEqual(
        drift.spec.metrics.map((m: Record<string, unknown>) => [m.name, m.interval, m.count, m.failureLimit, m.failureCondition]),
        [
          ["p99-latency", "5m", undefined, 1, "len(result) == 1 && !isNaN(result[0]) && result[0] > 8"],
          ["error-rate", "5m", undefined, 1, "len(result) == 1 && !isNaN(result[0]) && result[0] > 0.05"],
        ],
      );
    });
  });
});
