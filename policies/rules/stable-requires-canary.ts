/**
 * What serves 100% of traffic must have got there through a canary. `ml-gitops advance` records
 * every candidate that completes its canary in `spec.releases`; a stable artifact that is not one
 * of those releases was edited in by hand and skipped the canary, its analysis and its approvals.
 *
 * Decisions:
 * - Stable must equal SOME release (version, uri and image), not only the last one: a rollback
 *   to an earlier release is legitimate. The message names the last release, the one a hand edit
 *   most likely replaced.
 * - A release with the same version but another uri or image does not count: the artifact, not
 *   its label, is what passed the canary.
 * - Empty `releases` is a violation too: a new model records its first stable as `releases[0]`
 *   (with the time it was first served), so the invariant holds from the first commit and the
 *   first promotion has something to roll back to.
 * - Unknown values (during preview) never produce a violation: if stable or any release is not
 *   known yet, the rule says nothing.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hasUnknown, isObj, list, obj, type Obj } from "../lib/known";
import { MODEL_DEPLOYMENT_TYPE } from "../lib/k8s";
import { propsOf } from "../lib/policy";
import { declarationOf } from "../lib/predicates/model-deployment-props";

const FIELD = "declaration.spec.stable";
const FIX = "Promote it with ml-gitops promote and advance through the canary instead of editing spec.stable by hand.";

interface Artifact {
  version: string;
  uri: string;
  image?: string;
}

function artifactOf(v: Obj): Artifact | undefined {
  if (typeof v.version !== "string" || typeof v.uri !== "string") return undefined;
  if (v.image !== undefined && typeof v.image !== "string") return undefined;
  return typeof v.image === "string" ? { version: v.version, uri: v.uri, image: v.image } : { version: v.version, uri: v.uri };
}

function same(a: Artifact, b: Artifact): boolean {
  return a.version === b.version && a.uri === b.uri && a.image === b.image;
}

function show(a: Artifact): string {
  return `(${[a.version, a.uri, ...(a.image !== undefined ? [a.image] : [])].join(", ")})`;
}

/** The violation for one declaration, or undefined. Exported for tests. */
export function stableRequiresCanaryMessage(declaration: unknown): string | undefined {
  const spec = obj(obj(declaration).spec);
  if (hasUnknown(spec.stable) || hasUnknown(spec.releases) || !isObj(spec.stable)) return undefined;
  const stable = artifactOf(spec.stable);
  if (!stable) return undefined;
  const releases = list(spec.releases).map((r) => artifactOf(obj(r)));
  if (releases.some((r) => r === undefined)) return undefined;
  const known = releases as Artifact[];
  if (known.some((r) => same(r, stable))) return undefined;
  const head = `${FIELD} ${show(stable)} is not a promoted release`;
  if (known.length === 0) {
    return `${head}: spec.releases is empty. Record the first stable as spec.releases[0] (with promotedAt), then promote new versions with ml-gitops promote.`;
  }
  const sameVersion = [...known].reverse().find((r) => r.version === stable.version);
  if (sameVersion) return `${head}: release ${stable.version} was promoted as ${show(sameVersion)}. ${FIX}`;
  const last = known[known.length - 1]!;
  return `${head}: the last canary-completed release is ${last.version} ${show(last).replace(`${last.version}, `, "")}. ${FIX}`;
}

export const stableRequiresCanary: ResourceValidationPolicy = {
  name: "stable-requires-canary",
  description: "A model's stable artifact must be one of its releases: a candidate that completed its canary.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== MODEL_DEPLOYMENT_TYPE) return;
    const message = stableRequiresCanaryMessage(declarationOf(propsOf(args)));
    if (message !== undefined) reportViolation(message);
  },
};
