/**
 * Reading resource properties safely under `pulumi preview`. CrossGuard hands policies a proxy
 * that throws `UnknownValueError` when a property not yet known is read; a policy that lets it
 * escape is reported as "can't run during preview" instead of checking what is known. `known`
 * copies the properties once, replacing each unknown value with the `UNKNOWN` marker, so rules
 * can skip exactly the unknown fields and still check the rest.
 */
import { UnknownValueError } from "@pulumi/policy";

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch (err) {
    if (err instanceof UnknownValueError) return UNKNOWN;
    throw err;
  }
}

/** A plain copy of CrossGuard properties with unknown values replaced by `UNKNOWN`. */
export function known(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(known(read(value, String(i))));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = known(read(value, key));
  return out;
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object at `v`, or an empty one when absent, unknown or not an object. */
export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** The array at `v`, or an empty one when absent, unknown or not an array. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A string map such as labels or annotations, keeping only its known string values. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === "string") out[k] = val;
  return out;
}

/** True when any value inside `v` is unknown. */
export function hasUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObj(v)) return Object.values(v).some(hasUnknown);
  return false;
}
