/**
 * Argo CD, and the one project and Application that deliver models from the GitOps repository.
 * The chart installs the CRDs; the AppProject and Application come from lib/render/argocd.ts so
 * the same objects can be written to YAML and validated against the upstream CRDs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { SigningKey } from "../lib/config/stack-config";
import { CHARTS } from "../lib/versions";
import { Problems, ValidationError, type Problem } from "../lib/errors";
import {
  adminPasswordProblem,
  argoCdValues,
  buildModelApplication,
  buildModelAppProject,
  DEFAULT_SYNC_RETRY,
  REPOSITORY_SECRET_LABEL,
  type GroupKind,
  type SyncRetry,
} from "../lib/render/argocd";
import { syncTimeoutProblem, SYNC_TIMEOUT_MINUTES } from "../lib/contracts/sync-timeout";
import { repoDirectoryProblem, repoUrlProblem } from "../lib/contracts/gitops-repo";
import { modelsNamespaceProblem, PLATFORM_NAMESPACES } from "../lib/contracts/models-namespace";
import { kubernetesNameProblem } from "../lib/names";
import { helmTimeoutProblems, pinnedRelease } from "./pinned-release";

export interface GitOpsRepoArgs {
  /** HTTPS URL of the GitOps repository, e.g. `https://github.com/acme/gitops.git`. */
  readonly url: string;
  /** Access token with read access to the repository. Must be a Pulumi secret. */
  readonly token: pulumi.Output<string>;
  /** User name sent with the token; GitHub and GitLab accept any non-empty name. @default "git" */
  readonly username?: string;
  /** Branch, tag or commit to sync. @default "main" */
  readonly targetRevision?: string;
  /** Directory holding the model manifests, relative to the repository root, e.g. `models/prod`. */
  readonly modelsPath: string;
}

export interface ArgoCdArgs {
  /** Bcrypt hash of the admin password (`configs.secret.argocdServerAdminPassword`). Must be a Pulumi secret. */
  readonly adminPasswordBcrypt: pulumi.Output<string>;
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
  readonly applicationDependsOn?: readonly pulumi.Resource[];
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

export class ArgoCd extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly projectName: pulumi.Output<string>;
  readonly applicationName: pulumi.Output<string>;
  readonly repositorySecretName: pulumi.Output<string>;
  /** The Helm release; depend on it for anything that needs Argo CD's CRDs. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:gitops:ArgoCd", name, args, opts);
    const problems = new Problems();
    problems.addAll(argoCdArgsProblems(args));
    problems.throwIfAny(`ArgoCd ${name}`);

    const namespaceName = args.namespace ?? ARGO_CD_DEFAULTS.namespace;
    const timeoutMinutes = args.helmTimeoutMinutes ?? ARGO_CD_DEFAULTS.helmTimeoutMinutes;
    const pin = CHARTS.argoCd;

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespaceName } }, { parent: this });

    // The hash is checked when known; its value never appears in an error.
    const adminPassword = pulumi.secret(args.adminPasswordBcrypt).apply((hash) => {
      const problem = adminPasswordProblem(hash, "adminPasswordBcrypt");
      if (problem) throw new ValidationError(`ArgoCd ${name}`, [problem]);
      return hash;
    });

    // A half-installed Argo CD (CRDs without a controller) is worse than none: pinnedRelease is atomic.
    this.release = pinnedRelease(
      `${name}-release`,
      {
        pin,
        releaseName: "argocd",
        namespace: namespace.metadata.name,
        timeoutMinutes,
        values: argoCdValues({
          adminPasswordBcrypt: adminPassword,
          dexEnabled: args.dexEnabled ?? ARGO_CD_DEFAULTS.dexEnabled,
          syncTimeoutMinutes: args.syncTimeoutMinutes ?? ARGO_CD_DEFAULTS.syncTimeoutMinutes,
          ...(args.signingKeys !== undefined && args.signingKeys.length > 0 && { gpgKeys: Object.fromEntries(args.signingKeys.map((k) => [k.id, k.publicKey])) }),
        }),
      },
      { parent: this },
    );

    const repoSecret = new k8s.core.v1.Secret(
      `${name}-repo`,
      {
        metadata: { name: "gitops-repo", namespace: namespace.metadata.name, labels: { ...REPOSITORY_SECRET_LABEL } },
        type: "Opaque",
        stringData: {
          type: "git",
          url: args.repo.url,
          username: args.repo.username ?? ARGO_CD_DEFAULTS.username,
          password: pulumi.secret(args.repo.token),
        },
      },
      { parent: this },
    );

    const projectObject = buildModelAppProject({
      name: "model-serving",
      argocdNamespace: namespaceName,
      repoUrl: args.repo.url,
      modelNamespaces: args.modelNamespaces,
      extraNamespaceResources: args.extraNamespaceResources,
      localModelCaches: args.localModelCaches ?? false,
      ...(args.signingKeys !== undefined && args.signingKeys.length > 0 && { signingKeyIds: args.signingKeys.map((k) => k.id) }),
    });
    const project = new k8s.apiextensions.CustomResource(`${name}-project`, projectObject, { parent: this, dependsOn: [this.release] });

    const applicationObject = buildModelApplication({
      name: "models",
      argocdNamespace: namespaceName,
      project: projectObject.metadata.name,
      repoUrl: args.repo.url,
      targetRevision: args.repo.targetRevision ?? ARGO_CD_DEFAULTS.targetRevision,
      path: args.repo.modelsPath,
      destinationNamespace: args.modelNamespaces[0],
      retry: { ...DEFAULT_SYNC_RETRY, ...args.syncRetry },
    });
    // After the project (the Application names it) and the credentials (the first sync needs them).
    const application = new k8s.apiextensions.CustomResource(`${name}-application`, applicationObject, {
      parent: this,
      dependsOn: [this.release, project, repoSecret, ...(args.applicationDependsOn ?? [])],
    });

    this.namespace = namespace.metadata.name;
    this.projectName = project.metadata.name;
    this.applicationName = application.metadata.name;
    this.repositorySecretName = repoSecret.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      projectName: this.projectName,
      applicationName: this.applicationName,
      repositorySecretName: this.repositorySecretName,
      release: this.release,
    });
  }
}
