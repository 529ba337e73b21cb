/**
 * The input contract of ArgoCd (components/argo-cd.ts): its args, their defaults, and the one
 * function that collects every problem with them. Pure: it names Pulumi's types only, so the
 * stack config and tests can check args without loading the SDK.
 */
import type { Output, Resource } from "@pulumi/pulumi";
import type { SigningKey } from "../config/stack-config";
import type { Problem } from "../errors";
import { kubernetesNameProblem } from "../names";
import { adminPasswordProblem, DEFAULT_SYNC_RETRY, type GroupKind, type SyncRetry } from "../render/argocd";
import { repoDirectoryProblem, repoUrlProblem } from "./gitops-repo";
import { helmTimeoutProblems } from "./helm-release";
import { modelsNamespaceProblem, PLATFORM_NAMESPACES } from "./models-namespace";
import { syncTimeoutProblem, SYNC_TIMEOUT_MINUTES } from "./sync-timeout";

export { adminPasswordProblem };

export interface GitOpsRepoArgs {
  /** HTTPS URL of the GitOps repository, e.g. `https://github.com/acme/gitops.git`. */
  readonly url: string;
  /** Access token with read access to the repository. Must be a Pulumi secret. */
  readonly token: Output<string>;
  /** User name sent with the token; GitHub and GitLab accept any non-empty name. @default "git" */
  readonly username?: string;
  /** Branch, tag or commit to sync. @default "main" */
  readonly targetRevision?: string;
  /** Directory holding the model manifests, relative to the repository root, e.g. `models/prod`. */
  readonly modelsPath: string;
}

export interface ArgoCdArgs {
  /** Bcrypt hash of the admin password (`configs.secret.argocdServerAdminPassword`). Must be a Pulumi secret. */
  readonly adminPasswordBcrypt: Output<string>;
  readonly repo: GitOpsRepoArgs;
  /** Namespaces models are deployed into; the first is the Application's default destination. */
  readonly modelNamespaces: readonly string[];
  /** @default "argocd" */
  readonly namespace?: string;
  /** Dex (SSO). Off unless an identity provider is configured for it. @default false */
  readonly dexEnabled?: boolean;
  /**
   * Longest a sync may run before the controller terminates it (`controller.sync.timeout.seconds`).
   * The one sync timeout rule for Argo CD and Flux, 30 to 180 (lib/contracts/sync-timeout.ts). @default 45 min
   */
  readonly syncTimeoutMinutes?: number;
  /** Retry of failed syncs, with exponential backoff. @default 5 tries, 30 s doubling up to 10 min */
  readonly syncRetry?: Partial<SyncRetry>;
  /** Namespaced kinds the model repo may create, beyond KServe/Rollouts and their companions. @default none */
  readonly extraNamespaceResources?: readonly GroupKind[];
  /** The model repo renders LocalModelCaches (the cluster has LocalModelNodeGroups); the project admits them. @default false */
  readonly localModelCaches?: boolean;
  /**
   * What the models need installed before the Application's first sync: the CRDs of the kinds it
   * syncs (KServe, Argo Rollouts, Gateway API). An automated sync of an unknown kind fails, and
   * once its retries are spent Argo CD does not retry the same revision. @default none
   */
  readonly applicationDependsOn?: readonly Resource[];
  /** Helm wait for the Argo CD release. @default 10 min */
  readonly helmTimeoutMinutes?: number;
  /** Trusted GPG keys (id = 16-hex key id): the project then syncs only commits signed by one. @default no verification */
  readonly signingKeys?: readonly SigningKey[];
}

export const ARGO_CD_DEFAULTS = {
  namespace: PLATFORM_NAMESPACES.argoCd,
  dexEnabled: false,
  syncTimeoutMinutes: SYNC_TIMEOUT_MINUTES.default,
  helmTimeoutMinutes: 10,
  username: "git",
  targetRevision: "main",
} as const;


/** Every problem with the args, each with its path; secrets are never echoed. */
export function argoCdArgsProblems(args: ArgoCdArgs): Problem[] {
  const problems: Problem[] = [];
  const namespace = args.namespace ?? ARGO_CD_DEFAULTS.namespace;
  const namespaceProblem = kubernetesNameProblem("dns1123-label", "namespace name", "namespace", namespace, "Omit it for the default argocd.");
  if (namespaceProblem) problems.push(namespaceProblem);
  const repoProblems = [repoUrlProblem("repo.url", args.repo.url), repoDirectoryProblem("repo.modelsPath", args.repo.modelsPath, "models/prod")];
  problems.push(...repoProblems.filter((p): p is Problem => p !== undefined));
  if (args.modelNamespaces.length === 0) {
    problems.push({ path: "modelNamespaces", value: [], message: "is empty", fix: "Name at least one namespace models are deployed into, e.g. [\"models\"]." });
  }
  args.modelNamespaces.forEach((ns, i) => {
    const nsProblem = modelsNamespaceProblem(`modelNamespaces[${i}]`, ns, [namespace]);
    if (nsProblem) problems.push(nsProblem);
  });
  const timeoutProblem = syncTimeoutProblem("syncTimeoutMinutes", args.syncTimeoutMinutes ?? ARGO_CD_DEFAULTS.syncTimeoutMinutes);
  if (timeoutProblem) problems.push(timeoutProblem);
  const retry = { ...DEFAULT_SYNC_RETRY, ...args.syncRetry };
  const positiveInts: [keyof SyncRetry, number][] = [["limit", 1], ["backoffDurationSeconds", 1], ["factor", 1], ["maxBackoffSeconds", 1]];
  for (const [key, min] of positiveInts) {
    if (!Number.isInteger(retry[key]) || retry[key] < min) {
      problems.push({ path: `syncRetry.${key}`, value: retry[key], message: `must be a whole number of at least ${min}`, fix: `Omit it for the default ${DEFAULT_SYNC_RETRY[key]}.` });
    }
  }
  if (retry.maxBackoffSeconds < retry.backoffDurationSeconds) {
    problems.push({ path: "syncRetry.maxBackoffSeconds", value: retry.maxBackoffSeconds, message: "is shorter than backoffDurationSeconds", fix: "Make the cap at least the first wait." });
  }
  problems.push(...helmTimeoutProblems(args.helmTimeoutMinutes ?? ARGO_CD_DEFAULTS.helmTimeoutMinutes, ARGO_CD_DEFAULTS.helmTimeoutMinutes));
  return problems;
}
