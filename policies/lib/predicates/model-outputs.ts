/**
 * The outputs a ModelDeployment registers (components/model-deployment.ts): `manifests`, its
 * rendered objects as one JSON text, and `paths`, each object's file in the GitOps repository.
 * One JSON text rather than structured outputs: the Pulumi SDK serializes a structured output
 * value by value (an await per property) and the engine stores it so, which made a model's
 * outputs most of its cost in `pulumi up` and the offline plan. A stack policy sees them as the
 * component's properties (policies/rules/argocd-project-admits.ts), the plan reads them off the
 * wire (plan/plan.ts); both read them through `renderedObjectsOf`.
 */

/** The `manifests` output for these objects. */
export function renderedObjectsOutput(objects: readonly unknown[]): string {
  return JSON.stringify(objects);
}

/**
 * The objects of a `manifests` output, or undefined when it is not one (not known yet during a
 * preview, absent, or not the JSON text of an array).
 */
export function renderedObjectsOf(manifests: unknown): unknown[] | undefined {
  if (typeof manifests !== "string") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifests);
  } catch {
    return undefined;
  }
  return Array.isArray(parsed) ? parsed : undefined;
}
