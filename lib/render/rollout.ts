/**
 * The `vllm` engine as an Argo Rollout (argoproj.io/v1alpha1, Argo Rollouts v1.9.1 CRD), with its
 * stable and canary Services and AnalysisTemplates.
 *
 * How a declaration maps to a Rollout:
 * - The pod template is the candidate while one is declared, the stable otherwise. Argo keeps
 *   the previous template's ReplicaSet as the stable, so stable = spec.stable on the cluster and
 *   the template = spec.candidate; the stable artifact is also recorded in annotations
 *   (ml-gitops.dev/stable-version, -stable-uri) because the Rollout spec cannot name it.
 * - Steps map one to one (setWeight, pause with its duration, analysis → the AnalysisTemplate
 *   `<model>-analysis-<name>`), so `candidate.step` is Argo's `currentStepIndex`. Argo walks the
 *   steps itself; a pause without duration waits for `ml-gitops advance`, which also records the
 *   step in git. A new cluster must be rendered with `bootstrap` (see RenderContext).
 * - `spec.drift.autoRollback` becomes a background analysis (`strategy.canary.analysis`,
 *   template `<model>-drift`) that aborts the rollout by itself.
 *
 * Model loading: vLLM's own loader, not a storage-initializer init container. s3:// and gs://
 * artifacts stream straight into GPU memory with the Run:ai model streamer
 * (`--load-format=runai_streamer`, credentials from the storage ServiceAccount's IRSA role), so
 * there is no second image to pin and no 140 GB emptyDir to size; hf:// artifacts use vLLM's Hub
 * download pinned with `--revision=<commit>`.
 *
 * Traffic: the Gateway API traffic-router plugin (`argoproj-labs/gatewayAPI`, registered in the
 * Argo Rollouts controller's `trafficRouterPlugins`) sets the weights of the HTTPRoute
 * `<model>` (routing.ts). Replica-weighted canaries were rejected: with two 4-GPU replicas,
 * "10%" would really be 33% or 50% of traffic.
 */
import { argoMetric, metricSource, rolloutSelector, type SloThresholds, sloMetrics } from "../analysis/slo";
import type { Artifact, Analysis, VllmDeclaration } from "../deployments/schema";
import type { KubeObject, ModelView, RenderContext } from "./model-view";

/** Karpenter leaves a node alone while a pod on it carries this (karpenter.sh/v1 well-known annotation). */
export const DO_NOT_DISRUPT_ANNOTATION = "karpenter.sh/do-not-disrupt";
import { containerSecurityContext, podSecurityContext } from "./security-context";

export const VLLM_PORT = 8000;
export const SERVICE_PORT = 80;
export const GATEWAY_API_PLUGIN = "argoproj-labs/gatewayAPI";
const CANARY_HASH_ARG = "canary-hash";
/** A 70B model takes 10–20 minutes to stream onto its GPUs; never give a pod less than this to start. */
export const MIN_STARTUP_SECONDS = 30 * 60;
const PROBE_PERIOD_SECONDS = 10;

export const stableServiceName = (view: ModelView): string => `${view.name}-stable`;
export const canaryServiceName = (view: ModelView): string => `${view.name}-canary`;
/** The HTTPRoute that carries the canary weight: the traffic-router plugin steers it for vLLM. */
export const httpRouteName = (view: ModelView): string => view.name;
export const analysisTemplateName = (view: ModelView, analysis: string): string => `${view.name}-analysis-${analysis}`;
export const driftTemplateName = (view: ModelView): string => `${view.name}-drift`;

/** vLLM arguments naming the model: where it is and how to load it. */
export function modelArgs(uri: string): string[] {
  if (uri.startsWith("hf://")) {
    const rest = uri.slice("hf://".length).replace(/\/$/, "");
    const colon = rest.lastIndexOf(":");
    return colon === -1 ? [`--model=${rest}`] : [`--model=${rest.slice(0, colon)}`, `--revision=${rest.slice(colon + 1)}`];
  }
  return [`--model=${uri}`, "--load-format=runai_streamer"];
}

/** The vLLM server container for `artifact`: its image, with the declaration's vllm settings. */
function container(view: ModelView<VllmDeclaration>, artifact: Artifact & { readonly image: string }): Record<string, unknown> {
  const { model, rollout, serving } = view.declaration.spec;
  const { vllm } = serving;
  const { image } = artifact;
  const health = (periodSeconds: number, failureThreshold: number, timeoutSeconds: number) => ({
    failureThreshold,
    httpGet: { path: "/health", port: "http" },
    periodSeconds,
    timeoutSeconds,
  });
  const startupSeconds = Math.max(MIN_STARTUP_SECONDS, rollout.progressDeadlineMinutes * 60);
  const hf = artifact.uri.startsWith("hf://");
  return {
    name: "vllm",
    image,
    args: [
      ...modelArgs(view.uri(artifact)),
      `--served-model-name=${model.servedName ?? view.name}`,
      `--tensor-parallel-size=${vllm.tensorParallelSize}`,
      `--max-model-len=${vllm.maxModelLen}`,
      `--gpu-memory-utilization=${vllm.gpuMemoryUtilization}`,
      `--dtype=${vllm.dtype}`,
      `--port=${VLLM_PORT}`,
      ...vllm.extraArgs,
    ],
    ...(hf ? { env: [{ name: "HF_HOME", value: "/hf-cache" }] } : {}),
    ports: [{ containerPort: VLLM_PORT, name: "http", protocol: "TCP" }],
    resources: view.resources,
    securityContext: containerSecurityContext(view.declaration),
    // Weights take minutes to load: the startup probe holds liveness off for the whole progress
    // deadline, and readiness keeps traffic away until /health answers.
    startupProbe: health(PROBE_PERIOD_SECONDS, Math.ceil(startupSeconds / PROBE_PERIOD_SECONDS), 5),
    readinessProbe: health(PROBE_PERIOD_SECONDS, 3, 5),
    livenessProbe: health(30, 5, 10),
    volumeMounts: [{ mountPath: "/dev/shm", name: "dshm" }, ...(hf ? [{ mountPath: "/hf-cache", name: "hf-cache" }] : [])],
  };
}

function steps(view: ModelView): Record<string, unknown>[] {
  const hashArg = [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }];
  return view.declaration.spec.rollout.steps.map((step) => {
    if (step.setWeight !== undefined) return { setWeight: step.setWeight };
    if (step.pause !== undefined) return { pause: step.pause.duration !== undefined ? { duration: step.pause.duration } : {} };
    if (step.analysis !== undefined) return { analysis: { args: hashArg, templates: [{ templateName: analysisTemplateName(view, step.analysis) }] } };
    // The schema's stepSchema refuses a step with none of the three.
    throw new Error(`${view.name}: a rollout step has none of setWeight, pause or analysis`);
  });
}

function backgroundAnalysis(view: ModelView): Record<string, unknown> | undefined {
  if (!view.declaration.spec.drift) return undefined;
  // Start once the candidate takes traffic: before the first setWeight the queries have no data.
  const first = view.declaration.spec.rollout.steps.findIndex((s) => s.setWeight !== undefined && s.setWeight > 0);
  const startingStep = first + 1;
  return {
    args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }],
    ...(first !== -1 && startingStep < view.declaration.spec.rollout.steps.length ? { startingStep } : {}),
    templates: [{ templateName: driftTemplateName(view) }],
  };
}

function service(view: ModelView, name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: view.namespace, labels: { ...view.labels } },
    // Identical selectors: Argo adds rollouts-pod-template-hash to each, which is what splits them.
    spec: { ports: [{ name: "http", port: SERVICE_PORT, protocol: "TCP", targetPort: "http" }], selector: { ...view.selector } },
  };
}

/**
 * The analysis window: 5 minutes, at least four scrapes at the PodMonitor's 15 s interval even
 * for a rate, and short enough that a measurement sees the current step's traffic.
 */
export const ROLLOUT_ANALYSIS_WINDOW = "5m";

/** The declared thresholds, measured on the canary's pods only (selected by the canary pod-template hash). */
function sloTemplateMetrics(view: ModelView, ctx: RenderContext, thresholds: SloThresholds, timing: Record<string, unknown>): Record<string, unknown>[] {
  const served = view.declaration.spec.model.servedName ?? view.name;
  return sloMetrics(metricSource(view.declaration), rolloutSelector(view.namespace, CANARY_HASH_ARG), served, thresholds, ROLLOUT_ANALYSIS_WINDOW).map((m) =>
    argoMetric(m, ctx.prometheusUrl, timing),
  );
}

function analysisTemplate(view: ModelView, name: string, metrics: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AnalysisTemplate",
    metadata: { name, namespace: view.namespace, labels: { ...view.labels } },
    spec: { args: [{ name: CANARY_HASH_ARG }], metrics },
  };
}

export function renderAnalysisTemplates(view: ModelView, ctx: RenderContext): KubeObject[] {
  const { analysis } = view.declaration.spec.rollout;
  // By key, in the order Array.prototype.sort gives strings (UTF-16 code units).
  const out = Object.entries(analysis)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, a]: [string, Analysis]) =>
      analysisTemplate(view, analysisTemplateName(view, key), sloTemplateMetrics(view, ctx, a, { count: a.count, failureLimit: a.failureLimit, interval: a.interval })),
    );
  const drift = view.declaration.spec.drift;
  if (drift) {
    // No count: a background analysis measures until the rollout completes; one tolerated failure
    // keeps a single noisy scrape from aborting a multi-hour canary.
    out.push(analysisTemplate(view, driftTemplateName(view), sloTemplateMetrics(view, ctx, drift.autoRollback, { failureLimit: 1, interval: drift.monitorInterval })));
  }
  return out;
}

/**
 * With region waves, a completed wave's clusters keep the candidate at its last step
 * (lib/deployments/waves.ts), and Argo Rollouts, having completed every step, has already made the
 * candidate's ReplicaSet its stable (argoproj/argo-rollouts@v1.9.1:rollout/sync.go
 * shouldFullPromote, "Completed all %d canary steps"; rollout/canary.go syncRolloutStatusCanary).
 * An `abort` in a later wave puts the old stable's template back: for Argo that is an older
 * ReplicaSet than its stable, and without a rollback window it would walk the canary steps again
 * (an untimed pause stalling the return to stable half-way). Within a window of one revision it
 * skips the steps and promotes the previous ReplicaSet at once (rollout/sync.go
 * isRollbackWithinWindow, and shouldFullPromote's "Rollback within window"), which
 * revisionHistoryLimit keeps. It also makes `ml-gitops rollback` to the previous release immediate for these models.
 */
export const WAVES_ROLLBACK_WINDOW = { revisions: 1 } as const;

/** The Rollout, its two Services and its AnalysisTemplates. */
export function renderRollout(view: ModelView<VllmDeclaration>, ctx: RenderContext): KubeObject[] {
  const d = view.declaration;
  const template = view.candidate ?? view.stable;
  const deadlineSeconds = d.spec.rollout.progressDeadlineMinutes * 60;
  const analysis = backgroundAnalysis(view);
  const hf = template.uri.startsWith("hf://");
  const rollout: KubeObject = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: view.name, namespace: view.namespace, labels: { ...view.labels }, annotations: { ...view.record } },
    spec: {
      replicas: Math.max(1, d.spec.serving.replicas.min),
      revisionHistoryLimit: 3,
      progressDeadlineSeconds: deadlineSeconds,
      // A canary that cannot make progress (pods never ready) aborts back to the stable.
      progressDeadlineAbort: true,
      ...(d.spec.rollout.waves !== undefined && { rollbackWindow: WAVES_ROLLBACK_WINDOW }),
      selector: { matchLabels: { ...view.selector } },
      strategy: {
        canary: {
          ...(analysis ? { analysis } : {}),
          // While its pods are the canary, Karpenter must not consolidate or drift their GPU node
          // away mid-analysis: ephemeral metadata, on the canary pods only and removed once they
          // are promoted (argoproj/argo-rollouts@v1.9.1:pkg/apis/rollouts/v1alpha1/types.go
          // CanaryMetadata; rollout/ephemeralmetadata.go). Ignored on managed node groups.
          canaryMetadata: { annotations: { [DO_NOT_DISRUPT_ANNOTATION]: "true" } },
          canaryService: canaryServiceName(view),
          stableService: stableServiceName(view),
          steps: steps(view),
          trafficRouting: { plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: httpRouteName(view), namespace: view.namespace } } },
        },
      },
      template: {
        metadata: { labels: { ...view.labels } },
        spec: {
          containers: [container(view, template)],
          securityContext: podSecurityContext(view.declaration),
          serviceAccountName: ctx.storageServiceAccount,
          terminationGracePeriodSeconds: 120,
          ...view.placement,
          volumes: [{ emptyDir: { medium: "Memory" }, name: "dshm" }, ...(hf ? [{ emptyDir: {}, name: "hf-cache" }] : [])],
        },
      },
    },
  };
  return [rollout, service(view, stableServiceName(view)), service(view, canaryServiceName(view)), ...renderAnalysisTemplates(view, ctx)];
}
