/**
 * Where pod specs and model-serving components live in the resources we check. Each walker
 * returns the structure with its field path, so rules report `spec.template.spec.containers[0]`
 * rather than "somewhere in the Deployment".
 */
import { isObj, list, obj, type Obj } from "./known";
import { isKind, parseKubeType } from "./k8s";

export interface At<T> {
  path: string;
  value: T;
}

const POD_TEMPLATE_KINDS: Readonly<Record<string, string>> = {
  "apps/Deployment": "spec.template.spec",
  "apps/StatefulSet": "spec.template.spec",
  "apps/DaemonSet": "spec.template.spec",
  "apps/ReplicaSet": "spec.template.spec",
  "batch/Job": "spec.template.spec",
  "batch/CronJob": "spec.jobTemplate.spec.template.spec",
  "core/Pod": "spec",
  "core/ReplicationController": "spec.template.spec",
  "argoproj.io/Rollout": "spec.template.spec",
  // A Knative Service runs its revision's pod spec (serving.knative.dev/v1 RevisionTemplateSpec).
  "serving.knative.dev/Service": "spec.template.spec",
};

function at(root: Obj, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split(".")) v = obj(v)[key];
  return v;
}

export function workloadKind(type: string): boolean {
  const t = parseKubeType(type);
  return t !== undefined && Object.hasOwn(POD_TEMPLATE_KINDS, `${t.group}/${t.kind}`);
}

/** The pod spec of a plain workload or Rollout, if the resource has one. */
export function workloadPodSpec(type: string, props: Obj): At<Obj> | undefined {
  const t = parseKubeType(type);
  const path = t && POD_TEMPLATE_KINDS[`${t.group}/${t.kind}`];
  if (!path) return undefined;
  const spec = at(props, path);
  return isObj(spec) ? { path, value: spec } : undefined;
}

/** Every container of a pod spec (or of a KServe component, which inlines a pod spec). */
export function containersOf(podSpec: At<Obj>): At<Obj>[] {
  const out: At<Obj>[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    list(podSpec.value[field]).forEach((c, i) => {
      if (isObj(c)) out.push({ path: `${podSpec.path}.${field}[${i}]`, value: c });
    });
  }
  return out;
}

/** KServe's framework shorthands; each may carry `storageUri` and `image`. */
export const FRAMEWORK_FIELDS = [
  "model", "sklearn", "xgboost", "tensorflow", "pytorch", "onnx", "triton", "lightgbm", "paddle", "pmml",
  "huggingface", "alibi", "art",
] as const;

/** The components of an InferenceService: predictor, transformer, explainer, canary predictors. */
export function inferenceServiceComponents(props: Obj): At<Obj>[] {
  const spec = obj(props.spec);
  const out: At<Obj>[] = [];
  for (const name of ["predictor", "transformer", "explainer"]) {
    if (isObj(spec[name])) out.push({ path: `spec.${name}`, value: spec[name] as Obj });
  }
  list(spec.canary).forEach((c, i) => {
    const predictor = obj(c).predictor;
    if (isObj(predictor)) out.push({ path: `spec.canary[${i}].predictor`, value: predictor });
  });
  return out;
}

/**
 * Model pod specs of an LLMInferenceService or LLMInferenceServiceConfig preset (which carries the
 * same spec and is merged into the services that use it): main and prefill, each with optional
 * multi-node workers (kserve/kserve@v0.20.0:pkg/apis/serving/v1alpha2/llm_inference_service_types.go,
 * LLMInferenceServiceSpec: WorkloadSpec.Template and .Worker, Prefill).
 */
export function llmInferenceServicePodSpecs(props: Obj): At<Obj>[] {
  const spec = obj(props.spec);
  const out: At<Obj>[] = [];
  for (const [path, v] of [
    ["spec.template", spec.template],
    ["spec.worker", spec.worker],
    ["spec.prefill.template", obj(spec.prefill).template],
    ["spec.prefill.worker", obj(spec.prefill).worker],
  ] as const) {
    if (isObj(v)) out.push({ path, value: v });
  }
  return out;
}

/**
 * Every pod spec an LLMInferenceService runs: its model pods and the llm-d scheduler (endpoint
 * picker) of `spec.router.scheduler.template` (SchedulerSpec.Template), the only other place the
 * v0.20.0 CRD takes a pod spec (../shared/crds/kserve: every `image` field of the schema lies under
 * one of these five).
 */
export function llmInferenceServiceAllPodSpecs(props: Obj): At<Obj>[] {
  const out = llmInferenceServicePodSpecs(props);
  const scheduler = obj(obj(obj(props.spec).router).scheduler).template;
  if (isObj(scheduler)) out.push({ path: "spec.router.scheduler.template", value: scheduler });
  return out;
}

/** An LLMInferenceService, or an LLMInferenceServiceConfig preset: the same spec. */
export function isLlmInferenceServiceLike(type: string): boolean {
  return isKind(type, "llmInferenceService") || isKind(type, "llmInferenceServiceConfig");
}

export function isServingRuntime(type: string): boolean {
  return isKind(type, "servingRuntime") || isKind(type, "clusterServingRuntime");
}
