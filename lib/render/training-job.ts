/**
 * The fine-tune that produces a candidate, as a `batch/v1` Job that must succeed before the
 * candidate is served. Pure: the same declaration and context give the same Job.
 *
 * One Job per candidate, named after the model and the candidate's version: a Job's pod template
 * is immutable once created (Kubernetes refuses an update to spec.template), so the name changes
 * whenever what is trained changes (a new candidate), and a re-apply of an unchanged declaration
 * is a no-op on an existing Job instead of a refused update or a retrain.
 *
 * Ordering per delivery:
 * - Argo CD: a PreSync hook. Argo CD runs PreSync hooks before it applies anything of the sync and
 *   fails the sync when a hook fails, so the serving objects are never updated to a candidate whose
 *   training failed (argoproj/argo-cd@v3.5.1:gitops-engine/pkg/sync/doc.go "PreSync - executes prior
 *   to the apply of the manifests", "A sync will fail if _any_ hooks fail"; sync_context.go Sync():
 *   a completed unsuccessful task → executeSyncFailPhase, the later phases never run). A named hook
 *   is deleted and re-created by every sync operation (BeforeHookCreation is the default when no
 *   policy is given: gitops-engine/pkg/sync/hook/delete_policy.go DeletePolicies; sync_task.go
 *   deleteBeforeCreation), so the hook is rendered only while the candidate stands at step 0, the
 *   sync that introduces it: every later canary step is a commit and a sync, and must not retrain.
 *   Its TTL must outlive Argo CD's wait for it: a hook that disappears mid-sync fails the sync
 *   ("is missing, it might have been deleted", sync_context.go).
 * - Flux and direct (Pulumi): the Job is an ordinary object for the candidate's whole canary; no
 *   TTL, because a Job the cluster garbage-collects is drift that kustomize-controller or the next
 *   `pulumi up` would re-create, and so retrain. Promotion removes the candidate and with it the
 *   Job (pruned by Flux, deleted by Pulumi).
 */
import type { Training } from "../deployments/schema";
import { GPU_MODEL_INFO } from "../gpu/catalogue";
import { GPU_MODEL_LABEL, GPU_TAINT_K8S } from "../gpu/node-labels";
import { TRAINING_ANNOTATIONS, TRAINING_LABEL } from "../predicates/training-job";
import { versionSlug } from "./inference-service";
import { GPU_RESOURCE, type KubeObject, type ModelView, type RenderContext } from "./model-view";

export { TRAINING_ANNOTATIONS, TRAINING_LABEL };
export const ARGOCD_HOOK = "argocd.argoproj.io/hook";
export const ARGOCD_HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy";
/** Long enough for Argo CD to see the Job finish and for a human to read its logs. */
export const ARGOCD_HOOK_TTL_SECONDS = 7 * 24 * 3600;
/** Job names end up in the `batch.kubernetes.io/job-name` label of its pods: at most 63 characters. */
export const TRAINING_JOB_MAX_NAME = 63;

/** `<model>-train-<version slug>`; validate.ts refuses a declaration whose name would not fit. */
export function trainingJobName(model: string, version: string): string {
  return `${model}-train-${versionSlug(version)}`;
}

/** The same hardening as every model container (security-context.ts), with no way to relax it. */
export const TRAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  privileged: false,
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/** The environment the trainer reads its inputs from; the args may refer to them as $(NAME). */
export const TRAINING_ENV = { dataset: "ML_GITOPS_DATASET_URI", output: "ML_GITOPS_OUTPUT_URI" } as const;

/**
 * With Flux, what keeps the training path in git while no candidate trains: a ConfigMap naming the
 * model's last trained candidate (none between canaries). kustomize-controller fails a
 * Kustomization whose path is missing ("kustomization path not found",
 * kustomize-controller@v1.9.4:internal/controller/kustomization_controller.go), and the models'
 * Kustomization depends on the training one, so without it every promotion (which empties the
 * directory of Jobs) would stop the models from reconciling until the next `pulumi up`.
 */
export function renderTrainingAnchor(view: ModelView, ctx: RenderContext): KubeObject[] {
  if (view.declaration.spec.training === undefined || ctx.delivery !== "flux") return [];
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${view.name}-training`, namespace: view.namespace, labels: { ...view.labels, [TRAINING_LABEL]: view.name } },
      data: { candidateVersion: view.candidate?.version ?? "", outputUri: view.candidate ? view.declaration.spec.training.outputUri : "" },
    } as KubeObject,
  ];
}

/** The training Job of the view's candidate, or none (no training block, no candidate, or an Argo CD sync past step 0). */
export function renderTrainingJob(view: ModelView, ctx: RenderContext): KubeObject[] {
  const training = view.declaration.spec.training;
  const candidate = view.candidate;
  if (training === undefined || candidate === undefined) return [];
  const argocd = ctx.delivery === "argocd";
  if (argocd && candidate.step !== 0) return [];
  const name = trainingJobName(view.name, candidate.version);
  const labels = { ...view.labels, [TRAINING_LABEL]: view.name };
  const annotations: Record<string, string> = {
    [TRAINING_ANNOTATIONS.candidateVersion]: candidate.version,
    // As declared, not rewritten to a region's replica: the trainer publishes to the primary
    // bucket, and replication brings the artifact to the regions (components/artifact-store.ts).
    [TRAINING_ANNOTATIONS.candidateUri]: candidate.uri,
    [TRAINING_ANNOTATIONS.datasetUri]: training.datasetUri,
    [TRAINING_ANNOTATIONS.outputUri]: training.outputUri,
    ...(argocd ? { [ARGOCD_HOOK]: "PreSync", [ARGOCD_HOOK_DELETE_POLICY]: "BeforeHookCreation" } : {}),
  };
  return [
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name, namespace: view.namespace, labels, annotations },
      spec: {
        backoffLimit: training.backoffLimit,
        activeDeadlineSeconds: training.activeDeadlineMinutes * 60,
        ...(argocd ? { ttlSecondsAfterFinished: ARGOCD_HOOK_TTL_SECONDS } : {}),
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            serviceAccountName: ctx.storageServiceAccount,
            // Non-root always: unlike the serving images (security-context.ts), the trainer is the
            // team's own image, and a run that writes the candidate needs no root. The image must
            // declare a numeric non-root USER, or the kubelet refuses to start it.
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            ...placement(training),
            containers: [
              {
                name: "train",
                image: training.image,
                args: [...training.args],
                env: [
                  { name: TRAINING_ENV.dataset, value: training.datasetUri },
                  { name: TRAINING_ENV.output, value: training.outputUri },
                ],
                resources: {
                  limits: { memory: training.resources.memory, [GPU_RESOURCE]: String(training.gpu.count) },
                  requests: { cpu: training.resources.cpu, memory: training.resources.memory, [GPU_RESOURCE]: String(training.gpu.count) },
                },
                securityContext: TRAINER_SECURITY_CONTEXT,
              },
            ],
          },
        },
      },
    },
  ];
}

/** The same node contract as the serving pods (model-view.ts gpuPlacement), for the training GPUs. */
function placement(training: Training): Record<string, unknown> {
  const values = [...new Set(training.gpu.types.map((t) => GPU_MODEL_INFO[t].label))].sort();
  const tolerations = [{ effect: GPU_TAINT_K8S.effect, key: GPU_TAINT_K8S.key, operator: "Equal", value: GPU_TAINT_K8S.value }];
  const [only, ...others] = values;
  if (only !== undefined && others.length === 0) return { nodeSelector: { [GPU_MODEL_LABEL]: only }, tolerations };
  return {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_MODEL_LABEL, operator: "In", values }] }] } } },
    tolerations,
  };
}
