/** Small helpers every rule uses, so rules stay thin and alike. */
import type { ResourceValidationArgs } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { known, obj, type Obj } from "./known";

/**
 * The rule's config: schema defaults overlaid with what the pack config sets. The Pulumi engine
 * fills defaults too, but a rule must not depend on who called it.
 */
export function configOf<T extends object>(defaults: T, getConfig: ResourceValidationArgs["getConfig"]): T {
  return { ...defaults, ...getConfig<Partial<T>>() };
}

// One copy per properties object, shared by every policy that reads it: the copy goes through
// CrossGuard's proxy, which allocates a proxy per nested value, and several rules read the same
// resource (an InferenceService is checked by three). Keyed weakly so a finished evaluation
// leaves nothing behind. Rules treat the copy as read-only.
const copies = new WeakMap<object, Obj>();

/** The properties as plain data, unknown values marked (see known.ts). */
export function propsOf(args: { props: Record<string, unknown> }): Obj {
  const props = args.props;
  if (typeof props !== "object" || props === null) return obj(known(props));
  let copy = copies.get(props);
  if (copy === undefined) {
    copy = obj(known(props));
    copies.set(props, copy);
  }
  return copy;
}

export const stringArray = (description: string): PolicyConfigJSONSchema => ({
  type: "array",
  items: { type: "string" },
  default: [],
  description,
});

/** Renders a value in a message the way it appears in YAML/JSON. */
export function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}
