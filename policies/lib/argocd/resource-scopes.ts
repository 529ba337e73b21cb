/**
 * Whether a kind is cluster-scoped or namespaced: Argo CD asks the API server's discovery
 * (`metav1.APIResource.Namespaced`) before it checks an object against an AppProject, and uses
 * the cluster or the namespace lists accordingly (argo-cd@v3.5.1:controller/sync.go
 * validateSyncPermissions). The plan has no API server, so the answer comes from here.
 *
 * CUSTOM_RESOURCE_SCOPES is the `spec.scope` of every CRD the program renders against, as the
 * upstream CRD files say it (the versions in ../shared/crds: KServe v0.20.0, Argo Rollouts
 * v1.9.1, Argo CD v3.5.1, Flux, gateway-api v1.5.1, prometheus-operator v0.93.0, Karpenter
 * v1.14.1). It is checked in rather than read at run time because a user's clone has no
 * ../shared; test/k8s/resource-scopes.test.ts keeps it equal to those CRD files whenever they are
 * present, so a CRD that changes scope (or a new one) fails the suite instead of drifting.
 *
 * BUILT_IN_SCOPES are Kubernetes' own kinds that models or projects name; their scope is fixed by
 * the Kubernetes API (v1.34 API reference; `kubectl api-resources` NAMESPACED column).
 */
export type Scope = "Cluster" | "Namespaced";

export interface KindScope {
  readonly group: string;
  readonly kind: string;
  readonly scope: Scope;
}

export const CUSTOM_RESOURCE_SCOPES: readonly KindScope[] = [
  // ../shared/crds/argo-cd
  { group: "argoproj.io", kind: "Application", scope: "Namespaced" },
  { group: "argoproj.io", kind: "ApplicationSet", scope: "Namespaced" },
  { group: "argoproj.io", kind: "AppProject", scope: "Namespaced" },
  // ../shared/crds/argo-rollouts
  { group: "argoproj.io", kind: "AnalysisRun", scope: "Namespaced" },
  { group: "argoproj.io", kind: "AnalysisTemplate", scope: "Namespaced" },
  { group: "argoproj.io", kind: "ClusterAnalysisTemplate", scope: "Cluster" },
  { group: "argoproj.io", kind: "Experiment", scope: "Namespaced" },
  { group: "argoproj.io", kind: "Rollout", scope: "Namespaced" },
  // ../shared/crds/flux
  { group: "helm.toolkit.fluxcd.io", kind: "HelmRelease", scope: "Namespaced" },
  { group: "kustomize.toolkit.fluxcd.io", kind: "Kustomization", scope: "Namespaced" },
  { group: "source.toolkit.fluxcd.io", kind: "Bucket", scope: "Namespaced" },
  { group: "source.toolkit.fluxcd.io", kind: "GitRepository", scope: "Namespaced" },
  { group: "source.toolkit.fluxcd.io", kind: "HelmRepository", scope: "Namespaced" },
  { group: "source.toolkit.fluxcd.io", kind: "OCIRepository", scope: "Namespaced" },
  // ../shared/crds/gateway-api
  { group: "gateway.networking.k8s.io", kind: "GatewayClass", scope: "Cluster" },
  { group: "gateway.networking.k8s.io", kind: "Gateway", scope: "Namespaced" },
  { group: "gateway.networking.k8s.io", kind: "GRPCRoute", scope: "Namespaced" },
  { group: "gateway.networking.k8s.io", kind: "HTTPRoute", scope: "Namespaced" },
  { group: "gateway.networking.k8s.io", kind: "ReferenceGrant", scope: "Namespaced" },
  // ../shared/crds/karpenter
  { group: "karpenter.k8s.aws", kind: "EC2NodeClass", scope: "Cluster" },
  { group: "karpenter.sh", kind: "NodePool", scope: "Cluster" },
  // ../shared/crds/kserve
  { group: "serving.kserve.io", kind: "ClusterServingRuntime", scope: "Cluster" },
  { group: "serving.kserve.io", kind: "InferenceGraph", scope: "Namespaced" },
  { group: "serving.kserve.io", kind: "InferenceService", scope: "Namespaced" },
  { group: "serving.kserve.io", kind: "LLMInferenceServiceConfig", scope: "Namespaced" },
  { group: "serving.kserve.io", kind: "LLMInferenceService", scope: "Namespaced" },
  { group: "serving.kserve.io", kind: "LocalModelCache", scope: "Cluster" },
  { group: "serving.kserve.io", kind: "LocalModelNamespaceCache", scope: "Namespaced" },
  { group: "serving.kserve.io", kind: "LocalModelNodeGroup", scope: "Cluster" },
  { group: "serving.kserve.io", kind: "LocalModelNode", scope: "Cluster" },
  { group: "serving.kserve.io", kind: "ServingRuntime", scope: "Namespaced" },
  // ../shared/crds/prometheus-operator
  { group: "monitoring.coreos.com", kind: "PodMonitor", scope: "Namespaced" },
  { group: "monitoring.coreos.com", kind: "PrometheusRule", scope: "Namespaced" },
  { group: "monitoring.coreos.com", kind: "ServiceMonitor", scope: "Namespaced" },
];

export const BUILT_IN_SCOPES: readonly KindScope[] = [
  { group: "", kind: "Namespace", scope: "Cluster" },
  { group: "", kind: "Node", scope: "Cluster" },
  { group: "", kind: "PersistentVolume", scope: "Cluster" },
  { group: "", kind: "ConfigMap", scope: "Namespaced" },
  { group: "", kind: "Secret", scope: "Namespaced" },
  { group: "", kind: "Service", scope: "Namespaced" },
  { group: "", kind: "ServiceAccount", scope: "Namespaced" },
  { group: "", kind: "PersistentVolumeClaim", scope: "Namespaced" },
  { group: "", kind: "Pod", scope: "Namespaced" },
  { group: "apps", kind: "Deployment", scope: "Namespaced" },
  { group: "apps", kind: "StatefulSet", scope: "Namespaced" },
  { group: "apps", kind: "DaemonSet", scope: "Namespaced" },
  { group: "batch", kind: "Job", scope: "Namespaced" },
  { group: "autoscaling", kind: "HorizontalPodAutoscaler", scope: "Namespaced" },
  { group: "policy", kind: "PodDisruptionBudget", scope: "Namespaced" },
  { group: "networking.k8s.io", kind: "Ingress", scope: "Namespaced" },
  { group: "networking.k8s.io", kind: "NetworkPolicy", scope: "Namespaced" },
  { group: "rbac.authorization.k8s.io", kind: "Role", scope: "Namespaced" },
  { group: "rbac.authorization.k8s.io", kind: "RoleBinding", scope: "Namespaced" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRole", scope: "Cluster" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding", scope: "Cluster" },
  { group: "storage.k8s.io", kind: "StorageClass", scope: "Cluster" },
  { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", scope: "Cluster" },
];

const SCOPES = new Map([...CUSTOM_RESOURCE_SCOPES, ...BUILT_IN_SCOPES].map((s) => [`${s.group}/${s.kind}`, s.scope]));

/** The kind's scope, or undefined for a kind the program does not know (its CRD is not pinned here). */
export function scopeOf(group: string, kind: string): Scope | undefined {
  return SCOPES.get(`${group}/${kind}`);
}

/** `argoproj.io/v1alpha1` → `argoproj.io`; `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}
