/**
 * The PodMonitor (monitoring.coreos.com/v1, prometheus-operator v0.93.0 CRD) that makes a
 * model's analysis data exist: it scrapes every pod of the model, stable and candidate, and
 * copies onto each series the pod labels the analysis queries select on (lib/analysis/slo.ts
 * SCRAPED_LABELS). Without it every analysis query is empty on a real cluster.
 *
 * - vLLM pods serve /metrics on their API port (`http`, 8000); Argo Rollouts labels each pod
 *   with `rollouts-pod-template-hash` (argoproj/argo-rollouts@v1.9.1:pkg/apis/rollouts/v1alpha1/
 *   types.go, DefaultRolloutUniqueLabelKey), which the canary's analysis selects on.
 * - KServe predictor pods serve /metrics on 8080 (kserve/kserve@v0.20.0:python/kserve/kserve/
 *   protocol/rest/server.py; the huggingfaceserver runtime declares `prometheus.kserve.io/port:
 *   '8080'`). KServe adds no `prometheus.io/*` annotations by default
 *   (config/configmap/inferenceservice.yaml, enablePrometheusScraping "false"), so nothing else
 *   scrapes them. The port is given by number: Knative names the user port itself.
 *
 * - LLMInferenceService pods run `vllm serve --port 8000` in the `main` container, which serves
 *   /metrics on that port (kserve/kserve@v0.20.0:charts/kserve-runtime-configs/files/
 *   llmisvcconfigs/resources.yaml, kserve-config-llm-template; the port is unnamed there, so it is
 *   given by number). Plain HTTP: vLLM serves TLS only when KServe's ingress config sets
 *   `enableLLMInferenceServiceTLS` (pkg/controller/v1alpha2/llmisvc/config_loader.go, EnableTLS),
 *   off by default. The pods carry our model and version labels through `spec.labels`.
 *
 * The PodMonitor carries `ml-gitops.dev/monitor: models`, which the Prometheus the stack
 * installs selects on (components/monitoring.ts); an existing Prometheus must select it too.
 */
import { SCRAPED_LABELS } from "../analysis/slo";
import { KSERVE_MODEL_SERVER_PORT, VERSION_LABEL } from "./inference-service";
import { LLMISVC_VLLM_PORT } from "./llm-inference-service";
import { LABELS, type KubeObject, type ModelView } from "./model-view";

/** The label every model PodMonitor carries and the installed Prometheus selects monitors by. */
export const MONITOR_LABEL = { key: "ml-gitops.dev/monitor", value: "models" } as const;
/** How often model pods are scraped; the analysis windows assume at least four scrapes in 1m. */
export const SCRAPE_INTERVAL = "15s";

/** `__meta_kubernetes_pod_label_<name>` with the name sanitised as Prometheus does. */
function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

export function renderPodMonitor(view: ModelView): KubeObject {
  const engine = view.declaration.spec.serving.engine;
  const vllm = engine === "vllm";
  const copy = (podLabel: string, target: string) => ({ action: "replace", sourceLabels: [podLabelMeta(podLabel)], targetLabel: target });
  const relabelings = [
    copy(LABELS.model, SCRAPED_LABELS.model),
    vllm ? copy("rollouts-pod-template-hash", SCRAPED_LABELS.podTemplateHash) : copy(VERSION_LABEL, SCRAPED_LABELS.version),
  ];
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: view.name, namespace: view.namespace, labels: { ...view.labels, [MONITOR_LABEL.key]: MONITOR_LABEL.value } },
    spec: {
      podMetricsEndpoints: [
        {
          interval: SCRAPE_INTERVAL,
          path: "/metrics",
          ...(vllm ? { port: "http" } : { portNumber: engine === "llm-inference-service" ? LLMISVC_VLLM_PORT : KSERVE_MODEL_SERVER_PORT }),
          relabelings,
        },
      ],
      selector: { matchLabels: { ...view.selector } },
    },
  };
}
