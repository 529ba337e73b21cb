/**
 * The input contract of Flux (components/flux.ts): the repository, the GPU infrastructure,
 * models and training syncs, their defaults, and the one function that collects every problem
 * (the sync timeout and repository rules are the ones ArgoCd and the stack config share). Pure:
 * it names Pulumi's types only.
 */
import type { Output } from "@pulumi/pulumi";
import type { SigningKey } from "../config/stack-config";
import type { Problem } from "../errors";
import type { HealthCheck, IgnoreRule } from "../render/flux";
import { repoDirectoryProblem, repoUrlProblem } from "./gitops-repo";
import { FLUX_TRAINING_TIMEOUT_MINUTES, SYNC_TIMEOUT_MINUTES } from "./sync-timeout";
import { wholeNumberProblem } from "./validators";

export interface FluxRepoArgs {
  /** HTTPS URL of the GitOps repository, e.g. `https://github.com/acme/gitops.git`. */
  readonly url: string;
  /** Access token with read access. Must be a Pulumi secret. */
  readonly token: Output<string>;
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
