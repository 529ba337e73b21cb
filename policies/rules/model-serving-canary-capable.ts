/**
 * A model served by a Deployment, StatefulSet or Knative Service reaches users with no canary at
 * all: a rolling update (or a Knative revision taking its traffic) replaces the model with no
 * analysis and no automatic rollback, so every canary rule is bypassed. A workload is a model
 * server when it names a model (the sources model-artifact-immutable reads) or runs a known
 * model-server image. Not serving, so not judged: replicas 0, and a Deployment that a Rollout in
 * the same namespace takes its template from (`workloadRef`) with `scaleDown: onsuccess` or
 * `progressively`, since the Rollout then scales it down (argo-rollouts@v1.9.1
 * pkg/apis/rollouts/v1alpha1/types.go ObjectRef.ScaleDown; the default, "never", leaves it
 * serving). That needs the other resources, so this is a stack policy.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { artifactSources } from "../lib/artifacts";
import { isUnknown, obj, type Obj } from "../lib/known";
import { isKind, parseKubeType } from "../lib/k8s";
import { configOf, stringArray } from "../lib/policy";
import { ofTypes, type StackResource } from "../lib/stack";
import { parseImageRef } from "../lib/predicates/image-ref";
import { containersOf, workloadPodSpec } from "../lib/workloads";

export interface ModelServingConfig {
  /** Extra regular expressions matched against image repository names (without tag or digest). */
  serverImagePatterns: string[];
  /** Namespaces whose workloads are not judged (e.g. a sandbox). */
  exemptNamespaces: string[];
}
const defaults: ModelServingConfig = { serverImagePatterns: [], exemptNamespaces: [] };

/** Kinds that serve without a canary, by group/Kind, with the words messages use. */
const BYPASSING: Readonly<Record<string, string>> = {
  "apps/Deployment": "a Deployment rolls out with no canary",
  "apps/StatefulSet": "a StatefulSet rolls out with no canary",
  "serving.knative.dev/Service": "a Knative Service shifts traffic to a new revision with no analysis",
};

/** Model-server images by repository name: vLLM, TGI, Triton, TF Serving, TorchServe, KServe runtimes, SGLang, Ollama, llama.cpp, OpenVINO. */
const SERVER_IMAGES = /(^|\/)(vllm-openai|vllm|vllm-tpu|text-generation-inference|tritonserver|serving|torchserve|sklearnserver|xgbserver|lgbserver|huggingfaceserver|pmmlserver|paddleserver|sglang|ollama|llama\.cpp|model_server|lmdeploy)$/;

const ALTERNATIVES = "serve it through a canary-capable resource instead: an Argo Rollout with a canary strategy, a KServe InferenceService or LLMInferenceService, or a ModelDeployment declaration (deployments/<environment>/<model>.yaml)";

/** `namespace/name` of Deployments a Rollout scales down through its workloadRef. */
function scaledDownByRollouts(resources: readonly StackResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (!isKind(r.type, "rollout")) continue;
    const ref = obj(obj(r.props.spec).workloadRef);
    if (ref.kind === "Deployment" && typeof ref.name === "string" && (ref.scaleDown === "onsuccess" || ref.scaleDown === "progressively")) {
      out.add(`${String(obj(r.props.metadata).namespace ?? "")}/${ref.name}`);
    }
  }
  return out;
}

function problem(r: StackResource, why: string, config: ModelServingConfig, scaledDown: Set<string>): string | undefined {
  const props: Obj = r.props;
  const metadata = obj(props.metadata);
  const namespace = metadata.namespace;
  if (typeof namespace === "string" && config.exemptNamespaces.includes(namespace)) return undefined;
  const replicas = obj(props.spec).replicas;
  if (replicas === 0 || isUnknown(replicas)) return undefined;
  if (parseKubeType(r.type)?.kind === "Deployment" && scaledDown.has(`${String(namespace ?? "")}/${String(metadata.name)}`)) return undefined;
  const pod = workloadPodSpec(r.type, props);
  if (!pod) return undefined;
  const extra = config.serverImagePatterns.map((p) => new RegExp(p));
  const server = containersOf(pod).find((c) => {
    const image = c.value.image;
    const name = typeof image === "string" ? parseImageRef(image)?.name : undefined;
    return name !== undefined && (SERVER_IMAGES.test(name) || extra.some((x) => x.test(name)));
  });
  const source = artifactSources(r.type, props)[0];
  if (!server && !source) return undefined;
  const evidence = source ? `${source.path} names the model "${source.value}"` : `${server!.path}.image ${JSON.stringify(server!.value.image)} is a model server`;
  return `${evidence}, but ${why}: a bad model reaches every user at once with no analysis or automatic rollback; ${ALTERNATIVES}, or set spec.replicas to 0 (or let a Rollout's workloadRef scale it down with scaleDown: onsuccess).`;
}

const BYPASSING_TYPES = (type: string): string | undefined => {
  const t = parseKubeType(type);
  return t && BYPASSING[`${t.group}/${t.kind}`];
};

export const modelServingCanaryCapable: StackValidationPolicy = {
  name: "model-serving-canary-capable",
  description: "Model servers must run as resources that roll out through a canary, not as plain Deployments, StatefulSets or Knative Services.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      serverImagePatterns: stringArray("Extra regular expressions matched against image repository names that identify a model server."),
      exemptNamespaces: stringArray("Namespaces whose workloads are not judged."),
    },
  },
  validateStack: (args, reportViolation) => {
    // Only the kinds that can bypass a canary, and the Rollouts that may scale them down, are copied.
    const wanted = [...new Set(args.resources.map((r) => r.type))].filter((t) => BYPASSING_TYPES(t) !== undefined || isKind(t, "rollout"));
    if (!wanted.some((t) => BYPASSING_TYPES(t) !== undefined)) return;
    const config = configOf(defaults, args.getConfig);
    const all = ofTypes(args.resources, wanted);
    const scaledDown = scaledDownByRollouts(all.filter((r) => isKind(r.type, "rollout")));
    for (const r of all) {
      const why = BYPASSING_TYPES(r.type);
      if (!why) continue;
      const message = problem(r, why, config, scaledDown);
      if (message !== undefined) reportViolation(message, r.urn);
    }
  },
};
