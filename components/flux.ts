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
import type { SigningKey } from "../lib/config/stack-config";
import { FLUX } from "../lib/versions";
import { Problems, type Problem } from "../lib/errors";
import {
  buildFluxPodMonitor,
  buildGitRepository,
  buildKustomization,
  signingKeysSecretData,
  FLUX_NAMESPACE,
  type HealthCheck,
  type IgnoreRule,
} from "../lib/render/flux";
import { MODEL_HEALTH_CHECK_EXPRS } from "../lib/render/health";
import { FLUX_TRAINING_TIMEOUT_MINUTES, SYNC_TIMEOUT_MINUTES } from "../lib/contracts/sync-timeout";
import { repoDirectoryProblem, repoUrlProblem } from "../lib/contracts/gitops-repo";
import { wholeNumberProblem } from "../lib/contracts/validators";

export interface FluxRepoArgs {
  /** HTTPS URL of the GitOps repository, e.g. `https://github.com/acme/gitops.git`. */
  readonly url: string;
  /** Access token with read access. Must be a Pulumi secret. */
  readonly token: pulumi.Output<string>;
  /** User name sent with the token; GitHub and GitLab accept any non-empty name. @default "git" */
  readonly username?: string;
  /** @default "main" */
  readonly branch?: string;
}

export interface GpuInfrastructureArgs {
  /** Directory in the repository with this cluster's GPU infrastructure, e.g. `clusters/prod/gpu`. */
  readonly path: string;
  /**
   * Objects whose health gates the sync, e.g. the NVIDIA device plugin DaemonSet. When given, only
   * these are checked; when omitted every applied object is (`wait: true`). @default every object
   */
  readonly healthChecks?: readonly HealthCheck[];
  /** Apply plus health checks: the one sync timeout rule, 30 to 180 (lib/contracts/sync-timeout.ts). @default 45 min */
  readonly timeoutMinutes?: number;
  /** @default 10 min */
  readonly intervalMinutes?: number;
  /** Retry after a failed reconciliation. @default 2 min */
  readonly retryIntervalMinutes?: number;
}

/** The model manifests ml-gitops renders into the repository (delivery: flux). */
export interface FluxModelsArgs {
  /** Directory of the rendered model manifests, e.g. `clusters/prod/models`. */
  readonly path: string;
  /** Apply plus health checks of the model workloads: the one sync timeout rule, 30 to 180 (lib/contracts/sync-timeout.ts). @default 45 min */
  readonly timeoutMinutes?: number;
  /**
   * Fields other controllers own on the delivered objects, kept out of Flux's drift correction:
   * the HTTPRoute weights the Rollouts Gateway API plugin sets (pluginOwnedWeightIgnores over
   * the rendered models). @default none
   */
  readonly ignore?: readonly IgnoreRule[];
  /**
   * The training Jobs' directory (components/model-deployment.ts trainingDir), synced by its own
   * Kustomization that waits for the Jobs to complete; the models Kustomization depends on it, so
   * a candidate is applied only after its fine-tune succeeded. Give it while a model renders a
   * training Job: kustomize-controller fails a Kustomization whose path is missing
   * (kustomize-controller@v1.9.4:internal/controller/kustomization_controller.go, "kustomization
   * path not found"). @default not synced
   */
  readonly training?: FluxTrainingArgs;
}

export interface FluxTrainingArgs {
  readonly path: string;
  /** Apply plus the wait for every Job to complete: the longest training deadline and some. At least 30, no maximum (FLUX_TRAINING_TIMEOUT_MINUTES). @default 45 min */
  readonly timeoutMinutes?: number;
}

export interface FluxArgs {
  readonly repo: FluxRepoArgs;
  /**
   * A repository path of GPU infrastructure to sync before the models. The sample stacks have
   * none: Pulumi provisions the GPU platform the models depend on (device plugin, KServe's
   * LocalModel charts and node groups, Gateway API), and a Kustomization whose path nothing
   * renders never becomes ready, holding back every Kustomization that depends on it.
   * @default not synced
   */
  readonly gpuInfrastructure?: GpuInfrastructureArgs;
  /** Sync the rendered model manifests, after the GPU infrastructure when that is synced. @default not synced */
  readonly models?: FluxModelsArgs;
  /** PodMonitor for the controllers; needs the Prometheus Operator CRDs. @default false */
  readonly podMonitor?: boolean;
  /** Trusted keys: the GitRepository then verifies the signature of every commit it syncs. @default no verification */
  readonly signingKeys?: readonly SigningKey[];
}

export const FLUX_DEFAULTS = {
  username: "git",
  branch: "main",
  timeoutMinutes: SYNC_TIMEOUT_MINUTES.default,
  intervalMinutes: 10,
  retryIntervalMinutes: 2,
  podMonitor: false,
} as const;


/** Reconcile intervals: whole minutes, at least 1, each with its default. */
const minutesAtLeastOne = (defaultMinutes: number) => ({ unit: "minutes", min: 1, default: defaultMinutes }) as const;

/** Every problem with the args, each with its path; the token is never echoed. */
export function fluxArgsProblems(args: FluxArgs): Problem[] {
  const problems: (Problem | undefined)[] = [];
  problems.push(repoUrlProblem("repo.url", args.repo.url));
  const synced = [
    ...(args.gpuInfrastructure ? [["gpuInfrastructure", args.gpuInfrastructure, "clusters/prod/gpu"] as const] : []),
    ...(args.models ? [["models", args.models, "clusters/prod/models"] as const] : []),
    ...(args.models?.training ? [["models.training", args.models.training, "clusters/prod/models-training"] as const] : []),
  ];
  if (synced.length === 0) {
    problems.push({ path: "models", message: "is not given, and neither is gpuInfrastructure: Flux would sync nothing", fix: "Give models (the rendered model manifests' path), gpuInfrastructure, or both." });
  }
  for (const [key, sync, example] of synced) {
    problems.push(repoDirectoryProblem(`${key}.path`, sync.path, example));
    // The training Kustomization waits for the longest training deadline; the others share Argo CD's range.
    const rule = key === "models.training" ? FLUX_TRAINING_TIMEOUT_MINUTES : SYNC_TIMEOUT_MINUTES;
    problems.push(wholeNumberProblem(rule, `${key}.timeoutMinutes`, sync.timeoutMinutes ?? FLUX_DEFAULTS.timeoutMinutes));
  }
  problems.push(
    wholeNumberProblem(minutesAtLeastOne(FLUX_DEFAULTS.intervalMinutes), "gpuInfrastructure.intervalMinutes", args.gpuInfrastructure?.intervalMinutes ?? FLUX_DEFAULTS.intervalMinutes),
    wholeNumberProblem(minutesAtLeastOne(FLUX_DEFAULTS.retryIntervalMinutes), "gpuInfrastructure.retryIntervalMinutes", args.gpuInfrastructure?.retryIntervalMinutes ?? FLUX_DEFAULTS.retryIntervalMinutes),
  );
  (args.gpuInfrastructure?.healthChecks ?? []).forEach((check, i) => {
    for (const key of ["apiVersion", "kind", "name", "namespace"] as const) {
      if (check[key].trim() === "") {
        problems.push({ path: `gpuInfrastructure.healthChecks[${i}].${key}`, value: check[key], message: "is empty", fix: "Name the object completely: apiVersion, kind, name and namespace." });
      }
    }
  });
  return problems.filter((p): p is Problem => p !== undefined);
}

export class Flux extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly gitRepositoryName: pulumi.Output<string>;
  readonly kustomizationName: pulumi.Output<string>;
  /** Flux's release manifest; depend on it for anything that needs Flux's CRDs. */
  readonly install: k8s.yaml.v2.ConfigFile;

  constructor(name: string, args: FluxArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:gitops:Flux", name, args, opts);
    const problems = new Problems();
    problems.addAll(fluxArgsProblems(args));
    problems.throwIfAny(`Flux ${name}`);

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
    // The first Kustomization: the GPU infrastructure's when synced, else the models'.
    this.kustomizationName = kustomization!.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      gitRepositoryName: this.gitRepositoryName,
      kustomizationName: this.kustomizationName,
      install: this.install,
    });
  }
}
