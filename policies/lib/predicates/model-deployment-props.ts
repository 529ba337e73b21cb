/**
 * What a ModelDeployment registers (components/model-deployment.ts), and how readers get it back:
 * - its input `declaration`, the loaded declaration as one JSON text, which resource policies
 *   read (`declarationOf`);
 * - its outputs `manifests`, the rendered objects as one JSON text, and `paths`, each object's
 *   file in the GitOps repository, which a stack policy sees as the component's properties
 *   (policies/rules/argocd-project-admits.ts) and the plan reads off the wire (plan/plan.ts).
 * JSON text rather than structured values: the Pulumi SDK serializes a structured value property
 * by property (an await each) and the engine stores it so, which made a model's declaration and
 * objects most of its cost in `pulumi up` and in the offline plan alike.
 */
import { isObj, type Obj } from "../known";

/** The `declaration` input for a loaded declaration. */
export function declarationInput(declaration: object): string {
  return JSON.stringify(declaration);
}

const declarations = new WeakMap<object, unknown>();

/**
 * The declaration in a ModelDeployment's properties: parsed from the JSON text the component
 * registers, or as it is when given as an object (`ml-gitops check` and hand-written policy
 * tests build the properties themselves). UNKNOWN stays unknown (a preview); anything else that
 * is not a declaration reads as an empty object, which every rule then finds nothing in.
 */
export function declarationOf(props: Obj): unknown {
  const value = props.declaration;
  if (typeof value !== "string") return value;
  if (declarations.has(props)) return declarations.get(props);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = {};
  }
  const declaration = isObj(parsed) ? parsed : {};
  declarations.set(props, declaration);
  return declaration;
}

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
