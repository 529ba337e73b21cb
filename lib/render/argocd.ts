/**
 * Argo CD objects for model delivery, as plain data: the same objects are created by the ArgoCd
 * component, written to YAML for the GitOps repo, and validated against the upstream CRDs
 * (Argo CD v3.5.1, ../shared/crds/argo-cd) in tests.
 */
import type { Problem } from "../errors";
import { ROLLOUTS_WEIGHTS_OWNER, WEIGHTS_OWNER_LABEL } from "./route-ownership";
import { ARGOCD_HEALTH_CUSTOMIZATIONS } from "./health";

export const IN_CLUSTER_SERVER = "https://kubernetes.default.svc";

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * What a model repo may create in a model namespace: KServe and Argo Rollouts objects and the
 * plain resources that come with them. Secrets are deliberately absent: credentials reach model
 * namespaces through IRSA and Pulumi, never through git.
 */
export const MODEL_NAMESPACE_RESOURCES: readonly GroupKind[] = [
  { group: "serving.kserve.io", kind: "InferenceService" },
  { group: "serving.kserve.io", kind: "ServingRuntime" },
  { group: "serving.kserve.io", kind: "InferenceGraph" },
  { group: "argoproj.io", kind: "Rollout" },
  { group: "argoproj.io", kind: "AnalysisTemplate" },
  { group: "argoproj.io", kind: "Experiment" },
  { group: "apps", kind: "Deployment" },
  // Training runs: PreSync hooks are synced objects too, and the project must admit them
  // (lib/render/training-job.ts).
  { group: "batch", kind: "Job" },
  { group: "", kind: "Service" },
  { group: "", kind: "ConfigMap" },
  { group: "", kind: "ServiceAccount" },
  { group: "", kind: "PersistentVolumeClaim" },
  { group: "autoscaling", kind: "HorizontalPodAutoscaler" },
  { group: "policy", kind: "PodDisruptionBudget" },
  { group: "networking.k8s.io", kind: "Ingress" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
  { group: "gateway.networking.k8s.io", kind: "HTTPRoute" },
  { group: "monitoring.coreos.com", kind: "ServiceMonitor" },
  { group: "monitoring.coreos.com", kind: "PodMonitor" },
];

/** Kinds whose `spec.replicas` an autoscaler (HPA, KEDA, the Rollouts controller) owns once live. */
export const AUTOSCALED_KINDS: readonly GroupKind[] = [
  { group: "argoproj.io", kind: "Rollout" },
  { group: "apps", kind: "Deployment" },
];

export interface SyncRetry {
  /** @default 5 */
  readonly limit: number;
  /** First wait between attempts. @default 30 s */
  readonly backoffDurationSeconds: number;
  /** @default 2 */
  readonly factor: number;
  /** Cap on the wait between attempts. @default 600 s (10 min) */
  readonly maxBackoffSeconds: number;
}

/**
 * The HTTPRoute weights the Argo Rollouts Gateway API plugin owns during a canary. It rewrites the
 * `backendRefs[].weight` of the route it steers (`<model>` of a vLLM model, lib/render/routing.ts)
 * at every setWeight step; with selfHeal, Argo CD would write git's weights back mid-step.
 *
 * A jq path rather than the JSON pointer `/spec/rules`: a pointer cannot address "every weight"
 * (no array wildcard), so it would have to hide the whole rules list, and a git change to a
 * route's matches or backends would then neither show as a diff nor, with
 * RespectIgnoreDifferences, be synced to an existing route. The Application CRD (v3.5.1) accepts
 * `jqPathExpressions`. The select keeps to routes labelled as plugin-steered: KServe models' routes
 * carry git's weights (each `ml-gitops advance` commit is the traffic shift), and the `<model>-ab`
 * route's weights are spec.routing.candidateWeight; git must keep owning both, and with
 * RespectIgnoreDifferences an ignored weight would never be synced again.
 */
export const PLUGIN_OWNED_ROUTE_WEIGHTS = {
  group: "gateway.networking.k8s.io",
  kind: "HTTPRoute",
  jqPathExpressions: [`select(.metadata.labels["${WEIGHTS_OWNER_LABEL}"] == "${ROLLOUTS_WEIGHTS_OWNER}") | .spec.rules[].backendRefs[]?.weight`],
} as const;

export const DEFAULT_SYNC_RETRY: SyncRetry = { limit: 5, backoffDurationSeconds: 30, factor: 2, maxBackoffSeconds: 600 };

/**
 * Sync options for the model Application.
 * - ServerSideApply: the KServe InferenceService CRD and the objects built on it are too large for
 *   client-side apply, which stores the whole object in the `last-applied-configuration`
 *   annotation (262144-byte limit), and fails with "metadata.annotations: Too long".
 * - RespectIgnoreDifferences: without it `ignoreDifferences` only hides the diff; a sync would
 *   still write `spec.replicas` back over the autoscaler, and route weights over the Rollouts
 *   plugin mid-canary.
 * - CreateNamespace: model namespaces exist before anything in them syncs.
 */
export const MODEL_SYNC_OPTIONS: readonly string[] = ["ServerSideApply=true", "RespectIgnoreDifferences=true", "CreateNamespace=true"];

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface AppProject {
  readonly apiVersion: "argoproj.io/v1alpha1";
  readonly kind: "AppProject";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly description: string;
    readonly sourceRepos: string[];
    readonly destinations: { server: string; namespace: string }[];
    readonly clusterResourceWhitelist: { group: string; kind: string; name?: string }[];
    readonly namespaceResourceWhitelist: { group: string; kind: string }[];
    readonly sourceIntegrity?: { git: { policies: { repos: { url: string }[]; gpg: { mode: "head"; keys: string[] } }[] } };
  };
}

export interface ModelAppProjectInput {
  readonly name: string;
  /** Argo CD's own namespace. */
  readonly argocdNamespace: string;
  /** The one GitOps repository the project may sync from. */
  readonly repoUrl: string;
  /** The only namespaces the project may deploy into. */
  readonly modelNamespaces: readonly string[];
  /** Added to MODEL_NAMESPACE_RESOURCES. @default none */
  readonly extraNamespaceResources?: readonly GroupKind[];
  /**
   * The model repo renders LocalModelCaches (the cluster has LocalModelNodeGroups): admit them.
   * @default false
   */
  readonly localModelCaches?: boolean;
  /**
   * GPG key ids whose signature the synced commit must carry; the keys themselves go into the
   * repo-server keyring through the chart's `configs.gpg.keys`. @default no verification
   */
  readonly signingKeyIds?: readonly string[];
}

/**
 * The one cluster-scoped kind a model repo renders besides its namespaces: KServe's
 * LocalModelCache (scope Cluster in the v0.20.0 CRD). The renderer names each cache
 * `<namespace>-<model>-<version>` (lib/render/local-model-cache.ts), so the project admits caches
 * only under its model namespaces' prefixes: git cannot create a cache outside them.
 */
export const LOCAL_MODEL_CACHE: GroupKind = { group: "serving.kserve.io", kind: "LocalModelCache" };

export function buildModelAppProject(input: ModelAppProjectInput): AppProject {
  const namespaced = [...MODEL_NAMESPACE_RESOURCES, ...(input.extraNamespaceResources ?? [])];
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: input.name, namespace: input.argocdNamespace, labels: managedLabels() },
    spec: {
      description: "Model serving: KServe and Argo Rollouts objects from the GitOps repository, into the model namespaces only.",
      sourceRepos: [input.repoUrl],
      destinations: input.modelNamespaces.map((namespace) => ({ server: IN_CLUSTER_SERVER, namespace })),
      // Cluster-scoped kinds, by name: the model namespaces themselves, so CreateNamespace=true
      // works (Argo CD checks the Namespace it creates like any object), and, where the cluster
      // caches models, LocalModelCaches named under a model namespace. Nothing else
      // cluster-wide can be created from git; the policy argocd-project-admits proves the
      // rendered objects fit.
      clusterResourceWhitelist: [
        ...input.modelNamespaces.map((name) => ({ group: "", kind: "Namespace", name })),
        ...(input.localModelCaches ? input.modelNamespaces.map((ns) => ({ ...LOCAL_MODEL_CACHE, name: `${ns}-*` })) : []),
      ],
      namespaceResourceWhitelist: uniqueGroupKinds(namespaced).map(({ group, kind }) => ({ group, kind })),
      // Argo CD 3.5 source integrity, the successor of signatureKeys: mode "head" verifies the
      // target revision's commit, signed by one of `keys` (argo-cd@v3.5.1
      // pkg/apis/application/v1alpha1/source_integrity.go, SourceIntegrityGitPolicyGPGModeHead).
      ...(input.signingKeyIds !== undefined && input.signingKeyIds.length > 0 && {
        sourceIntegrity: { git: { policies: [{ repos: [{ url: input.repoUrl }], gpg: { mode: "head" as const, keys: [...input.signingKeyIds] } }] } },
      }),
    },
  };
}

export interface IgnoreDifference {
  readonly group: string;
  readonly kind: string;
  readonly jsonPointers?: string[];
  readonly jqPathExpressions?: string[];
}

export interface Application {
  readonly apiVersion: "argoproj.io/v1alpha1";
  readonly kind: "Application";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly project: string;
    readonly source: { repoURL: string; targetRevision: string; path: string; directory: { recurse: boolean } };
    readonly destination: { server: string; namespace: string };
    readonly ignoreDifferences: IgnoreDifference[];
    readonly syncPolicy: {
      automated: { prune: boolean; selfHeal: boolean };
      syncOptions: string[];
      retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } };
    };
  };
}

export interface ModelApplicationInput {
  readonly name: string;
  readonly argocdNamespace: string;
  readonly project: string;
  readonly repoUrl: string;
  readonly targetRevision: string;
  /** Directory in the repo holding the model manifests. */
  readonly path: string;
  /** Namespace for manifests that do not name one. */
  readonly destinationNamespace: string;
  /** @default DEFAULT_SYNC_RETRY */
  readonly retry?: SyncRetry;
  /** @default AUTOSCALED_KINDS */
  readonly autoscaledKinds?: readonly GroupKind[];
}

export function buildModelApplication(input: ModelApplicationInput): Application {
  const retry = input.retry ?? DEFAULT_SYNC_RETRY;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: input.name, namespace: input.argocdNamespace, labels: managedLabels() },
    spec: {
      project: input.project,
      // Rendered models live in <path>/<namespace>/<model>/; a directory source reads only its
      // top level unless told to recurse.
      source: { repoURL: input.repoUrl, targetRevision: input.targetRevision, path: input.path, directory: { recurse: true } },
      destination: { server: IN_CLUSTER_SERVER, namespace: input.destinationNamespace },
      ignoreDifferences: [
        ...uniqueGroupKinds(input.autoscaledKinds ?? AUTOSCALED_KINDS).map(({ group, kind }) => ({ group, kind, jsonPointers: ["/spec/replicas"] })),
        { ...PLUGIN_OWNED_ROUTE_WEIGHTS, jqPathExpressions: [...PLUGIN_OWNED_ROUTE_WEIGHTS.jqPathExpressions] },
      ],
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: [...MODEL_SYNC_OPTIONS],
        // Retry covers failed attempts (a webhook not ready yet, a CRD still being established).
        // A sync that hangs never fails, so retry never fires: the controller's sync timeout
        // (configs.params "controller.sync.timeout.seconds", see argoCdValues) bounds that.
        retry: {
          limit: retry.limit,
          backoff: {
            duration: `${retry.backoffDurationSeconds}s`,
            factor: retry.factor,
            maxDuration: `${retry.maxBackoffSeconds}s`,
          },
        },
      },
    },
  };
}

export interface ArgoCdValuesInput<S> {
  /** Bcrypt hash of the admin password (a Pulumi secret in the component). */
  readonly adminPasswordBcrypt: S;
  readonly dexEnabled: boolean;
  readonly syncTimeoutMinutes: number;
  /**
   * Armored GPG public keys by key id, for the repo-server keyring (argocd-gpg-keys-cm, rendered
   * by the chart from `configs.gpg.keys`: argo-helm@argo-cd-10.1.1 charts/argo-cd/values.yaml,
   * the newest chart tag in reach here; the key is unchanged since 5.x). @default none
   */
  readonly gpgKeys?: Readonly<Record<string, string>>;
}

/**
 * Values for the argo-cd chart pinned in lib/versions.ts (Argo CD v3.5.1). The Application CRD has no per-app sync
 * timeout (spec.syncPolicy holds only automated, retry, syncOptions, managedNamespaceMetadata):
 * the bound is the controller's `controller.sync.timeout.seconds` in argocd-cmd-params-cm, which
 * the chart sets from `configs.params`. Its default `0` means no timeout, so a model whose pods
 * never turn healthy holds its sync Running for ever and auto-sync never starts the fix. It must
 * also outlast GPU start-up: pulling a 10+ GB serving image and loading weights takes 10+ minutes,
 * and a sync waiting on a wave's health must not be killed while that is still normal.
 */
export function argoCdValues<S>(input: ArgoCdValuesInput<S>) {
  // Keys confirmed at argo-helm@argo-cd-10.1.1 (the newest argo-cd chart in the snapshot; see
  // lib/versions.ts CHARTS.argoCd): charts/argo-cd/values.yaml:31-35 crds.install/keep,
  // :1138-1140 dex.enabled, :189-192 configs.cm, :431 configs.params (every key but create and
  // annotations goes into argocd-cmd-params-cm: templates/_helpers.tpl:256 "argo-cd.config.params"),
  // :681-716 configs.secret.createSecret/argocdServerAdminPassword.
  return {
    crds: { install: true, keep: true },
    dex: { enabled: input.dexEnabled },
    configs: {
      // Every key under configs.cm (but `create` and `annotations`) becomes an argocd-cm entry
      // (argo-helm@argo-cd-10.1.1:charts/argo-cd/templates/_helpers.tpl:218 "argo-cd.config.cm"):
      // health checks for the KServe kinds Argo CD has none for (lib/render/health.ts).
      cm: { ...ARGOCD_HEALTH_CUSTOMIZATIONS },
      params: {
        "server.insecure": false,
        "controller.sync.timeout.seconds": String(input.syncTimeoutMinutes * 60),
      },
      secret: { createSecret: true, argocdServerAdminPassword: input.adminPasswordBcrypt },
      ...(input.gpgKeys !== undefined && Object.keys(input.gpgKeys).length > 0 && { gpg: { keys: { ...input.gpgKeys } } }),
    },
  };
}

/** The label Argo CD reads to treat a Secret as repository credentials. */
export const REPOSITORY_SECRET_LABEL = { "argocd.argoproj.io/secret-type": "repository" } as const;

function managedLabels(): Record<string, string> {
  return { "app.kubernetes.io/managed-by": "ml-gitops", "app.kubernetes.io/part-of": "model-serving" };
}

function uniqueGroupKinds(list: readonly GroupKind[]): GroupKind[] {
  const seen = new Set<string>();
  return list.filter((gk) => {
    const key = `${gk.group}/${gk.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// $2a$/$2b$/$2y$, two-digit cost, 53 characters of salt and hash: what `htpasswd -nbBC 10` prints.
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** Argo CD compares the admin password against a bcrypt hash; a plain password never matches. */
export function adminPasswordProblem(value: string, path: string): Problem | undefined {
  if (BCRYPT.test(value)) return undefined;
  return {
    path,
    message: "is not a bcrypt hash",
    fix: `Pass the hash, not the password: htpasswd -nbBC 10 "" "$PASSWORD" | tr -d ':\\n' | sed 's/$2y/$2a/', stored with pulumi config set --secret.`,
  };
}
