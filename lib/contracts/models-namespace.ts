/**
 * The namespace models run in: a DNS-1123 label (lib/names.ts) that is neither a Kubernetes system
 * namespace nor one the platform installs a controller into. Checked by ArgoCd (its project's
 * destinations), KServe (the storage ServiceAccount's namespace) and the stack config key
 * ml-gitops:modelsNamespace, which used to accept kube-system or kserve and leave ArgoCd or KServe
 * to refuse them at deploy time.
 */
import type { Problem } from "../errors";
import { kubernetesNameProblem } from "../names";

/** Namespaces Kubernetes itself owns. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease", "default"];

/**
 * Where the platform's controllers run by default: each component's default namespace comes from
 * here, so the stack config can refuse them without importing the components.
 */
export const PLATFORM_NAMESPACES = {
  argoCd: "argocd",
  argoRollouts: "argo-rollouts",
  flux: "flux-system",
  kserve: "kserve",
  certManager: "cert-manager",
  karpenter: "karpenter",
  monitoring: "monitoring",
  localModelJobs: "kserve-localmodel-jobs",
} as const;

/**
 * The problem with `namespace` as the models' namespace, if any. `controllers` are the namespaces
 * the caller's controllers use (a component passes its own; the stack config the platform's defaults).
 */
export function modelsNamespaceProblem(path: string, namespace: string, controllers: readonly string[] = Object.values(PLATFORM_NAMESPACES)): Problem | undefined {
  const name = kubernetesNameProblem("dns1123-label", "namespace name", path, namespace, "Deploy models into their own namespace, e.g. models.");
  if (name) return name;
  if (SYSTEM_NAMESPACES.includes(namespace) || controllers.includes(namespace)) {
    return { path, value: namespace, message: "is a system or platform controller namespace", fix: "Deploy models into their own namespace, e.g. models." };
  }
  return undefined;
}
