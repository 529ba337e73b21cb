/** Every container image a workload or model-serving resource runs, with its field path. */
import { isObj, list, obj, type Obj } from "./known";
import { isKind, MODEL_DEPLOYMENT_TYPE } from "./k8s";
import {
  containersOf, FRAMEWORK_FIELDS, inferenceServiceComponents, isLlmInferenceServiceLike, isServingRuntime, llmInferenceServiceAllPodSpecs, workloadKind, workloadPodSpec, type At,
} from "./workloads";
import { declarationOf } from "./predicates/model-deployment-props";

function imagesOfContainers(containers: At<Obj>[]): At<string>[] {
  const out: At<string>[] = [];
  for (const c of containers) if (typeof c.value.image === "string") out.push({ path: `${c.path}.image`, value: c.value.image });
  return out;
}

/**
 * Containers' images and image volumes' references: an ImageVolume (`volumes[].image.reference`,
 * Kubernetes 1.31+) mounts an OCI image's files, which is how model weights are shipped as images.
 */
function imagesOfPod(pod: At<Obj>): At<string>[] {
  const out = imagesOfContainers(containersOf(pod));
  list(pod.value.volumes).forEach((v, i) => {
    const ref = obj(obj(v).image).reference;
    if (typeof ref === "string") out.push({ path: `${pod.path}.volumes[${i}].image.reference`, value: ref });
  });
  return out;
}

/** Cheap pre-check so resources of other types are never copied. */
export function carriesImages(type: string): boolean {
  return workloadKind(type) || isKind(type, "inferenceService") || isServingRuntime(type) || isLlmInferenceServiceLike(type) || type === MODEL_DEPLOYMENT_TYPE;
}

export function containerImages(type: string, props: Obj): At<string>[] {
  const pod = workloadPodSpec(type, props);
  if (pod) return imagesOfPod(pod);
  if (isKind(type, "inferenceService")) {
    const out: At<string>[] = [];
    for (const component of inferenceServiceComponents(props)) {
      for (const fw of FRAMEWORK_FIELDS) {
        const spec = component.value[fw];
        if (isObj(spec) && typeof spec.image === "string") out.push({ path: `${component.path}.${fw}.image`, value: spec.image });
      }
      out.push(...imagesOfPod(component));
      const worker = component.value.workerSpec;
      if (isObj(worker)) out.push(...imagesOfPod({ path: `${component.path}.workerSpec`, value: worker }));
    }
    return out;
  }
  if (isServingRuntime(type)) {
    const spec = props.spec;
    return isObj(spec) ? imagesOfContainers(containersOf({ path: "spec", value: spec })) : [];
  }
  if (isLlmInferenceServiceLike(type)) {
    return llmInferenceServiceAllPodSpecs(props).flatMap(imagesOfPod);
  }
  if (type === MODEL_DEPLOYMENT_TYPE) {
    // With GitOps delivery the rendered Rollout never reaches the engine: the declaration is
    // what `pulumi preview --policy-pack` sees.
    const declaration = declarationOf(props);
    const spec = isObj(declaration) && isObj(declaration.spec) ? declaration.spec : {};
    return (["stable", "candidate"] as const).flatMap((role) => {
      const artifact = spec[role];
      return isObj(artifact) && typeof artifact.image === "string" ? [{ path: `declaration.spec.${role}.image`, value: artifact.image }] : [];
    });
  }
  return [];
}

