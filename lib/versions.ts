/**
 * Every version the platform installs, in one typed table. A chart version and the app version
 * it ships are a pair: bump them together (`npm test` checks every entry is an exact version).
 * Each entry says where it was confirmed: a tag of the upstream repository (fetched and read at
 * that tag), or, where no snapshot here holds the version, that it is NOT confirmed and why.
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
  /**
   * Confirmed outside the snapshot. The argo-helm snapshot here ends at argo-cd-10.1.1
   * (appVersion v3.4.4, 2 July 2026), but the upstream release page
   * github.com/argoproj/argo-helm/releases/tag/argo-cd-10.4.1 (28 Aug 2026) records that 10.4.1
   * only moved the chart from Argo CD v3.5.1 to v3.5.2, and independent installs record
   * `helm.sh/chart: argo-cd-10.4.0` with `app.kubernetes.io/version: v3.5.1` (found with the
   * code search here). Argo CD v3.5.1 itself is a tag of argoproj/argo-cd: the CRDs in ../shared
   * and every rule cited in lib/argocd/ are read there. The values keys set
   * (lib/render/argocd.ts argoCdValues) are read at argo-cd-10.1.1, the same 10.x major.
   */
  argoCd: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.4.0", appVersion: "v3.5.1" },
  /**
   * Confirmed: tag `argo-rollouts-2.41.0` in argoproj/argo-helm (charts/argo-rollouts/Chart.yaml
   * version 2.41.0, appVersion v1.9.0), the newest argo-rollouts chart to be found; 2.41.1, pinned
   * before, could not be. It runs the controller at v1.9.1 (`controller.image.tag`,
   * lib/render/kserve-platform.ts argoRolloutsValues), a tag of argoproj/argo-rollouts whose CRDs
   * are ../shared's and are identical to v1.9.0's (`git diff v1.9.0 v1.9.1 -- manifests/crds` is
   * empty), so the chart's CRDs are the right ones.
   */
  argoRollouts: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-rollouts", version: "2.41.0", appVersion: "v1.9.1" },
  /**
   * Confirmed: tag v1.21.1 of cert-manager/cert-manager (newest v1.21 there; v1.21.2, pinned
   * before, is not a tag). Values `crds.enabled`, `crds.keep`: deploy/charts/cert-manager/values.yaml:106-116.
   */
  certManager: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.1", appVersion: "v1.21.1" },
  /**
   * KServe charts, all confirmed at tag v0.20.0 of kserve/kserve: charts/<chart>/Chart.yaml
   * version and appVersion v0.20.0 for kserve-crd, kserve-resources, kserve-runtime-configs,
   * kserve-localmodel-crd and kserve-localmodel-resources.
   */
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
  /**
   * Confirmed: tag v0.20.0 of NVIDIA/k8s-device-plugin, deployments/helm/nvidia-device-plugin/Chart.yaml
   * version and appVersion 0.20.0 (0.20.1, pinned before, is not a tag there). Values
   * nodeSelector, affinity, tolerations, priorityClassName, gfd: values.yaml:63, 64, 86, 99, 110.
   */
  nvidiaDevicePlugin: { repo: "https://nvidia.github.io/k8s-device-plugin", chart: "nvidia-device-plugin", version: "0.20.0", appVersion: "0.20.0" },
  /**
   * Karpenter, for `provisioner: karpenter` GPU pools (components/karpenter.ts). Confirmed: tag
   * v1.14.1 of aws/karpenter-provider-aws; its release script publishes the chart with the release
   * version as chart version (hack/release/common.sh: release() sets helm_chart_version="${version}",
   * publishHelmChart pushes it to RELEASE_REPO_ECR, public.ecr.aws/karpenter/), and the v1.14
   * getting-started step08-apply-helm-chart.sh installs oci://public.ecr.aws/karpenter/karpenter
   * --version "${KARPENTER_VERSION}". (charts/karpenter/Chart.yaml in the tree still reads 1.13.0:
   * the script overrides it when packaging.) Its crds/ hold the NodePool and EC2NodeClass CRDs that
   * ../shared/crds/karpenter has.
   */
  karpenter: { repo: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.14.1", appVersion: "1.14.1" },
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
 * v0.15.0. Confirmed: the newest tag of the upstream repository as fetched here (v0.17.0, pinned
 * before, is not a tag there); its go.mod builds against gateway-api v1.4.0 and the argo-rollouts
 * v1.6 plugin RPC, which the v1.9 controller still serves.
 *
 * No sha256: the release workflow at that tag (.github/workflows/release.yaml) uploads the bare
 * binaries (`gatewayapi-plugin-linux-amd64`...) with actions/upload-release-asset and no checksum
 * file, so upstream publishes none to pin. A value copied from elsewhere is not pinned either: a
 * wrong one stops the controller from starting. Pin one only after downloading the asset
 * (`curl -sL <location> | sha256sum`) from the release itself.
 */
export const ROLLOUTS_PLUGINS = {
  gatewayApi: {
    name: "argoproj-labs/gatewayAPI",
    version: "v0.15.0",
    location: "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.15.0/gatewayapi-plugin-linux-amd64",
  },
} as const satisfies Record<string, RolloutsPluginPin>;

/**
 * Gateway API CRDs, standard channel. Confirmed: tag v1.5.1 of kubernetes-sigs/gateway-api, whose
 * config/crd/standard files for GatewayClass, Gateway, GRPCRoute, HTTPRoute and ReferenceGrant are
 * byte-identical to ../shared/crds/gateway-api (compared at the tag); KServe v0.20.0 pins the
 * same version (kserve@v0.20.0:go.mod sigs.k8s.io/gateway-api v1.5.1, and
 * hack/setup/quick-install/*.sh GATEWAY_API_VERSION=v1.5.1, which applies this release asset;
 * KServe's charts do not bundle the CRDs). The release asset is the upstream
 * `standard-install.yaml` of that tag.
 */
export const GATEWAY_API = {
  version: "v1.5.1",
  channel: "standard",
  crdsUrl: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml",
} as const;

/**
 * Flux, installed from its own release manifest rather than a Helm chart. Confirmed: v2.9.4 is a
 * tag of fluxcd/flux2, and its release workflow publishes exactly this asset
 * (fluxcd/flux2@v2.9.4:.github/workflows/release.yaml "kustomize build ./manifests/install >
 * ./output/install.yaml", .goreleaser.yml release extra_files output/install.yaml): the flux-system
 * Namespace, the controllers with their CRDs, RBAC and network policies. It runs
 * kustomize-controller v1.9.4 (manifests/bases/kustomize-controller/kustomization.yaml), whose
 * Kustomization CRD is the one in ../shared/crds/flux, with `spec.ignore` (the Rollouts plugin's
 * weights, lib/render/flux.ts) and `spec.healthCheckExprs`.
 *
 * Why not the fluxcd-community `flux2` chart: its newest release to be found is flux2-2.18.3
 * (kustomize-controller v1.8.3, without `spec.ignore`, so the API server would prune the field);
 * the 2.19.0 pinned before could not be found anywhere.
 */
export const FLUX = {
  version: "v2.9.4",
  kustomizeController: "v1.9.4",
  installUrl: "https://github.com/fluxcd/flux2/releases/download/v2.9.4/install.yaml",
} as const;
