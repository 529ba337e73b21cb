/**
 * KServe's LLM path for the `llm-inference-service` engine: one LLMInferenceService
 * (serving.kserve.io/v1alpha2, the storage version of the v0.20.0 CRD) per served version, the
 * stable and, during a canary, the candidate, in one weighted routing group.
 *
 * How KServe v0.20.0 splits traffic between two versions (read at the tag, not the docs):
 * - `spec.router.route.group` and `spec.router.route.weight` (kserve/kserve@v0.20.0:pkg/apis/
 *   serving/v1alpha2/llm_inference_service_types.go, GatewayRoutesSpec: "All members with the
 *   same group share weighted traffic distribution", weight "proportional, not percentage").
 * - Each member gets its own HTTPRoute `<member>-kserve-route` from the well-known
 *   `kserve-config-llm-router-route` (pkg/controller/v1alpha2/llmisvc/config_merge.go,
 *   combineBaseRefsConfig, merged whenever `router.route` has no refs). reconcileHTTPRoutes
 *   (router.go) calls injectGroupBackendRefs (router_group.go), which lists the namespace's
 *   members of the group, keeps those serving the same model names (resolvedModelNames: so both
 *   versions carry the same `spec.model.name`), and rewriteRulesForGroup (router_group_routing.go)
 *   replaces the backendRefs of every shared rule (the model-routing header rule and the
 *   `/publishers/<ns>/models/<model.name>/…` paths) with one backendRef per member, weighted by its
 *   `weight`. Per-member rules (`/<ns>/<member>/…`) keep reaching that version alone.
 * - With no scheduler each member's backend is its workload Service
 *   `<member>-kserve-workload-svc` on port 8000 (resolveMemberBackendRef, workloadServiceName).
 * - A member that is not routable yet (RouterReady false or no ready replica) is left out of the
 *   other members' routes (filterEligibleMembers, isMemberRoutable): a candidate whose pods are
 *   still loading weights takes no shared traffic until it is ready.
 * So the declaration's step is carried by two numbers in git: the stable's weight 100 − w and the
 * candidate's w, and `ml-gitops advance` moves them with one commit. Nothing else owns them.
 *
 * Objects are named `<model>-<version slug>`: a promoted candidate keeps its object (no restart),
 * and the name is the pods' `app.kubernetes.io/name` (workload_single_node.go, singleNodeLabels),
 * a label value, hence at most 63 characters (the loader refuses longer).
 *
 * The pods carry `ml-gitops.dev/model` and `ml-gitops.dev/version` through `spec.labels`
 * (WorkloadSpec.Labels, added to the workload's pods), which the model's PodMonitor selects and
 * copies onto every series, so the gate reads the candidate's pods alone.
 */
import type { Artifact } from "../deployments/schema";
import { containerSecurityContext, podSecurityContext } from "./security-context";
import { VERSION_LABEL, versionSlug } from "./inference-service";
import { DEFAULT_GATEWAY } from "./routing";
import { LABELS, type KubeObject, type ModelView, type RenderContext } from "./model-view";

export const LLMISVC_API_VERSION = "serving.kserve.io/v1alpha2";
export const LLMISVC_KIND = "LLMInferenceService";
/** The container KServe's `kserve-config-llm-template` runs vLLM in; ours merges into it by name. */
export const LLMISVC_MAIN_CONTAINER = "main";
/** The port `vllm serve` listens on and serves /metrics from (kserve-config-llm-template: `--port 8000`). */
export const LLMISVC_VLLM_PORT = 8000;
/** Label values are at most 63 characters, and the object's name is one (app.kubernetes.io/name). */
export const LLMISVC_MAX_NAME = 63;
/**
 * The label KServe's defaulting webhook puts on every group member (pkg/apis/serving/v1alpha2/
 * llm_inference_service_defaults.go; constants.LLMRoutingGroupLabelKey), by which the controller
 * finds a group's former members. Rendered too, so git and the cluster agree.
 */
export const ROUTING_GROUP_LABEL = "serving.kserve.io/routing-group";

/** The LLMInferenceService serving one version. */
export function llmisvcName(model: string, version: string): string {
  return `${model}-${versionSlug(version)}`;
}

/** What `vllm serve` is told beyond what KServe's template passes (`$@` in its command). */
function vllmArgs(view: ModelView): string[] {
  const v = view.declaration.spec.serving.vllm;
  if (!v) return [];
  return [`--max-model-len=${v.maxModelLen}`, `--gpu-memory-utilization=${v.gpuMemoryUtilization}`, `--dtype=${v.dtype}`, ...v.extraArgs];
}

function member(view: ModelView, ctx: RenderContext, artifact: Artifact, weight: number): KubeObject {
  const d = view.declaration;
  const { serving, model } = d.spec;
  const gateway = ctx.gateway ?? DEFAULT_GATEWAY;
  const args = vllmArgs(view);
  const main: Record<string, unknown> = {
    name: LLMISVC_MAIN_CONTAINER,
    ...(artifact.image ? { image: artifact.image } : {}),
    ...(args.length > 0 ? { args } : {}),
    resources: view.resources,
    securityContext: containerSecurityContext(d),
  };
  const annotations: Record<string, string> = { ...view.record };
  return {
    apiVersion: LLMISVC_API_VERSION,
    kind: LLMISVC_KIND,
    metadata: { name: llmisvcName(view.name, artifact.version), namespace: view.namespace, labels: { ...view.labels, [ROUTING_GROUP_LABEL]: view.name, [VERSION_LABEL]: versionSlug(artifact.version) }, annotations },
    spec: {
      // The same served name on both versions: KServe groups only members serving the same
      // model names (router_group.go, injectGroupBackendRefs), and clients keep their `model`.
      model: { name: model.servedName ?? view.name, uri: view.uri(artifact) },
      // Static: `spec.scaling` needs the workload-variant-autoscaler; the loader requires min = max.
      replicas: serving.replicas.max,
      ...(serving.vllm ? { parallelism: { tensor: serving.vllm.tensorParallelSize } } : {}),
      labels: { [LABELS.model]: view.name, [VERSION_LABEL]: versionSlug(artifact.version) },
      router: {
        // Our gateway, not the template's: config_merge.go rewrites the managed route's
        // parentRefs to `gateway.refs` when it is set.
        gateway: { refs: [{ name: gateway.name, namespace: gateway.namespace }] },
        route: { group: view.name, weight },
      },
      template: {
        containers: [main],
        securityContext: podSecurityContext(d),
        serviceAccountName: ctx.storageServiceAccount,
        ...view.placement,
      },
    },
  };
}

/** The stable and, during a canary, the candidate, weighted as the declaration's step says. */
export function renderLlmInferenceServices(view: ModelView, ctx: RenderContext): KubeObject[] {
  if (!view.candidate) return [member(view, ctx, view.stable, 100)];
  return [member(view, ctx, view.stable, 100 - view.canaryWeight), member(view, ctx, view.candidate, view.canaryWeight)];
}
