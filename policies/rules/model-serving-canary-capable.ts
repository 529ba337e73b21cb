/**
 * A model served by a Deployment, StatefulSet or Knative Service reaches users with no canary at
 * all: a rolling update (or a Knative revision taking its traffic) replaces the model with no
 * analysis and no automatic rollback, so every canary rule is bypassed. A workload is a model
 * server when it names a model (the sources model-artifact-immutable reads) or runs a known
 * model-server image. Replicas 0 is not serving: the Deployment a Rollout's workloadRef points
 * at is scaled to 0 by the Rollout (argo-rollouts@v1.9.1 docs: "scaleDown" of workloadRef).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { artifactSources } from "../lib/artifacts";
import { isUnknown, obj } from "../lib/known";
import { parseKubeType } from "../lib/k8s";
import { configOf, propsOf, stringArray } from "../lib/policy";
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

export const modelServingCanaryCapable: ResourceValidationPolicy = {
  name: "model-serving-canary-capable",
  description: "Model servers must run as resources that roll out through a canary, not as plain Deployments, StatefulSets or Knative Services.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      serverImagePatterns: stringArray("Extra regular expressions matched against image repository names that identify a model server."),
      exemptNamespaces: stringArray("Namespaces whose workloads are not judged."),
    },
  },
  validateResource: (args, reportViolation) => {
    const t = parseKubeType(args.type);
    const why = t && BYPASSING[`${t.group}/${t.kind}`];
    if (!why) return;
    const props = propsOf(args);
    const config = configOf(defaults, args.getConfig);
    const namespace = obj(props.metadata).namespace;
    if (typeof namespace === "string" && config.exemptNamespaces.includes(namespace)) return;
    const replicas = obj(props.spec).replicas;
    if (replicas === 0 || isUnknown(replicas)) return;
    const pod = workloadPodSpec(args.type, props);
    if (!pod) return;
    const extra = config.serverImagePatterns.map((p) => new RegExp(p));
    const server = containersOf(pod).find((c) => {
      const image = c.value.image;
      const name = typeof image === "string" ? parseImageRef(image)?.name : undefined;
      return name !== undefined && (SERVER_IMAGES.test(name) || extra.some((r) => r.test(name)));
    });
    const source = artifactSources(args.type, props)[0];
    if (!server && !source) return;
    const evidence = source ? `${source.path} names the model "${source.value}"` : `${server!.path}.image ${JSON.stringify(server!.value.image)} is a model server`;
    reportViolation(`${evidence}, but ${why}: a bad model reaches every user at once with no analysis or automatic rollback; ${ALTERNATIVES}, or set spec.replicas to 0 if a Rollout's workloadRef serves it.`);
  },
};
