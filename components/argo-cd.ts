/**
 * Argo CD, and the one project and Application that deliver models from the GitOps repository.
 * The chart installs the CRDs; the AppProject and Application come from lib/render/argocd.ts so
 * the same objects can be written to YAML and validated against the upstream CRDs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CHARTS } from "../lib/versions";
import { throwIfProblems, ValidationError } from "../lib/errors";
import { argoCdValues, buildModelApplication, buildModelAppProject, DEFAULT_SYNC_RETRY, REPOSITORY_SECRET_LABEL } from "../lib/render/argocd";
import { adminPasswordProblem, ARGO_CD_DEFAULTS, argoCdArgsProblems, type ArgoCdArgs } from "../lib/contracts/argo-cd";
import { pinnedRelease } from "./pinned-release";

export { ARGO_CD_DEFAULTS, argoCdArgsProblems, type ArgoCdArgs, type GitOpsRepoArgs } from "../lib/contracts/argo-cd";

export class ArgoCd extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly projectName: pulumi.Output<string>;
  readonly applicationName: pulumi.Output<string>;
  readonly repositorySecretName: pulumi.Output<string>;
  /** The Helm release; depend on it for anything that needs Argo CD's CRDs. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:gitops:ArgoCd", name, args, opts);
    throwIfProblems(`ArgoCd ${name}`, argoCdArgsProblems(args));

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
