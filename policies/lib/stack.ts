/**
 * Stack policies relate resources to each other (a bucket and its versioning, a node group and
 * its launch template). Relations are read from what the engine records, not from names: the
 * property dependency of the referencing field, else equal known identifiers.
 */
import type { PolicyResource } from "@pulumi/policy";
import { isUnknown, obj, type Obj } from "./known";
import { propsOf } from "./policy";

export interface StackResource {
  urn: string;
  name: string;
  type: string;
  props: Obj;
  source: PolicyResource;
}

export function ofTypes(resources: readonly PolicyResource[], types: readonly string[]): StackResource[] {
  return resources
    .filter((r) => types.includes(r.type))
    .map((r) => ({ urn: r.urn, name: r.name, type: r.type, props: propsOf(r), source: r }));
}

/** Does `from.props[field]` refer to `to`, by property dependency or by a known identifier? */
export function refersTo(from: StackResource, field: string, to: StackResource, ids: readonly string[]): boolean {
  if ((from.source.propertyDependencies[field] ?? []).some((d) => d.urn === to.urn)) return true;
  const ref = from.props[field];
  if (typeof ref !== "string") return false;
  return ids.some((id) => {
    const v = to.props[id];
    return typeof v === "string" && !isUnknown(v) && v === ref;
  });
}

/** Value at a dotted path; `undefined` when absent, `UNKNOWN` when not yet known. */
export function valueAt(root: Obj, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split(".")) {
    if (isUnknown(v)) return v;
    v = obj(v)[key];
  }
  return v;
}
