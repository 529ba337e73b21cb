/**
 * How Flux and Argo CD tell whether what they delivered is healthy, for the kinds neither knows.
 *
 * Flux (kustomize-controller v1.9.4 `spec.healthCheckExprs`): CEL evaluated by
 * fluxcd/pkg@runtime/v0.110.1:runtime/cel/status_evaluator.go Evaluate on the whole object
 * (top-level variables apiVersion, kind, metadata, spec, status). Order: if
 * `status.observedGeneration` is an int64 that differs from `metadata.generation` → InProgress;
 * then `inProgress`, `failed`, `current`, the first true wins; none true → InProgress. The CEL
 * environment (runtime/cel/expression.go NewExpression) parses without declarations and enables
 * optional types, so a missing nested field is read as `x.?field.orValue(default)`: a plain
 * `x.field` on a missing field is an evaluation error, and the Kustomization then waits out its
 * timeout (the Flux CEL cheatsheet says so). `status` itself cannot be guarded (`has` cannot test
 * a top-level variable): before the controller first writes status, evaluation errors and the
 * poller simply reads again.
 *
 * Argo CD (v3.5.1): Lua scripts in argocd-cm `resource.customizations.health.<group>_<kind>`
 * (argo-cd@v3.5.1:docs/operator-manual/health.md "Way 1"), run with the live object as the global
 * `obj`, returning `{status, message}` with status Healthy | Progressing | Degraded | Suspended.
 * Argo CD ships checks for Rollout and InferenceService
 * (argo-cd@v3.5.1:resource_customizations/argoproj.io/Rollout/health.lua,
 * resource_customizations/serving.kserve.io/InferenceService/health.lua) but none for KServe's
 * LocalModelCache, LocalModelNode and LLMInferenceService, which it would otherwise report Healthy
 * on sight.
 * The scripts use only what Lua 5.1 (gopher-lua, Argo CD's VM) and 5.3 (fengari, our tests'
 * VM) share: `pairs`, `#`, string concatenation, no `table.getn`, no integer division.
 */

export interface CustomHealthCheck {
  readonly apiVersion: string;
  readonly kind: string;
  readonly current: string;
  readonly failed?: string;
  readonly inProgress?: string;
}

/**
 * Argo Rollouts v1.9.1. `status.observedGeneration` is a string there
 * (argo-rollouts@v1.9.1:pkg/apis/rollouts/v1alpha1/types.go RolloutStatus.ObservedGeneration), so
 * Flux's built-in generation check skips it and the expression compares it itself, as the
 * Rollouts CLI does (utils/rollout/rolloututil.go GetRolloutPhase: not observed → Progressing).
 * The controller computes `status.phase` (Healthy, Degraded, Progressing, Paused; same file,
 * CalculateRolloutPhase): Degraded covers InvalidSpec, an aborted rollout and a progress deadline.
 *
 * Paused counts as current: a canary paused at a step is exactly the state git asked for (the
 * next step is a commit by `ml-gitops advance`), and a Kustomization that failed on every
 * reconcile while a canary waits would hold back everything that depends on it and page people
 * for a rollout that is going as planned. Argo CD reports the same state as Suspended, which does
 * not fail a sync either.
 */
export const ROLLOUT_HEALTH: CustomHealthCheck = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Rollout",
  inProgress: "status.?observedGeneration.orValue('') != string(metadata.generation)",
  failed: "status.?phase.orValue('') == 'Degraded'",
  current: "status.?phase.orValue('') in ['Healthy', 'Paused']",
};

/**
 * KServe v0.20.0 InferenceService: knative-style conditions with an int64 observedGeneration (so
 * Flux's own generation check applies), and `status.modelStatus.transitionStatus`
 * (kserve@v0.20.0:pkg/apis/serving/v1beta1/inference_service_status.go: UpToDate, InProgress,
 * BlockedByFailedLoad, InvalidSpec). A failed load or an invalid spec will not recover by waiting,
 * as Argo CD's own InferenceService check also judges (Degraded for anything but UpToDate and
 * InProgress).
 */
export const INFERENCE_SERVICE_HEALTH: CustomHealthCheck = {
  apiVersion: "serving.kserve.io/v1beta1",
  kind: "InferenceService",
  failed: "status.?modelStatus.?transitionStatus.orValue('') in ['BlockedByFailedLoad', 'InvalidSpec']",
  current: "status.?conditions.orValue([]).exists(c, c.type == 'Ready' && c.status == 'True')",
};

/**
 * KServe v0.20.0 LocalModelCache (kserve@v0.20.0:pkg/apis/serving/v1alpha1/local_model_cache_status.go):
 * `status.copies` {available, total, failed}, each omitted when zero, and `status.nodeStatus`
 * per node. Current once every node of its node groups holds the model; failed as soon as a node's
 * download failed (a predictor scheduled there cannot start: the node agent does not retry a
 * failed download by itself). No nodes yet (total 0) is in progress, never current: the cache
 * serves nothing until a node of its groups exists.
 */
export const LOCAL_MODEL_CACHE_HEALTH: CustomHealthCheck = {
  apiVersion: "serving.kserve.io/v1alpha1",
  kind: "LocalModelCache",
  failed: "status.?copies.?failed.orValue(0) > 0",
  current: "status.?copies.?total.orValue(0) > 0 && status.?copies.?available.orValue(0) == status.?copies.?total.orValue(0)",
};

/**
 * KServe v0.20.0 LLMInferenceService (kserve@v0.20.0:pkg/apis/serving/v1alpha2/
 * llm_inference_service_lifecycle.go; v1alpha1 converts to the same status). Knative-style
 * conditions: `Ready` is the LivingConditionSet over `WorkloadsReady` and `RouterReady`, each
 * rolled up from sub-conditions (MainWorkloadReady... from the Deployment's Available condition,
 * workload_single_node.go propagateDeploymentStatus; HTTPRoutesReady, GatewaysReady...).
 * `status.observedGeneration` is an int64 bumped after every reconcile whether or not it succeeded
 * (controller.go Reconcile → knative.dev/pkg@v0.0.0-20260120122510-4a022ed9999a reconciler/
 * reconcile_common.go PostProcessReconcile, the version kserve v0.20.0's go.mod pins), so a
 * `Ready: True` of an older generation is not the new one's: Flux checks that itself, the Lua does.
 *
 * Failed, because waiting will not fix it:
 * - `PresetsCombined` False with reason ConfigNotFound or CombineBaseError (config_merge.go
 *   reconcileBaseRefs): a referenced LLMInferenceServiceConfig is missing or cannot merge. It is
 *   outside the Ready rollup and reconcile stops there, so `Ready` stays Unknown
 *   ("NewObservedGenFailure") and only this condition tells.
 * - a sub-condition False with reason ProgressDeadlineExceeded: the Deployment's own verdict,
 *   copied by propagateDeploymentStatus. That function stops at the first of the Deployment's
 *   Available and Progressing conditions it meets, so this shows only when Progressing comes
 *   first; otherwise the service reads in progress until the Kustomization's timeout (or, for a
 *   candidate, the canary's analysis gate, which refuses a candidate serving nothing).
 * Current: `Ready` True, or stopped (`serving.kserve.io/stop: "true"`: every workload condition
 * False with reason Stopped, workload.go), which is what git asked for; Argo CD calls it Suspended.
 */
export const LLM_INFERENCE_SERVICE_HEALTH: CustomHealthCheck = {
  apiVersion: "serving.kserve.io/v1alpha2",
  kind: "LLMInferenceService",
  failed:
    "status.?conditions.orValue([]).exists(c, c.status == 'False' && ((c.type == 'PresetsCombined' && c.?reason.orValue('') in ['ConfigNotFound', 'CombineBaseError']) || c.?reason.orValue('') == 'ProgressDeadlineExceeded'))",
  current: "status.?conditions.orValue([]).exists(c, c.type == 'Ready' && (c.status == 'True' || (c.status == 'False' && c.?reason.orValue('') == 'Stopped')))",
};

/** What the models Kustomization delivers and kstatus cannot assess on its own. */
export const MODEL_HEALTH_CHECK_EXPRS: readonly CustomHealthCheck[] = [ROLLOUT_HEALTH, INFERENCE_SERVICE_HEALTH, LOCAL_MODEL_CACHE_HEALTH, LLM_INFERENCE_SERVICE_HEALTH];

/** Same verdicts as LOCAL_MODEL_CACHE_HEALTH, with Argo CD's messages. */
export const LOCAL_MODEL_CACHE_HEALTH_LUA = `local hs = { status = "Progressing", message = "Waiting for the LocalModel controller to report copies" }
if obj.status == nil or obj.status.copies == nil then
  return hs
end
local copies = obj.status.copies
local total = copies.total or 0
local available = copies.available or 0
local failed = copies.failed or 0
if failed > 0 then
  local nodes = {}
  if obj.status.nodeStatus ~= nil then
    for node, state in pairs(obj.status.nodeStatus) do
      if state == "NodeDownloadError" then
        nodes[#nodes + 1] = node
      end
    end
  end
  table.sort(nodes)
  hs.status = "Degraded"
  hs.message = "Download failed on " .. failed .. " of " .. total .. " nodes"
  if #nodes > 0 then
    hs.message = hs.message .. ": " .. table.concat(nodes, ", ")
  end
  return hs
end
if total == 0 then
  hs.message = "No node of the cache's node groups yet"
  return hs
end
if available == total then
  hs.status = "Healthy"
  hs.message = "Model cached on " .. available .. " of " .. total .. " nodes"
  return hs
end
hs.message = "Model cached on " .. available .. " of " .. total .. " nodes"
return hs
`;

/**
 * KServe v0.20.0 LocalModelNode (kserve@v0.20.0:pkg/apis/serving/v1alpha1/local_model_node_status.go):
 * `status.modelStatus` per model (ModelDownloadPending, ModelDownloading, ModelDownloaded,
 * ModelDownloadError). Degraded on any download error, Healthy when every model of
 * `spec.localModels` is downloaded, Progressing otherwise.
 */
export const LOCAL_MODEL_NODE_HEALTH_LUA = `local hs = { status = "Progressing", message = "Waiting for the node agent to report models" }
local wanted = 0
if obj.spec ~= nil and obj.spec.localModels ~= nil then
  wanted = #obj.spec.localModels
end
local states = {}
if obj.status ~= nil and obj.status.modelStatus ~= nil then
  states = obj.status.modelStatus
end
local failed = {}
local downloaded = 0
for model, state in pairs(states) do
  if state == "ModelDownloadError" then
    failed[#failed + 1] = model
  elseif state == "ModelDownloaded" then
    downloaded = downloaded + 1
  end
end
if #failed > 0 then
  table.sort(failed)
  hs.status = "Degraded"
  hs.message = "Download failed: " .. table.concat(failed, ", ")
  return hs
end
if downloaded >= wanted then
  hs.status = "Healthy"
  hs.message = downloaded .. " of " .. wanted .. " models downloaded"
  return hs
end
hs.message = downloaded .. " of " .. wanted .. " models downloaded"
return hs
`;

/**
 * Same verdicts as LLM_INFERENCE_SERVICE_HEALTH, with Argo CD's words: Healthy, Progressing
 * (naming the conditions not yet True), Degraded (naming the failed condition and its message),
 * Suspended when stopped. Argo CD v3.5.1 ships no check for this kind
 * (argo-cd@v3.5.1:resource_customizations/serving.kserve.io/ has InferenceService only), so
 * without it an LLMInferenceService is Healthy the moment it exists.
 */
export const LLM_INFERENCE_SERVICE_HEALTH_LUA = `local hs = { status = "Progressing", message = "Waiting for KServe to report status" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local generation = 0
if obj.metadata ~= nil and obj.metadata.generation ~= nil then
  generation = obj.metadata.generation
end
local observed = obj.status.observedGeneration or 0
if observed < generation then
  hs.message = "Waiting for KServe to observe generation " .. generation .. " (observed " .. observed .. ")"
  return hs
end
local ready = nil
local waiting = {}
for _, c in pairs(obj.status.conditions) do
  local reason = c.reason or ""
  if c.status == "False" and ((c.type == "PresetsCombined" and (reason == "ConfigNotFound" or reason == "CombineBaseError")) or reason == "ProgressDeadlineExceeded") then
    hs.status = "Degraded"
    hs.message = c.type .. " " .. reason
    if c.message ~= nil and c.message ~= "" then
      hs.message = hs.message .. ": " .. c.message
    end
    return hs
  end
  if c.type == "Ready" then
    ready = c
  elseif c.status ~= "True" and c.type ~= "GroupDegraded" then
    waiting[#waiting + 1] = c.type
  end
end
if ready ~= nil and ready.status == "False" and ready.reason == "Stopped" then
  hs.status = "Suspended"
  hs.message = "LLMInferenceService is stopped"
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = "LLMInferenceService is ready"
  return hs
end
table.sort(waiting)
if #waiting > 0 then
  hs.message = "Waiting for " .. table.concat(waiting, ", ")
else
  hs.message = "Waiting for Ready"
end
return hs
`;

/** argocd-cm entries (chart values `configs.cm`), keyed `resource.customizations.health.<group>_<kind>`. */
export const ARGOCD_HEALTH_CUSTOMIZATIONS: Readonly<Record<string, string>> = {
  "resource.customizations.health.serving.kserve.io_LLMInferenceService": LLM_INFERENCE_SERVICE_HEALTH_LUA,
  "resource.customizations.health.serving.kserve.io_LocalModelCache": LOCAL_MODEL_CACHE_HEALTH_LUA,
  "resource.customizations.health.serving.kserve.io_LocalModelNode": LOCAL_MODEL_NODE_HEALTH_LUA,
};
