/**
 * Flux objects for the cluster's GPU infrastructure, as plain data: created by the Flux
 * component, writable as YAML, and validated in tests against the upstream CRDs
 * (source-controller v1.9.1, kustomize-controller v1.9.4 in ../shared/crds/flux).
 */

import { SYNC_TIMEOUT_MINUTES } from "../contracts/sync-timeout";
import { PLATFORM_NAMESPACES } from "../contracts/models-namespace";
import type { CustomHealthCheck } from "./health";

/** Fixed by Flux's release manifest (fluxcd/flux2@v2.9.4:manifests/install/kustomization.yaml `namespace: flux-system`). */
export const FLUX_NAMESPACE = PLATFORM_NAMESPACES.flux;

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
 * publicKeyPGPSuffix / publicKeySSHSuffix and verifyGitObject). Flux v2.9.4 bundles
 * source-controller v1.9.4 (fluxcd/flux2@v2.9.4 manifests/bases/source-controller/kustomization.yaml);
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
    readonly healthCheckExprs?: CustomHealthCheck[];
    readonly ignore?: IgnoreRule[];
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
  /**
   * CEL health checks for kinds kstatus cannot assess (lib/render/health.ts); used only while
   * objects are health-checked, which `wait: true` guarantees here. @default none
   */
  readonly healthCheckExprs?: readonly CustomHealthCheck[];
  /** Drift ignore rules (pluginOwnedWeightIgnores). @default none */
  readonly ignore?: readonly IgnoreRule[];
}

/**
 * GPU infrastructure (drivers, device plugin, node feature discovery) becomes healthy only once
 * GPU nodes have joined, pulled multi-GB images and loaded kernel modules: routinely 15-25 min
 * from a cold node group. Below 30 min the Kustomization fails while nothing is wrong.
 */
export const MIN_KUSTOMIZATION_TIMEOUT_MINUTES = SYNC_TIMEOUT_MINUTES.min;

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
      ...(input.healthCheckExprs && input.healthCheckExprs.length > 0 ? { healthCheckExprs: input.healthCheckExprs.map((c) => ({ ...c })) } : {}),
      ...(input.ignore && input.ignore.length > 0 ? { ignore: input.ignore.map((r) => ({ paths: [...r.paths], target: { ...r.target } })) } : {}),
    },
  };
}

/** The controllers Flux's release manifest runs (fluxcd/flux2@v2.9.4:manifests/install/kustomization.yaml). */
export const FLUX_CONTROLLERS = [
  "source-controller",
  "kustomize-controller",
  "helm-controller",
  "notification-controller",
  "image-reflector-controller",
  "image-automation-controller",
  "source-watcher",
] as const;

/**
 * A PodMonitor for Flux's controllers (needs the Prometheus Operator CRDs). Every controller pod
 * carries `app: <controller>` and serves metrics on the container port named `http-prom`
 * (fluxcd/kustomize-controller@v1.9.4:config/manager/deployment.yaml; the other controllers
 * follow the same layout), which is what the fluxcd-community chart's PodMonitor selected too.
 */
export function buildFluxPodMonitor(namespace: string): { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: Record<string, unknown> } {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: "flux-system", namespace, labels: { ...managedLabels(), "app.kubernetes.io/part-of": "flux" } },
    spec: {
      namespaceSelector: { matchNames: [namespace] },
      selector: { matchExpressions: [{ key: "app", operator: "In", values: [...FLUX_CONTROLLERS] }] },
      podMetricsEndpoints: [{ port: "http-prom" }],
    },
  };
}

function managedLabels(): Record<string, string> {
  return { "app.kubernetes.io/managed-by": "ml-gitops" };
}

/**
 * A kustomize-controller drift ignore rule (Kustomization v1 `spec.ignore[]`): JSON Pointers,
 * and a target whose group/kind/name/namespace are regular expressions.
 */
export interface IgnoreRule {
  readonly paths: string[];
  readonly target: { group: string; kind: string; name: string; namespace: string };
}

type Loose = Record<string, unknown>;
const asObj = (v: unknown): Loose => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Loose) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const exactly = (s: string) => `^${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;

/**
 * The HTTPRoute weights the Argo Rollouts Gateway API plugin writes during a canary, as Flux drift
 * ignore rules, so a reconcile does not reset a canary mid-step while git keeps owning the route's
 * matches, hostnames, parents and backends.
 *
 * What the plugin owns (rollouts-plugin-trafficrouter-gatewayapi@v0.15.0:pkg/plugin/httproute.go
 * setHTTPRouteWeight): on the route named in the Rollout's
 * `trafficRouting.plugins["argoproj-labs/gatewayAPI"]` (`httpRoute`, or each of `httpRoutes`), the
 * `weight` of every backendRef named after the Rollout's canaryService or stableService, in every
 * rule; it writes them with a plain Update.
 *
 * Why `spec.ignore` (kustomize-controller@v1.9.4:docs/spec/v1/kustomizations.md "Ignore Rules"):
 * ignored paths are left out of drift detection, so the plugin's writes alone never trigger an
 * apply; when something else in the route changes, fluxcd/pkg@ssa/v0.76.1:ssa/manager_apply.go
 * computeDriftedPaths "adopts" the in-cluster value of each ignored path into the apply payload
 * (the plugin's Update is not an Apply manager, so Flux remains the sole Apply owner), so the live
 * weights survive while every other field comes from git. The alternatives are coarser:
 * `kustomize.toolkit.fluxcd.io/ssa: IfNotPresent` or `Ignore` would stop git owning the route
 * at all.
 */
export function pluginOwnedWeightIgnores(objects: readonly { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[], pluginName = "argoproj-labs/gatewayAPI"): IgnoreRule[] {
  const routes = new Map<string, Loose>();
  for (const o of objects) if (o.kind === "HTTPRoute" && o.apiVersion.startsWith("gateway.networking.k8s.io/")) routes.set(`${o.metadata.namespace ?? ""}/${o.metadata.name}`, o as unknown as Loose);
  const rules: IgnoreRule[] = [];
  for (const o of objects) {
    if (o.kind !== "Rollout" || !o.apiVersion.startsWith("argoproj.io/")) continue;
    const canary = asObj(asObj(asObj(o as unknown as Loose).spec).strategy).canary;
    const plugin = asObj(asObj(asObj(canary).trafficRouting).plugins)[pluginName];
    if (plugin === undefined) continue;
    const services = [asObj(canary).canaryService, asObj(canary).stableService].filter((s): s is string => typeof s === "string");
    const namespace = typeof asObj(plugin).namespace === "string" ? (asObj(plugin).namespace as string) : (o.metadata.namespace ?? "");
    const names = [asObj(plugin).httpRoute, ...asList(asObj(plugin).httpRoutes).map((r) => asObj(r).name)].filter((n): n is string => typeof n === "string");
    for (const name of names) {
      const route = routes.get(`${namespace}/${name}`);
      if (!route) continue;
      const paths = asList(asObj(route.spec).rules).flatMap((rule, i) =>
        asList(asObj(rule).backendRefs).flatMap((ref, j) => (services.includes(String(asObj(ref).name)) ? [`/spec/rules/${i}/backendRefs/${j}/weight`] : [])),
      );
      if (paths.length > 0) rules.push({ paths, target: { group: exactly("gateway.networking.k8s.io"), kind: exactly("HTTPRoute"), name: exactly(name), namespace: exactly(namespace) } });
    }
  }
  return rules;
}
