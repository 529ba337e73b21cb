/**
 * Chart values and annotations for the serving platform (cert-manager, KServe v0.20.0, Argo
 * Rollouts), as pure functions so the choices are tested without a Pulumi runtime.
 */
import type { KServeMode } from "../predicates/kserve-mode";

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
}

/**
 * Values for `kserve-resources` v0.20.0. The deployment mode is always written: the chart's own
 * default is `Knative`, which fails on a cluster without Knative Serving.
 */
export function kserveControllerValues(input: KServeControllerValuesInput) {
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
  return { kserve: { controller: { deploymentMode: input.deploymentMode, gateway } } };
}

/** `kserve-runtime-configs` v0.20.0: the ClusterServingRuntimes (off by default), no LLM configs. */
export function kserveRuntimeConfigValues() {
  return { kserve: { servingruntime: { enabled: true }, llmisvcConfigs: { enabled: false } } };
}

/** cert-manager installs its CRDs (`installCRDs` is deprecated since 1.15) and keeps them on uninstall. */
export function certManagerValues() {
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

export const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export interface ArgoRolloutsValuesInput {
  readonly metrics: boolean;
  readonly serviceMonitor: boolean;
  /** Extra labels the Prometheus Operator selects ServiceMonitors by, e.g. `release: kube-prometheus-stack`. */
  readonly serviceMonitorLabels: Readonly<Record<string, string>>;
  readonly dashboard: boolean;
}

/**
 * Values for `argo-rollouts` 2.41.1 (v1.9.1). Prometheus analysis needs no chart setting (the
 * AnalysisTemplate names the address); the controller's own metrics and ServiceMonitor let the
 * same Prometheus alert on failed analyses and stuck rollouts.
 */
export function argoRolloutsValues(input: ArgoRolloutsValuesInput) {
  return {
    installCRDs: true,
    keepCRDs: true,
    controller: {
      metrics: {
        enabled: input.metrics,
        serviceMonitor: { enabled: input.metrics && input.serviceMonitor, additionalLabels: { ...input.serviceMonitorLabels } },
      },
    },
    // Read-only: promotion goes through git, so the dashboard must not be a second way to promote.
    dashboard: { enabled: input.dashboard, readonly: true },
  };
}
