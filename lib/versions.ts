/**
 * Every version the platform installs, in one typed table. A chart version and the app version
 * it ships are a pair: bump them together (`npm test` checks every entry is an exact version).
 * Sources: each project's chart index at the chart version named here.
 */

export interface ChartPin {
  /** Helm repository URL, or the OCI registry path the chart lives under. */
  readonly repo: string;
  readonly chart: string;
  /** Exact chart version: never a range, never empty. */
  readonly version: string;
  /** The application version the chart ships, for humans and the README. */
  readonly appVersion: string;
}

export const CHARTS = {
  argoCd: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.4.0", appVersion: "v3.5.1" },
  argoRollouts: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-rollouts", version: "2.41.1", appVersion: "v1.9.1" },
  flux2: { repo: "https://fluxcd-community.github.io/helm-charts", chart: "flux2", version: "2.19.0", appVersion: "2.9.1" },
  certManager: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.2", appVersion: "v1.21.2" },
  kserveCrd: { repo: "oci://ghcr.io/kserve/charts", chart: "kserve-crd", version: "v0.20.0", appVersion: "v0.20.0" },
  kserveResources: { repo: "oci://ghcr.io/kserve/charts", chart: "kserve-resources", version: "v0.20.0", appVersion: "v0.20.0" },
  kserveRuntimeConfigs: { repo: "oci://ghcr.io/kserve/charts", chart: "kserve-runtime-configs", version: "v0.20.0", appVersion: "v0.20.0" },
  /**
   * LocalModelCache/LocalModelNode/LocalModelNodeGroup (+ LocalModelNamespaceCache) CRDs. Since
   * KServe 0.16 they ship in this chart, not in kserve-crd (upstream's helm installer installs
   * kserve-crd and kserve-localmodel-crd side by side), so each CRD has one owning release.
   */
  kserveLocalModelCrd: { repo: "oci://ghcr.io/kserve/charts", chart: "kserve-localmodel-crd", version: "v0.20.0", appVersion: "v0.20.0" },
  /** The LocalModel controller and node agent; needs kserve-resources' Issuer and leader-election Role. */
  kserveLocalModelResources: { repo: "oci://ghcr.io/kserve/charts", chart: "kserve-localmodel-resources", version: "v0.20.0", appVersion: "v0.20.0" },
  /**
   * KServe's LLMInferenceService CRDs and controller, charts of their own (kserve-crd carries
   * neither). Versions confirmed in kserve/kserve@v0.20.0:charts/kserve-llmisvc-crd/Chart.yaml and
   * charts/kserve-llmisvc-resources/Chart.yaml (version and appVersion v0.20.0); upstream's
   * installer pulls both from the same registry as the others (hack/setup/infra/
   * manage.kserve-helm.sh, CRD_CHARTS / RESOURCE_CHARTS).
   */
  kserveLlmisvcCrd: { repo: "oci://ghcr.io/kserve/charts", chart: "kserve-llmisvc-crd", version: "v0.20.0", appVersion: "v0.20.0" },
  kserveLlmisvcResources: { repo: "oci://ghcr.io/kserve/charts", chart: "kserve-llmisvc-resources", version: "v0.20.0", appVersion: "v0.20.0" },
  /**
   * The Prometheus the canary analyses read (components/monitoring.ts). Confirmed: tag
   * `kube-prometheus-stack-88.5.3` in prometheus-community/helm-charts, which chart-releaser cuts
   * when it publishes the version to the index; its Chart.yaml names appVersion v0.93.1 (the
   * Prometheus Operator, whose v0.93 PodMonitor CRD ../shared/crds holds).
   */
  kubePrometheusStack: { repo: "https://prometheus-community.github.io/helm-charts", chart: "kube-prometheus-stack", version: "88.5.3", appVersion: "v0.93.1" },
  /**
   * GPU telemetry for the canary's GPU-memory gate (components/dcgm-exporter.ts). Confirmed: tag
   * `4.5.3-4.8.2` in NVIDIA/dcgm-exporter, whose deployment/Chart.yaml is version 4.8.2,
   * appVersion 4.8.2 (image 4.5.3-4.8.2-distroless); the chart index is the one its README adds.
   */
  dcgmExporter: { repo: "https://nvidia.github.io/dcgm-exporter/helm-charts", chart: "dcgm-exporter", version: "4.8.2", appVersion: "4.8.2" },
  nvidiaDevicePlugin: { repo: "https://nvidia.github.io/k8s-device-plugin", chart: "nvidia-device-plugin", version: "0.20.1", appVersion: "0.20.1" },
} as const satisfies Record<string, ChartPin>;

export type ChartName = keyof typeof CHARTS;

/** The chart reference helm.v3.Release takes: a name plus repo, or a full OCI reference. */
export function chartRef(pin: ChartPin): { chart: string; repositoryOpts?: { repo: string } } {
  return pin.repo.startsWith("oci://") ? { chart: `${pin.repo}/${pin.chart}` } : { chart: pin.chart, repositoryOpts: { repo: pin.repo } };
}

/** EKS control plane version; node groups follow it. */
export const KUBERNETES_VERSION = "1.34";

/**
 * Container images the platform itself renders, pinned by digest. Declarations pin their own
 * serving images; these are defaults and the analysis job image.
 */
export const IMAGES = {
  /** vLLM OpenAI-compatible server v0.28.0. */
  vllm: "vllm/vllm-openai:v0.28.0@sha256:61fc8a896b0a4fbbbdc063bc4b0dbc25ce98e02b5050c24aeb7830ac02039b14",
} as const;

/** A binary the Argo Rollouts controller downloads at start-up and runs as a go-plugin. */
export interface RolloutsPluginPin {
  /** The name Rollouts look the plugin up by (`trafficRouting.plugins.<name>`); fixed by the plugin. */
  readonly name: string;
  readonly version: string;
  /**
   * The linux-amd64 release asset. The controller does not tolerate the GPU taint, so it runs on
   * the cluster's other nodes, assumed x86; an arm64 system pool needs the -linux-arm64 asset.
   */
  readonly location: string;
  /** Checksum the controller verifies before running the binary; absent when none is published. */
  readonly sha256?: string;
}

/**
 * Argo Rollouts Gateway API traffic router, argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi
 * v0.17.0 (newest release found; built against argo-rollouts v1.8 and gateway-api v1.4, which the
 * v1.9 controller's plugin RPC accepts).
 *
 * No sha256: upstream's release workflow uploads the bare binaries without a checksum file, so
 * there is no published checksum to pin. Third-party guides quote
 * 1904ca787d33107c140521899d61fff030ee75d99908bd175fca5a4647759061 for this asset; it is NOT
 * pinned until someone downloads the asset and confirms it (`curl -sL <location> | sha256sum`),
 * because a wrong value stops the controller from starting.
 */
export const ROLLOUTS_PLUGINS = {
  gatewayApi: {
    name: "argoproj-labs/gatewayAPI",
    version: "v0.17.0",
    location: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.17.0/gatewayapi-plugin-linux-amd64",
  },
} as const satisfies Record<string, RolloutsPluginPin>;
