/**
 * Flux objects for the cluster's GPU infrastructure, as plain data: created by the Flux
 * component, writable as YAML, and validated in tests against the upstream CRDs
 * (source-controller v1.9.1, kustomize-controller v1.9.4 in ../shared/crds/flux).
 */

export const FLUX_NAMESPACE = "flux-system";

/** One object whose health gates the Kustomization (Flux `NamespacedObjectKindReference`). */
export interface HealthCheck {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

export interface GitRepository {
  readonly apiVersion: "source.toolkit.fluxcd.io/v1";
  readonly kind: "GitRepository";
  readonly metadata: { name: string; namespace: string; labels?: Record<string, string> };
  readonly spec: {
    readonly url: string;
    readonly ref: { branch: string };
    readonly interval: string;
    readonly timeout: string;
    readonly secretRef: { name: string };
    readonly verify?: { mode: "HEAD"; secretRef: { name: string } };
  };
}

export interface GitRepositoryInput {
  readonly name: string;
  readonly namespace: string;
  readonly url: string;
  readonly branch: string;
  /** Secret with `username` and `password` (the token) for HTTPS basic auth. */
  readonly secretName: string;
  /** @default 1 */
  readonly intervalMinutes?: number;
  /**
   * Secret of trusted public keys: Flux then refuses a HEAD commit without a good signature.
   * @default no verification
   */
  readonly verifySecretName?: string;
}

/**
 * Data of the trusted-keys Secret: source-controller reads PGP keys from `*.asc` and SSH keys from
 * `*.sshpub` (fluxcd/source-controller@v1.9.1 internal/controller/gitrepository_controller.go,
 * publicKeyPGPSuffix / publicKeySSHSuffix and verifyGitObject). Flux v2.9.1 bundles
 * source-controller v1.9.2 (fluxcd/flux2@v2.9.1 manifests/bases/source-controller/kustomization.yaml);
 * v1.9.1, the CRDs in ../shared, is the newest tag whose source could be read here.
 */
export function signingKeysSecretData(keys: readonly { id: string; kind: "ssh" | "pgp"; publicKey: string }[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [`${k.id}.${k.kind === "ssh" ? "sshpub" : "asc"}`, k.publicKey]));
}

export function buildGitRepository(input: GitRepositoryInput): GitRepository {
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name: input.name, namespace: input.namespace, labels: managedLabels() },
    spec: {
      url: input.url,
      ref: { branch: input.branch },
      interval: `${input.intervalMinutes ?? 1}m`,
      timeout: "60s",
      secretRef: { name: input.secretName },
      // HEAD: the commit the branch points to, which is the promotion commit Flux applies
      // (fluxcd/source-controller@v1.9.1 api/v1/gitrepository_types.go GitRepositoryVerification).
      ...(input.verifySecretName !== undefined && { verify: { mode: "HEAD" as const, secretRef: { name: input.verifySecretName } } }),
    },
  };
}

export interface Kustomization {
  readonly apiVersion: "kustomize.toolkit.fluxcd.io/v1";
  readonly kind: "Kustomization";
  readonly metadata: { name: string; namespace: string; labels?: Record<string, string> };
  readonly spec: {
    readonly sourceRef: { kind: "GitRepository"; name: string };
    readonly path: string;
    readonly prune: true;
    readonly interval: string;
    readonly retryInterval: string;
    readonly timeout: string;
    readonly wait: boolean;
    readonly healthChecks?: HealthCheck[];
  };
}

export interface KustomizationInput {
  readonly name: string;
  readonly namespace: string;
  /** GitRepository in the same namespace. */
  readonly sourceName: string;
  /** Directory in the repository, e.g. `clusters/prod/gpu`; rendered as `./clusters/prod/gpu`. */
  readonly path: string;
  readonly intervalMinutes: number;
  readonly retryIntervalMinutes: number;
  /** Validation, apply and health checks together. At least MIN_KUSTOMIZATION_TIMEOUT_MINUTES. */
  readonly timeoutMinutes: number;
  /** @default none: every applied object is health-checked (`wait: true`) */
  readonly healthChecks?: readonly HealthCheck[];
  /** Kustomizations (same namespace) that must be ready first. @default none */
  readonly dependsOn?: readonly string[];
}

/**
 * GPU infrastructure (drivers, device plugin, node feature discovery) becomes healthy only once
 * GPU nodes have joined, pulled multi-GB images and loaded kernel modules: routinely 15-25 min
 * from a cold node group. Below 30 min the Kustomization fails while nothing is wrong.
 */
export const MIN_KUSTOMIZATION_TIMEOUT_MINUTES = 30;

export function buildKustomization(input: KustomizationInput): Kustomization {
  const healthChecks = input.healthChecks ?? [];
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: input.name, namespace: input.namespace, labels: managedLabels() },
    spec: {
      sourceRef: { kind: "GitRepository", name: input.sourceName },
      path: input.path.startsWith("./") ? input.path : `./${input.path}`,
      prune: true,
      interval: `${input.intervalMinutes}m`,
      retryInterval: `${input.retryIntervalMinutes}m`,
      timeout: `${input.timeoutMinutes}m`,
      // kustomize-controller ignores healthChecks when wait is true ("When enabled, the
      // HealthChecks are ignored", Kustomization v1 CRD): named checks mean wait off, none means
      // every applied object is checked.
      wait: healthChecks.length === 0,
      ...(healthChecks.length > 0 ? { healthChecks: healthChecks.map((c) => ({ ...c })) } : {}),
      ...(input.dependsOn && input.dependsOn.length > 0 ? { dependsOn: input.dependsOn.map((name) => ({ name })) } : {}),
    },
  };
}

export interface Flux2ValuesInput {
  /** PodMonitor for the controllers (needs the Prometheus Operator CRDs). */
  readonly podMonitor: boolean;
}

/**
 * Values for the fluxcd-community flux2 chart 2.19.0 (Flux v2.9.1). Source, kustomize, helm and
 * notification controllers: the CRDs we validate against. Image automation is off: model
 * promotion is a commit by the ml-gitops CLI, not a registry watcher.
 */
export function flux2Values(input: Flux2ValuesInput) {
  return {
    installCRDs: true,
    watchAllNamespaces: true,
    sourceController: { create: true },
    kustomizeController: { create: true },
    helmController: { create: true },
    notificationController: { create: true },
    imageAutomationController: { create: false },
    imageReflectionController: { create: false },
    prometheus: { podMonitor: { create: input.podMonitor } },
  };
}

function managedLabels(): Record<string, string> {
  return { "app.kubernetes.io/managed-by": "ml-gitops" };
}
