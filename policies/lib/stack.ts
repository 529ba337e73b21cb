/**
 * Stack policies relate resources to each other (a bucket and its versioning, a node group and
 * its launch template). Relations are read from what the engine records, not from names: the
 * property dependency of the referencing field, else equal known identifiers. A resource `from`
 * refers to `to` through `field` when `from.propertyDependencies[field]` holds `to`, or when
 * `from.props[field]` is a known string equal to one of `to`'s known identifiers; rules find
 * those pairs through an `Index` on both kinds of key.
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

// The stack's resources by type, built in one pass per stack and shared by every stack policy
// (each asks for several types; a filter per type would pass over the whole stack each time).
const byTypeOf = new WeakMap<readonly PolicyResource[], Map<string, PolicyResource[]>>();

function byType(resources: readonly PolicyResource[]): Map<string, PolicyResource[]> {
  let index = byTypeOf.get(resources);
  if (index === undefined) {
    index = new Map();
    for (const r of resources) {
      const group = index.get(r.type);
      if (group === undefined) index.set(r.type, [r]);
      else group.push(r);
    }
    byTypeOf.set(resources, index);
  }
  return index;
}

/** The resources of any of `types`, in stack order. */
export function ofTypes(resources: readonly PolicyResource[], types: readonly string[]): StackResource[] {
  const index = byType(resources);
  const groups = [...new Set(types)].flatMap((t) => (index.has(t) ? [index.get(t)!] : []));
  const picked = groups.length <= 1 ? (groups[0] ?? []) : resources.filter((r) => types.includes(r.type));
  return picked.map((r) => ({ urn: r.urn, name: r.name, type: r.type, props: propsOf(r), source: r }));
}

/**
 * Resources filed under string keys, so a stack policy finds a resource's partners by lookup
 * instead of comparing every pair (fleets reach 100k resources). Keys carry a prefix naming what
 * they are (`urn:`, `bucket:`...) so a URN never matches a name. Lookups give each resource once,
 * in the order of `resources`, as the pairwise `filter` did, so messages do not change.
 */
export class Index {
  private readonly groups = new Map<string, number[]>();

  constructor(
    private readonly resources: readonly StackResource[],
    keysOf: (r: StackResource) => readonly (string | undefined)[],
  ) {
    resources.forEach((r, i) => {
      for (const key of keysOf(r)) {
        if (key === undefined) continue;
        const group = this.groups.get(key);
        if (group === undefined) this.groups.set(key, [i]);
        else if (group[group.length - 1] !== i) group.push(i);
      }
    });
  }

  get(keys: readonly (string | undefined)[]): StackResource[] {
    const found = new Set<number>();
    for (const key of keys) for (const i of (key === undefined ? undefined : this.groups.get(key)) ?? []) found.add(i);
    return [...found].sort((a, b) => a - b).map((i) => this.resources[i]!);
  }
}

/** `prefix:value` when `value` is a known string (what `refersTo` compares), else undefined. */
export function key(prefix: string, value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) ? `${prefix}:${value}` : undefined;
}

/** Keys of the resources `from.propertyDependencies[field]` points at. */
export function dependencyKeys(from: StackResource, field: string): string[] {
  return (from.source.propertyDependencies[field] ?? []).map((d) => `urn:${d.urn}`);
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
