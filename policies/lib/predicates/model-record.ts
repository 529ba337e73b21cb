/**
 * What the renderer records on every serving object it writes, and the pack reads back: which
 * version an object serves (a label, also on its pods), and what the declaration said (the stable
 * and candidate versions, the weights the canary has stepped through). One definition for both
 * sides, so the pack never judges a spelling the renderer does not write.
 */

/** On every serving object and its pods: the artifact version it serves, as a version slug. */
export const VERSION_LABEL = "ml-gitops.dev/version";
/** On every serving object and its pods: the model (the declaration's name). */
export const MODEL_LABEL = "ml-gitops.dev/model";

export const RECORD_ANNOTATIONS = {
  /** Weights stepped so far, e.g. "10,50": evidence that a high weight was reached gradually. */
  stepWeights: "ml-gitops.dev/canary-step-weights",
  candidateStep: "ml-gitops.dev/candidate-step",
  candidateVersion: "ml-gitops.dev/candidate-version",
  stableVersion: "ml-gitops.dev/stable-version",
  stableUri: "ml-gitops.dev/stable-uri",
} as const;

/** A version as a DNS-1035 label: `v2.1.0` → `v2-1-0`, `2025.05.2` → `v2025-05-2`. */
export function versionSlug(version: string): string {
  const slug = version.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return /^[a-z]/.test(slug) ? slug : `v${slug}`;
}
