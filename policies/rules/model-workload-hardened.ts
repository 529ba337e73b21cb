/**
 * Model servers run unprivileged: no privilege escalation, every Linux capability dropped, the
 * container runtime's default seccomp profile. A model server needs none of these (GPUs come
 * from the device plugin), and a compromised one (a poisoned model, a deserialisation bug in a
 * runtime) should not get them. Advisory: third-party charts and old manifests may need time;
 * what ml-gitops renders always complies (lib/render/security-context.ts).
 *
 * Checked on the model containers of InferenceService predictors, LLMInferenceService pod specs
 * (and of the LLMInferenceServiceConfig presets merged into them) and Argo Rollouts. The seccomp profile may be set on the pod or the container, as Kubernetes
 * allows.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isKind } from "../lib/k8s";
import { isObj, isUnknown, list, obj, type Obj } from "../lib/known";
import { propsOf } from "../lib/policy";
import { containersOf, inferenceServiceComponents, isLlmInferenceServiceLike, llmInferenceServicePodSpecs, workloadPodSpec, type At } from "../lib/workloads";

/** Containers with their pod spec, where the model runs. */
function modelContainers(type: string, props: Obj): { pod: At<Obj>; container: At<Obj> }[] {
  const pods: At<Obj>[] = [];
  // Predictors serve the model; transformers and explainers are the user's own pre/post code.
  if (isKind(type, "inferenceService")) pods.push(...inferenceServiceComponents(props).filter((c) => c.path.endsWith("predictor")));
  else if (isLlmInferenceServiceLike(type)) pods.push(...llmInferenceServicePodSpecs(props));
  else if (isKind(type, "rollout")) {
    const pod = workloadPodSpec(type, props);
    if (pod) pods.push(pod);
  }
  return pods.flatMap((pod) => {
    const out = containersOf(pod).filter((c) => !c.path.includes(".initContainers[")).map((container) => ({ pod, container }));
    // KServe's ModelSpec (`predictor.model`) is the predictor's container.
    if (isObj(pod.value.model)) out.push({ pod, container: { path: `${pod.path}.model`, value: pod.value.model as Obj } });
    return out;
  });
}

function problems(pod: At<Obj>, container: At<Obj>): string[] {
  const sc = obj(container.value.securityContext);
  const podSc = obj(pod.value.securityContext);
  const where = `${container.path}.securityContext`;
  const out: string[] = [];
  if (isUnknown(container.value.securityContext)) return out;
  if (sc.privileged === true) out.push(`${where}.privileged is true; remove it: a model server needs no privilege (GPUs come from the device plugin)`);
  if (sc.allowPrivilegeEscalation !== false && !isUnknown(sc.allowPrivilegeEscalation)) {
    out.push(`${where}.allowPrivilegeEscalation is not false; set it to false`);
  }
  const dropped = list(obj(sc.capabilities).drop).map(String);
  if (!isUnknown(obj(sc.capabilities).drop) && !dropped.includes("ALL")) out.push(`${where}.capabilities.drop does not include ALL; drop ALL capabilities`);
  const seccomp = obj(sc.seccompProfile).type ?? obj(podSc.seccompProfile).type;
  if (!isUnknown(seccomp) && seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
    out.push(`${where}.seccompProfile.type is ${seccomp === undefined ? "unset (Unconfined on most runtimes)" : `"${String(seccomp)}"`} on the container and the pod; set RuntimeDefault`);
  }
  return out;
}

export const modelWorkloadHardened: ResourceValidationPolicy = {
  name: "model-workload-hardened",
  description: "Model server containers must not escalate privileges, must drop all capabilities and must run with the RuntimeDefault seccomp profile.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "inferenceService") && !isLlmInferenceServiceLike(args.type) && !isKind(args.type, "rollout")) return;
    for (const { pod, container } of modelContainers(args.type, propsOf(args))) {
      for (const message of problems(pod, container)) reportViolation(message);
    }
  },
};
