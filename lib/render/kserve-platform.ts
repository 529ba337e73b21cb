/**
 * Chart values and annotations for the serving platform (cert-manager, KServe v0.20.0, Argo
 * Rollouts), as pure functions so the choices are tested without a Pulumi runtime.
 */
import type { KServeMode } from "../predicates/kserve-mode";
import { CHARTS, type RolloutsPluginPin } from "../versions";
import { GPU_LABEL, GPU_MODEL_LABEL, GPU_TAINT_K8S, NODE_OS_LABEL } from "../gpu/node-labels";

export type KnativeNetworkingLayer = "istio" | "kourier";

/**
 * How Standard-mode InferenceServices are reached from outside the cluster.
 * - `none` (default): KServe creates no Ingress/HTTPRoute (`disableIngressCreation`); models are
 *   cluster-internal until someone decides how they are exposed. Nothing here installs an
 *   ingress controller or a Gateway, so any other default would create routes nothing serves.
 * - `gatewayApi`: HTTPRoutes on an existing Gateway (KServe's recommended Standard-mode path;
 *   needs the Gateway API CRDs and an implementation running the named Gateway).
 * - `ingress`: networking.k8s.io Ingresses for an existing IngressClass (e.g. `alb`).
 */
export type StandardIngress =
  | { readonly kind: "none" }
  | { readonly kind: "gatewayApi"; /** `<namespace>/<name>` of the Gateway. */ readonly gateway: string }
  | { readonly kind: "ingress"; readonly className: string };

export const DEFAULT_STANDARD_INGRESS: StandardIngress = { kind: "none" };

export interface KServeControllerValuesInput {
  readonly deploymentMode: KServeMode;
  /** Standard mode only. */
  readonly ingress: StandardIngress;
  /** Knative mode only. */
  readonly networkingLayer?: KnativeNetworkingLayer;
  /** Domain for InferenceService URLs. */
  readonly domain: string;
  /**
   * Turn on KServe's local model cache (`kserve.localmodel.enabled`, which the chart writes to
   * `localModel.enabled` in the inferenceservice-config ConfigMap; default off). Without it the
   * controller ignores LocalModelCaches and pods download their weights as if none existed.
   * @default false
   */
  readonly localModel?: boolean;
}

/**
 * Values for `kserve-resources` v0.20.0. The deployment mode is always written: the chart's own
 * default is `Knative`, which fails on a cluster without Knative Serving.
 */
export function kserveControllerValues(input: KServeControllerValuesInput) {
  // Keys confirmed at kserve@v0.20.0:charts/kserve-resources/values.yaml: :63-64
  // kserve.localmodel.enabled, :108-109 kserve.controller.deploymentMode, :147-165
  // kserve.controller.gateway.{domain, disableIstioVirtualHost, disableIngressCreation,
  // ingressGateway.{enableGatewayApi, kserveGateway, createGateway, className}}.
  const gateway: Record<string, unknown> = { domain: input.domain };
  if (input.deploymentMode === "Standard") {
    const ingress = input.ingress;
    gateway.disableIngressCreation = ingress.kind === "none";
    gateway.ingressGateway = {
      enableGatewayApi: ingress.kind === "gatewayApi",
      createGateway: false,
      ...(ingress.kind === "gatewayApi" ? { kserveGateway: ingress.gateway } : {}),
      ...(ingress.kind === "ingress" ? { className: ingress.className } : {}),
    };
  } else {
    // Kourier has no Istio VirtualService; KServe must not try to create one.
    gateway.disableIstioVirtualHost = input.networkingLayer === "kourier";
  }
  return { kserve: { controller: { deploymentMode: input.deploymentMode, gateway }, localmodel: { enabled: input.localModel ?? false } } };
}

/** Node labels and taint the GPU pools carry (lib/gpu/node-labels.ts). */
export { GPU_LABEL as GPU_NODE_LABEL, NODE_OS_LABEL as GPU_NODE_OS_LABEL, GPU_MODEL_LABEL as GPU_NODE_MODEL_LABEL, GPU_TAINT_K8S as GPU_NODE_TAINT };

/**
 * The node label the agent DaemonSet always selects on. kserve-localmodel-resources v0.20.0
 * renders the DaemonSet by deep-merging its base manifest
 * (kserve@v0.20.0:charts/kserve-localmodel-resources/files/resources.yaml:375, nodeSelector
 * `kserve/localmodel: worker`) with files/daemonset-patch.yaml (our nodeSelector values) through
 * templates/_utils.tpl "kserve-common.deepMerge", which keeps every base key the patch lacks: a
 * Helm `null` removes the key from the values, not from the base file. So the selector cannot be
 * dropped; the GPU pools that may hold caches carry the label instead (infra/cluster.ts).
 */
export const LOCAL_MODEL_AGENT_LABEL = { key: "kserve/localmodel", value: "worker" } as const;

export interface LocalModelResourcesValuesInput {
  /** Image tag of the controller and agent: the chart's appVersion. */
  readonly kserveVersion: string;
  /** Value of `ml-gitops.dev/node-os` on the nodes the agent runs on. */
  readonly nodeOs: string;
  /** `ml-gitops.dev/gpu-model` values of the node groups: the agent runs only where a group is. */
  readonly gpuModelLabels: readonly string[];
}

/**
 * Values for `kserve-localmodel-resources` v0.20.0: the LocalModel controller (Deployment) and
 * node agent (DaemonSet `kserve-localmodelnode-agent`), in the KServe namespace because the chart
 * uses kserve-resources' `selfsigned-issuer` Issuer and `kserve-leader-election-role` Role.
 *
 * Keys, read at the v0.20.0 tag of kserve/kserve `charts/kserve-localmodel-resources`
 * (values.yaml, files/daemonset-patch.yaml, files/resources.yaml, templates/_utils.tpl):
 * - `kserve.version`: default image tag of both; set to the chart's appVersion as upstream's
 *   installer does (`--set kserve.version=...`), so the images match the chart.
 * - `kserve.localmodelnode.controller.nodeSelector`, `.tolerations`, `.affinity`
 *   (kserve@v0.20.0:charts/kserve-localmodel-resources/values.yaml `kserve.localmodelnode.controller`,
 *   read by files/daemonset-patch.yaml). The base manifest's `kserve/localmodel: worker` stays in
 *   the selector whatever the values say (LOCAL_MODEL_AGENT_LABEL), so it is written here too and
 *   the cache pools carry it. There is no hostPath value (the base manifest fixes `/models`).
 * The agent runs on the GPU nodes of the cache's OS whose GPU model has a node group, and
 * tolerates their taint; the controller
 * (no GPU) stays on the cluster's other nodes with the chart's defaults.
 *
 * There is no enable switch in this chart: installing it is enabling it. The cache itself is
 * switched on in kserve-resources (`kserve.localmodel.enabled`), which also owns the download
 * jobs' namespace and image (`kserve.localmodel.jobNamespace`, default kserve-localmodel-jobs).
 */
export function localModelResourcesValues(input: LocalModelResourcesValuesInput) {
  return {
    kserve: {
      version: input.kserveVersion,
      localmodelnode: {
        controller: {
          // Keys read by files/daemonset-patch.yaml: nodeSelector, tolerations, affinity (and
          // image, tag, imagePullPolicy, resources, left at the chart's defaults). The hostPath is
          // not a value: the base manifest fixes it at /models (files/resources.yaml:384,
          // DirectoryOrCreate), which local-model-node-group.ts LOCAL_MODEL_PATH matches.
          nodeSelector: { [LOCAL_MODEL_AGENT_LABEL.key]: LOCAL_MODEL_AGENT_LABEL.value, [GPU_LABEL]: "true", [NODE_OS_LABEL]: input.nodeOs },
          tolerations: [{ key: GPU_TAINT_K8S.key, operator: "Equal", value: GPU_TAINT_K8S.value, effect: GPU_TAINT_K8S.effect }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_MODEL_LABEL, operator: "In", values: [...input.gpuModelLabels].sort() }] }],
              },
            },
          },
        },
      },
    },
  };
}

/**
 * `kserve-runtime-configs` v0.20.0: the ClusterServingRuntimes (off by default), and the
 * well-known LLMInferenceServiceConfigs (`kserve-config-llm-template`, `…-router-route`, …) only
 * when the LLMInferenceService controller is installed: its webhook admits them, and every
 * LLMInferenceService is merged with them (pkg/controller/v1alpha2/llmisvc/config_merge.go).
 */
export function kserveRuntimeConfigValues(llmInferenceService = false) {
  return { kserve: { servingruntime: { enabled: true }, llmisvcConfigs: { enabled: llmInferenceService } } };
}

/**
 * `kserve-llmisvc-resources` v0.20.0 beside `kserve-resources`: the shared resources (the
 * inferenceservice-config ConfigMap, the Issuer, …) belong to kserve-resources, so this chart must
 * not create them again (`kserve.createSharedResources: false`, as upstream's installer sets when
 * both are installed: kserve/kserve@v0.20.0:hack/setup/common.sh, determine_shared_resources_helm).
 */
export function llmisvcResourcesValues() {
  return { kserve: { createSharedResources: false } };
}

/** cert-manager installs its CRDs (`installCRDs` is deprecated since 1.15) and keeps them on uninstall. */
export function certManagerValues() {
  // cert-manager@v1.21.1:deploy/charts/cert-manager/values.yaml:106-116 crds.enabled, crds.keep.
  return { crds: { enabled: true, keep: true } };
}

/** The regional S3 endpoint; China regions live under amazonaws.com.cn. */
export function s3Endpoint(region: string): string {
  return `s3.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/**
 * Annotations KServe's storage initializer reads from the ServiceAccount
 * (pkg/credentials/s3: `serving.kserve.io/s3-*`) plus the IRSA role. With IRSA there is no
 * access-key Secret: anonymous credentials off, boto3 assumes the role from the injected token.
 */
export function storageServiceAccountAnnotations<R>(input: { region: string; roleArn: R }) {
  return {
    "eks.amazonaws.com/role-arn": input.roleArn,
    "serving.kserve.io/s3-endpoint": s3Endpoint(input.region),
    "serving.kserve.io/s3-region": input.region,
    "serving.kserve.io/s3-usehttps": "1",
    "serving.kserve.io/s3-verifyssl": "1",
    "serving.kserve.io/s3-useanoncredential": "false",
  };
}

/** The one AWS region pattern (lib/contracts/model-bucket.ts). */
export { AWS_REGION } from "../contracts/model-bucket";
export const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export interface ArgoRolloutsValuesInput {
  readonly metrics: boolean;
  readonly serviceMonitor: boolean;
  /** Extra labels the Prometheus Operator selects ServiceMonitors by, e.g. `release: kube-prometheus-stack`. */
  readonly serviceMonitorLabels: Readonly<Record<string, string>>;
  readonly dashboard: boolean;
  /** Traffic router plugins registered in `argo-rollouts-config` (`trafficRouterPlugins`). */
  readonly trafficRouterPlugins: readonly RolloutsPluginPin[];
}

/**
 * The controller's ServiceAccount, named explicitly: the plugin's ClusterRoleBinding binds it by
 * name, and the chart would otherwise derive it from the release's full name.
 */
export const ARGO_ROLLOUTS_SERVICE_ACCOUNT = "argo-rollouts";

/**
 * Values for `argo-rollouts` 2.41.0 running v1.9.1. Prometheus analysis needs no chart setting (the
 * AnalysisTemplate names the address); the controller's own metrics and ServiceMonitor let the
 * same Prometheus alert on failed analyses and stuck rollouts.
 *
 * `controller.trafficRouterPlugins` is a list the chart writes, as YAML, under the
 * `trafficRouterPlugins` key of the `argo-rollouts-config` ConfigMap
 * (argo-helm templates/controller/configmap.yaml); each item is `{name, location, sha256?}`
 * (Argo Rollouts docs, features/traffic-management/plugins.md). Older charts took a map holding
 * the raw ConfigMap string instead; 2.41.x takes the list.
 */
export function argoRolloutsValues(input: ArgoRolloutsValuesInput) {
  // Keys confirmed at argo-helm@argo-rollouts-2.41.0 (the pinned chart, lib/versions.ts):
  // charts/argo-rollouts/values.yaml:2 installCRDs, :4 keepCRDs, :273-280 serviceAccount.create/name,
  // :112 controller.image.tag (empty: the chart's appVersion v1.9.0; set to the v1.9.1 we pin),
  // :171-187 controller.metrics.enabled/serviceMonitor.enabled/additionalLabels, :263
  // controller.trafficRouterPlugins, :340-344 dashboard.enabled/readonly.
  return {
    installCRDs: true,
    keepCRDs: true,
    serviceAccount: { create: true, name: ARGO_ROLLOUTS_SERVICE_ACCOUNT },
    controller: {
      image: { tag: CHARTS.argoRollouts.appVersion },
      metrics: {
        enabled: input.metrics,
        serviceMonitor: { enabled: input.metrics && input.serviceMonitor, additionalLabels: { ...input.serviceMonitorLabels } },
      },
      trafficRouterPlugins: input.trafficRouterPlugins.map((p) => ({ name: p.name, location: p.location, ...(p.sha256 !== undefined ? { sha256: p.sha256 } : {}) })),
    },
    // Read-only: promotion goes through git, so the dashboard must not be a second way to promote.
    dashboard: { enabled: input.dashboard, readonly: true },
  };
}

export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

/**
 * What the Gateway API plugin does with the controller's identity, as its own installation guide
 * at the pinned tag lists it for HTTPRoutes
 * (rollouts-plugin-trafficrouter-gatewayapi@v0.15.0:docs/installation.md, ClusterRole
 * `argo-rollouts-gateway-api-plugin`): get Services, and get/list/update/patch HTTPRoutes (list
 * for label-selector route discovery; it writes weights with update, pkg/plugin/httproute.go).
 * No ConfigMap rule: the same guide says "The plugin no longer uses a ConfigMap for state
 * storage" (since v0.13.0), so the cluster-wide ConfigMap write grant is gone. GRPCRoutes and the
 * v1alpha2 routes are not rendered here, so not granted.
 */
export function gatewayApiPluginRules(): PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["services"], verbs: ["get"] },
    { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: ["get", "list", "update", "patch"] },
  ];
}
