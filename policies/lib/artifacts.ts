/**
 * Every model source a resource hands to a serving runtime, with its field path. Only fields
 * that KServe, the LLM controller, our component or a serving container actually read are
 * walked (see predicates/model-source.ts for command lines and env); free text such as
 * descriptions or annotations never is, and neither is any other URL (telemetry, proxies).
 */
import { isObj, isUnknown, list, obj, type Obj } from "./known";
import { isKind, MODEL_DEPLOYMENT_TYPE, type KindName } from "./k8s";
import { containerModelSources, type ModelSource, type Word } from "./predicates/model-source";
import { containersOf, FRAMEWORK_FIELDS, inferenceServiceComponents, isLlmInferenceServiceLike, isServingRuntime, llmInferenceServiceAllPodSpecs, workloadKind, workloadPodSpec, type At } from "./workloads";
import { declarationOf } from "./predicates/model-deployment-props";

/** A source to judge: a URI, a repo id on a command line, or a KServe storage path. */
export interface Source extends ModelSource {
  /** `storage.path` of KServe's StorageSpec: relative to the storage its key names. */
  storagePath?: true;
}

function push(out: Source[], path: string, v: unknown): void {
  if (typeof v === "string" && !isUnknown(v)) out.push({ path, value: v });
}

/** Model sources in one container's command line and environment. */
export function containerSources(container: At<Obj>): Source[] {
  const argv: Word[] = [];
  for (const field of ["command", "args"]) {
    list(container.value[field]).forEach((a, i) => {
      if (typeof a === "string") argv.push({ path: `${container.path}.${field}[${i}]`, value: a });
    });
  }
  const env = list(container.value.env).map((e, i) => ({ path: `${container.path}.env[${i}].value`, name: obj(e).name, value: obj(e).value }));
  return containerModelSources(argv, env);
}

/** A KServe framework spec or component: storageUri, storage.path, storageUris. */
function kserveStorage(out: Source[], path: string, spec: Obj): void {
  push(out, `${path}.storageUri`, spec.storageUri);
  const storage = obj(spec.storage);
  if (typeof storage.path === "string" && !isUnknown(storage.path)) out.push({ path: `${path}.storage.path`, value: storage.path, storagePath: true });
}

function inferenceServiceSources(props: Obj): Source[] {
  const out: Source[] = [];
  for (const component of inferenceServiceComponents(props)) {
    kserveStorage(out, component.path, component.value);
    for (const fw of FRAMEWORK_FIELDS) {
      const spec = component.value[fw];
      if (isObj(spec)) {
        kserveStorage(out, `${component.path}.${fw}`, spec);
        out.push(...containerSources({ path: `${component.path}.${fw}`, value: spec }));
      }
    }
    list(component.value.storageUris).forEach((s, i) => push(out, `${component.path}.storageUris[${i}].uri`, obj(s).uri));
    for (const c of containersOf(component)) out.push(...containerSources(c));
    // Multi-node serving: the worker pods run their own containers (v1beta1 PredictorSpec.WorkerSpec).
    const worker = component.value.workerSpec;
    if (isObj(worker)) for (const c of containersOf({ path: `${component.path}.workerSpec`, value: worker })) out.push(...containerSources(c));
  }
  return out;
}

function llmInferenceServiceSources(props: Obj): Source[] {
  const out: Source[] = [];
  const model = obj(obj(props.spec).model);
  push(out, "spec.model.uri", model.uri);
  // LoRA adapters are downloaded by the same storage initializer (v1alpha1 LoRASpec.Adapters).
  list(obj(model.lora).adapters).forEach((a, i) => push(out, `spec.model.lora.adapters[${i}].uri`, obj(a).uri));
  for (const pod of llmInferenceServiceAllPodSpecs(props)) for (const c of containersOf(pod)) out.push(...containerSources(c));
  return out;
}

const CACHE_KINDS: readonly KindName[] = ["localModelCache", "localModelNamespaceCache"];

/** Cheap pre-check so resources of other types are never copied. */
export function carriesArtifacts(type: string): boolean {
  return (
    (["inferenceService", "llmInferenceService", "rollout", ...CACHE_KINDS] as KindName[]).some((k) => isKind(type, k)) ||
    workloadKind(type) ||
    isLlmInferenceServiceLike(type) ||
    isServingRuntime(type) ||
    type === MODEL_DEPLOYMENT_TYPE
  );
}

/** Every model source in the resource, by type. */
export function artifactSources(type: string, props: Obj): Source[] {
  if (isKind(type, "inferenceService")) return inferenceServiceSources(props);
  if (CACHE_KINDS.some((k) => isKind(type, k))) {
    const out: Source[] = [];
    push(out, "spec.sourceModelUri", obj(props.spec).sourceModelUri);
    return out;
  }
  if (isLlmInferenceServiceLike(type)) return llmInferenceServiceSources(props);
  if (isServingRuntime(type)) {
    const spec = props.spec;
    return isObj(spec) ? containersOf({ path: "spec", value: spec }).flatMap(containerSources) : [];
  }
  const pod = workloadPodSpec(type, props);
  if (pod) return containersOf(pod).flatMap(containerSources);
  if (type === MODEL_DEPLOYMENT_TYPE) {
    const spec = obj(obj(declarationOf(props)).spec);
    const out: Source[] = [];
    push(out, "declaration.spec.stable.uri", obj(spec.stable).uri);
    push(out, "declaration.spec.candidate.uri", obj(spec.candidate).uri);
    return out;
  }
  return [];
}
