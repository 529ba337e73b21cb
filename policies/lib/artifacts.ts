/**
 * Every model artifact URI a resource hands to a serving runtime, with its field path. Only
 * fields that KServe, the LLM controller, our component or a serving container actually read
 * are walked; free text such as descriptions or annotations never is.
 */
import { isUnknown, isObj, list, obj, type Obj } from "./known";
import { isKind, MODEL_DEPLOYMENT_TYPE, type KindName } from "./k8s";
import { containersOf, FRAMEWORK_FIELDS, inferenceServiceComponents, workloadPodSpec, type At } from "./workloads";

/** A value the storage initializer would treat as a URI: it has a scheme, or is scp-style git. */
const URI_LIKE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)/;

export function looksLikeUri(v: unknown): v is string {
  return typeof v === "string" && URI_LIKE.test(v.trim());
}

function push(out: At<string>[], path: string, v: unknown): void {
  if (typeof v === "string" && !isUnknown(v)) out.push({ path, value: v });
}

/** Flags whose value is a model location for the serving engines we run (vLLM, KServe, TGI). */
function isModelFlag(flag: string): boolean {
  const name = flag.replace(/^-+/, "").toLowerCase().replace(/_/g, "-");
  return ["model", "model-id", "model-uri", "model-dir", "model-path", "model-name-or-path", "storage-uri", "tokenizer"].includes(name);
}

/**
 * Model URIs in a container's command line and environment: `--model=URI`, `--model URI`, a
 * positional URI after `serve`, and any env value with a scheme.
 */
export function containerArtifactUris(container: At<Obj>): At<string>[] {
  const out: At<string>[] = [];
  const argv: At<string>[] = [];
  for (const field of ["command", "args"]) {
    list(container.value[field]).forEach((a, i) => {
      if (typeof a === "string") argv.push({ path: `${container.path}.${field}[${i}]`, value: a });
    });
  }
  let afterServe = false;
  argv.forEach((arg, i) => {
    const eq = arg.value.indexOf("=");
    if (arg.value.startsWith("-") && eq !== -1) {
      if (isModelFlag(arg.value.slice(0, eq)) && looksLikeUri(arg.value.slice(eq + 1))) {
        out.push({ path: arg.path, value: arg.value.slice(eq + 1) });
      }
      return;
    }
    const prev = argv[i - 1]?.value;
    const flagValue = prev !== undefined && prev.startsWith("-") && !prev.includes("=");
    if (flagValue && isModelFlag(prev) && looksLikeUri(arg.value)) out.push(arg);
    else if (!flagValue && afterServe && looksLikeUri(arg.value)) out.push(arg);
    if (arg.value === "serve") afterServe = true;
  });
  list(container.value.env).forEach((e, i) => {
    const value = obj(e).value;
    if (looksLikeUri(value)) out.push({ path: `${container.path}.env[${i}].value`, value });
  });
  return out;
}

function inferenceServiceUris(props: Obj): At<string>[] {
  const out: At<string>[] = [];
  for (const component of inferenceServiceComponents(props)) {
    push(out, `${component.path}.storageUri`, component.value.storageUri);
    for (const fw of FRAMEWORK_FIELDS) {
      const spec = component.value[fw];
      if (isObj(spec)) push(out, `${component.path}.${fw}.storageUri`, spec.storageUri);
    }
    list(component.value.storageUris).forEach((s, i) => push(out, `${component.path}.storageUris[${i}].uri`, obj(s).uri));
    for (const c of containersOf(component)) out.push(...containerArtifactUris(c));
  }
  return out;
}

/** Cheap pre-check so resources of other types are never copied. */
export function carriesArtifacts(type: string): boolean {
  return ["inferenceService", "localModelCache", "llmInferenceService", "rollout"].some((k) => isKind(type, k as KindName)) || type === MODEL_DEPLOYMENT_TYPE;
}

/** Every artifact URI in the resource, by type. */
export function artifactUris(type: string, props: Obj): At<string>[] {
  if (isKind(type, "inferenceService")) return inferenceServiceUris(props);
  if (isKind(type, "localModelCache")) {
    const out: At<string>[] = [];
    push(out, "spec.sourceModelUri", obj(props.spec).sourceModelUri);
    return out;
  }
  if (isKind(type, "llmInferenceService")) {
    const out: At<string>[] = [];
    push(out, "spec.model.uri", obj(obj(props.spec).model).uri);
    return out;
  }
  if (isKind(type, "rollout")) {
    const pod = workloadPodSpec(type, props);
    return pod ? containersOf(pod).flatMap(containerArtifactUris) : [];
  }
  if (type === MODEL_DEPLOYMENT_TYPE) {
    const spec = obj(obj(props.declaration).spec);
    const out: At<string>[] = [];
    push(out, "declaration.spec.stable.uri", obj(spec.stable).uri);
    push(out, "declaration.spec.candidate.uri", obj(spec.candidate).uri);
    return out;
  }
  return [];
}
