/**
 * Who owns an HTTPRoute's weights. Only the vLLM main route is steered by the Argo Rollouts
 * Gateway API plugin; GitOps controllers leave those weights alone (lib/render/argocd.ts) and
 * keep owning every other route's, so a KServe `ml-gitops advance` commit really moves traffic.
 */
export const WEIGHTS_OWNER_LABEL = "ml-gitops.dev/weights-owner";
export const ROLLOUTS_WEIGHTS_OWNER = "argo-rollouts";
