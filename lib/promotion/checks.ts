/**
 * The gates a candidate passes before its canary starts: immutable artifacts (the same
 * predicates as the policy pack, so the CLI never starts a canary `pulumi preview` would refuse),
 * offline evaluation against `spec.promotion.criteria`, and approvals by the declared approvers.
 * Each returns every reason it refuses, so one run tells the engineer everything to fix.
 */
import { checkArtifactUri, type ArtifactUriOptions } from "../predicates/artifact-uri";
import { checkImageRef } from "../predicates/image-ref";
import type { DeclarationSpec } from "../deployments/types";

export type Criterion = DeclarationSpec["promotion"]["criteria"][number];
export type Approvals = DeclarationSpec["promotion"]["approvals"];
export type Metrics = Readonly<Record<string, number>>;

/** `--uri "…" is not pinned: <reason>; <fix>.` — the policy's wording, with the flag instead of the field. */
export function artifactRefusals(uri: string, image: string | undefined, options: ArtifactUriOptions = {}): string[] {
  const out: string[] = [];
  const artifact = checkArtifactUri(uri, options);
  if (!artifact.immutable) out.push(`--uri "${uri}" is not pinned: ${artifact.reason}; ${artifact.fix}.`);
  if (image !== undefined) {
    const verdict = checkImageRef(image);
    if (!verdict.pinned) out.push(`--image "${image}" ${verdict.reason}; ${verdict.fix}.`);
  }
  return out;
}

function bounds(c: Criterion): string {
  return [c.min !== undefined ? `min ${c.min}` : "", c.max !== undefined ? `max ${c.max}` : ""].filter(Boolean).join(", ");
}

/** One message per criterion missed; a metric absent from the results is a miss. */
export function criteriaMisses(criteria: readonly Criterion[], metrics: Metrics): string[] {
  const out: string[] = [];
  for (const c of criteria) {
    const value = Object.prototype.hasOwnProperty.call(metrics, c.metric) ? metrics[c.metric] : undefined;
    if (value === undefined) out.push(`evaluation: ${c.metric} is missing from the results (criterion ${bounds(c)}); evaluate the candidate on ${c.metric} and pass the results with --evaluation`);
    else if (c.min !== undefined && value < c.min) out.push(`evaluation: ${c.metric} = ${value} is below the minimum ${c.min}`);
    else if (c.max !== undefined && value > c.max) out.push(`evaluation: ${c.metric} = ${value} is above the maximum ${c.max}`);
  }
  return out;
}

/** Approvers must be declared, and there must be enough distinct ones. */
export function approvalRefusals(approvals: Approvals, given: readonly string[]): string[] {
  const out: string[] = [];
  const distinct = [...new Set(given)];
  const declared = approvals.approvers.length > 0 ? approvals.approvers.join(", ") : "none declared";
  for (const name of distinct) {
    if (!approvals.approvers.includes(name)) out.push(`approval: ${name} is not in spec.promotion.approvals.approvers (${declared}); only declared approvers can approve`);
  }
  const valid = distinct.filter((n) => approvals.approvers.includes(n));
  if (valid.length < approvals.required) {
    out.push(`approval: ${approvals.required} approval${approvals.required === 1 ? "" : "s"} required, ${valid.length} given${valid.length > 0 ? ` (${valid.join(", ")})` : ""}; add --approved-by for approvers from ${declared}`);
  }
  return out;
}

/** `mmlu=0.81, toxicity=0.01`, in the order the results list them. */
export function evaluationSummary(metrics: Metrics): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
