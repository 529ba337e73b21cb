/**
 * Flux, syncing the cluster's GPU infrastructure and models from the GitOps repository.
 *
 * Flux is installed from its own release manifest (lib/versions.ts FLUX: the flux-system
 * Namespace, controllers, CRDs, RBAC and network policies of one tagged release), the way
 * `flux install` and upstream's docs install it. Not the fluxcd-community `flux2` chart: the
 * newest release of it to be found ships kustomize-controller v1.8, whose CRD lacks the
 * `spec.ignore` this component relies on. Not the Flux Operator: its `FluxInstance` would be one
 * more CR without an upstream CRD here to check it against, and it pins Flux by a field the
 * operator resolves, not by one artifact in lib/versions.ts. Every CR this component renders
 * (GitRepository, Kustomization) validates strictly against ../shared/crds. The image
 * automation controllers and source-watcher run idle: model promotion is a commit by the
 * ml-gitops CLI, not a registry watcher.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { FLUX } from "../lib/versions";
import { throwIfProblems } from "../lib/errors";
import {
  buildFluxPodMonitor,
  buildGitRepository,
  buildKustomization,
  signingKeysSecretData,
  FLUX_NAMESPACE,
} from "../lib/render/flux";
import { MODEL_HEALTH_CHECK_EXPRS } from "../lib/render/health";
import { FLUX_DEFAULTS, fluxArgsProblems, type FluxArgs } from "../lib/contracts/flux";

export { FLUX_DEFAULTS, fluxArgsProblems, type FluxArgs, type FluxModelsArgs, type FluxRepoArgs, type FluxTrainingArgs, type GpuInfrastructureArgs } from "../lib/contracts/flux";

export class Flux extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly gitRepositoryName: pulumi.Output<string>;
  readonly kustomizationName: pulumi.Output<string>;
  /** Flux's release manifest; depend on it for anything that needs Flux's CRDs. */
  readonly install: k8s.yaml.v2.ConfigFile;

  constructor(name: string, args: FluxArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:gitops:Flux", name, args, opts);
    throwIfProblems(`Flux ${name}`, fluxArgsProblems(args));

    const namespaceName = FLUX_NAMESPACE;
    const infra = args.gpuInfrastructure;

    // One tagged release manifest: the namespace, every controller and its CRDs together, so no
    // CR below is created before its kind exists. Provider-side under `pulumi up` (the engine
    // registers each object of the file as a child of this resource).
    this.install = new k8s.yaml.v2.ConfigFile(`${name}-install`, { file: FLUX.installUrl }, { parent: this });
    if (args.podMonitor ?? FLUX_DEFAULTS.podMonitor) {
      new k8s.apiextensions.CustomResource(`${name}-podmonitor`, buildFluxPodMonitor(namespaceName), { parent: this, dependsOn: [this.install] });
    }

    // HTTPS basic auth: source-controller reads `username` and `password` (see GitRepository secretRef).
    const secret = new k8s.core.v1.Secret(
      `${name}-git-auth`,
      {
        metadata: { name: "gitops-auth", namespace: namespaceName },
        type: "Opaque",
        stringData: { username: args.repo.username ?? FLUX_DEFAULTS.username, password: pulumi.secret(args.repo.token) },
      },
      // The namespace comes with the release manifest.
      { parent: this, dependsOn: [this.install] },
    );

    // Public keys only, but in a Secret: that is where source-controller reads them from.
    const signingKeys =
      args.signingKeys !== undefined && args.signingKeys.length > 0
        ? new k8s.core.v1.Secret(
            `${name}-signing-keys`,
            { metadata: { name: "gitops-signing-keys", namespace: namespaceName }, type: "Opaque", stringData: signingKeysSecretData(args.signingKeys) },
            { parent: this, dependsOn: [this.install] },
          )
        : undefined;
    const gitRepositoryObject = buildGitRepository({
      name: "gitops",
      namespace: namespaceName,
      url: args.repo.url,
      branch: args.repo.branch ?? FLUX_DEFAULTS.branch,
      secretName: "gitops-auth",
      ...(signingKeys && { verifySecretName: "gitops-signing-keys" }),
    });
    const gitRepository = new k8s.apiextensions.CustomResource(`${name}-source`, gitRepositoryObject, {
      parent: this,
      dependsOn: [this.install, secret, ...(signingKeys ? [signingKeys] : [])],
    });

    const intervalMinutes = infra?.intervalMinutes ?? FLUX_DEFAULTS.intervalMinutes;
    const retryIntervalMinutes = infra?.retryIntervalMinutes ?? FLUX_DEFAULTS.retryIntervalMinutes;
    let infraName: string | undefined;
    let kustomization: k8s.apiextensions.CustomResource | undefined;
    if (infra) {
      const kustomizationObject = buildKustomization({
        name: "gpu-infrastructure",
        namespace: namespaceName,
        sourceName: gitRepositoryObject.metadata.name,
        path: infra.path,
        intervalMinutes,
        retryIntervalMinutes,
        timeoutMinutes: infra.timeoutMinutes ?? FLUX_DEFAULTS.timeoutMinutes,
        healthChecks: infra.healthChecks,
      });
      infraName = kustomizationObject.metadata.name;
      kustomization = new k8s.apiextensions.CustomResource(`${name}-gpu-infrastructure`, kustomizationObject, {
        parent: this,
        dependsOn: [this.install, gitRepository],
      });
    }

    let trainingName: string | undefined;
    if (args.models?.training) {
      // `wait: true` health-checks every applied object, and kstatus reads a Job natively:
      // Current once Complete, Failed once its Failed condition is set (kustomize-controller@v1.9.4:
      // docs/spec/v1/kustomizations.md "Health checks" lists Job among the built-in kinds it
      // assesses; docs "Force" for why immutable fields need a replace otherwise). A Job's pod template is immutable, and no `force` is set: each candidate's Job
      // has its own name (lib/render/training-job.ts), so a new candidate creates a new Job and
      // prune removes the old one, while a re-apply of the same candidate changes nothing.
      const trainingObject = buildKustomization({
        name: "models-training",
        namespace: namespaceName,
        sourceName: gitRepositoryObject.metadata.name,
        path: args.models.training.path,
        intervalMinutes,
        retryIntervalMinutes,
        timeoutMinutes: args.models.training.timeoutMinutes ?? FLUX_DEFAULTS.timeoutMinutes,
        ...(infraName !== undefined && { dependsOn: [infraName] }),
      });
      trainingName = trainingObject.metadata.name;
      const training = new k8s.apiextensions.CustomResource(`${name}-models-training`, trainingObject, { parent: this, dependsOn: [this.install, gitRepository] });
      kustomization ??= training;
    }

    if (args.models) {
      // Models wait for the GPU infrastructure when Flux syncs it: a model pod scheduled before
      // the device plugin runs stays Pending, and its health check would burn the timeout.
      const modelsObject = buildKustomization({
        name: "models",
        namespace: namespaceName,
        sourceName: gitRepositoryObject.metadata.name,
        path: args.models.path,
        intervalMinutes,
        retryIntervalMinutes,
        timeoutMinutes: args.models.timeoutMinutes ?? FLUX_DEFAULTS.timeoutMinutes,
        ...((infraName !== undefined || trainingName !== undefined) && { dependsOn: [infraName, trainingName].filter((n): n is string => n !== undefined) }),
        // kstatus cannot assess Rollouts (string observedGeneration), InferenceServices' load
        // failures or LocalModelCaches (no conditions): without these the Kustomization waits out
        // its timeout on every reconcile, or calls a cache that never filled ready.
        healthCheckExprs: MODEL_HEALTH_CHECK_EXPRS,
        ignore: args.models.ignore,
      });
      const models = new k8s.apiextensions.CustomResource(`${name}-models`, modelsObject, { parent: this, dependsOn: [this.install, gitRepository] });
      kustomization ??= models;
    }

    this.namespace = pulumi.output(namespaceName);
    this.gitRepositoryName = gitRepository.metadata.name;
    // The first Kustomization: the GPU infrastructure's when synced, else the models'. The
    // contract checked above refuses args with neither (lib/contracts/flux.ts).
    if (kustomization === undefined) throw new Error(`Flux ${name}: neither gpuInfrastructure nor models is given (fluxArgsProblems refuses this)`);
    this.kustomizationName = kustomization.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      gitRepositoryName: this.gitRepositoryName,
      kustomizationName: this.kustomizationName,
      install: this.install,
    });
  }
}
