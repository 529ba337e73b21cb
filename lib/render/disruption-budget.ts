/**
 * Keeps voluntary disruption off a KServe or LLMInferenceService candidate while it is the
 * candidate: a PodDisruptionBudget with `maxUnavailable: 0` selecting the candidate's pods
 * (model and version labels), rendered only while the declaration has a candidate.
 *
 * Why not `karpenter.sh/do-not-disrupt` as for vLLM: Argo Rollouts puts that annotation on the
 * canary pods as ephemeral metadata and removes it at promotion without touching the pod template
 * (rollout.ts canaryMetadata). KServe has no such mechanism: the annotation would have to be in the
 * candidate's pod template (the canary predictor; the candidate LLMInferenceService's template),
 * and since a promoted candidate keeps its predictor/object (names follow the version), dropping it
 * at promotion would change the template and restart every GPU pod of the version just promoted.
 * A PDB is a separate object: it comes with the candidate and goes with promotion or abort, and the
 * pods never change.
 *
 * What Karpenter does with it (kubernetes-sigs/karpenter@6e7eab7a0f48, the core
 * aws/karpenter-provider-aws@v1.14.1 go.mod pins as v1.14.1-0.20260819221709-6e7eab7a0f48):
 * - Consolidation (emptiness, single- and multi-node) is graceful disruption, which "always
 *   respects blocking pod PDBs and the do-not-disrupt annotation" (pkg/controllers/disruption/
 *   types.go GracefulDisruptionClass): NewCandidate refuses a node whose pods fail
 *   ValidatePodsDisruptable (pkg/controllers/state/statenode.go), i.e. pdb.Limits.CanEvictPods
 *   (pkg/utils/pdb/pdb.go) finds a PDB with no disruption allowed; maxUnavailable 0 allows none.
 * - Drift is eventual disruption (drift.go EventualDisruptionClass): it ignores blocking PDBs only
 *   when the NodeClaim has a terminationGracePeriod (types.go NewCandidate,
 *   eventualDisruptionCandidate). Our NodePools set none (lib/karpenter/gpu-node-pool.ts), so
 *   drift waits for the canary to end.
 * - Expiration deletes the NodeClaim outright (pkg/controllers/nodeclaim/expiration/controller.go);
 *   the drain then evicts through the Eviction API, which refuses (429) while the budget allows
 *   nothing, and Karpenter retries (pkg/controllers/node/termination/terminator/eviction.go). With
 *   a terminationGracePeriod it would delete the pods when that elapses, "bypass[ing] the PDB of
 *   the pod and the do-not-disrupt annotation" (terminator/events/events.go): again, none is set.
 * - A pod matched by two PDBs cannot be evicted at all (pdb.go isEvictable: "Kubernetes doesn't
 *   support multiple PDBs on a single pod"), so a team's own PDB over the model also holds the
 *   candidate, and stops holding it when this one goes.
 * Involuntary disruption (spot interruption, a node failure) is not stopped by any PDB.
 *
 * The budget keeps the default unhealthyPodEvictionPolicy (IfHealthyBudget): with no disruption
 * allowed, a candidate pod still loading its weights (not Ready) is protected too. A candidate that
 * never becomes ready holds its node until its canary is aborted, which the analysis gate does.
 * On managed node groups a node-group update drains through the same Eviction API and so waits
 * for the canary too (EKS fails the update after its eviction timeout unless forced).
 *
 * Neither GitOps engine holds a sync on it. Flux: kstatus calls a PodDisruptionBudget Current once
 * its generation is observed (fluxcd/cli-utils@v1.2.1:pkg/kstatus/status/core.go pdbConditions;
 * kustomize-controller v1.9.4 pins v1.2.2, not in the snapshot read). Argo CD: its built-in check
 * reports the `DisruptionAllowed: False` that a budget allowing nothing always has, reason
 * InsufficientPods, as Healthy on purpose (argo-cd@v3.5.1:resource_customizations/policy/
 * PodDisruptionBudget/health.lua, citing argo-cd#20171).
 */
import { MODEL_LABEL, VERSION_LABEL, versionSlug } from "../predicates/model-record";
import type { KubeObject, ModelView } from "./model-view";

export const PDB_API_VERSION = "policy/v1";

export function candidateBudgetName(view: ModelView, version: string): string {
  return `${view.name}-${versionSlug(version)}-canary`;
}

/** The candidate's PodDisruptionBudget, or nothing when there is no candidate (or the cluster bootstraps). */
export function renderCandidateDisruptionBudget(view: ModelView): KubeObject[] {
  const candidate = view.candidate;
  if (!candidate) return [];
  const version = versionSlug(candidate.version);
  return [
    {
      apiVersion: PDB_API_VERSION,
      kind: "PodDisruptionBudget",
      metadata: { name: candidateBudgetName(view, candidate.version), namespace: view.namespace, labels: { ...view.labels, [VERSION_LABEL]: version } },
      spec: {
        maxUnavailable: 0,
        selector: { matchLabels: { [MODEL_LABEL]: view.name, [VERSION_LABEL]: version } },
      },
    },
  ];
}
