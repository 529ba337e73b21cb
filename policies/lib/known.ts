/**
 * Reading resource properties safely under `pulumi preview`. CrossGuard hands policies a proxy
 * that throws `UnknownValueError` when a property not yet known is read; a policy that lets it
 * escape is reported as "can't run during preview" instead of checking what is known. `known`
 * turns the properties into plain data once, replacing each unknown value with the `UNKNOWN`
 * marker, so rules can skip exactly the unknown fields and still check the rest.
 */
import type { unknownCheckingProxy as CheckingProxy, UnknownValueError as UnknownError } from "@pulumi/policy";

/**
 * CrossGuard's proxy module alone (@pulumi/policy@1.21.0 proxy.js, which requires nothing): the
 * package index loads all of @pulumi/pulumi, which `check` and the promotion commands never need.
 * The index re-exports this very module, so these are the objects the engine's proxies use. The
 * module ships no type declarations of its own; the index's types describe it.
 */
const PROXY_MODULE = require("@pulumi/policy/proxy") as { unknownCheckingProxy: typeof CheckingProxy; UnknownValueError: typeof UnknownError };
export const { unknownCheckingProxy, UnknownValueError } = PROXY_MODULE;

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

/** Copies through the proxy: every read may throw, and every object read allocates a proxy. */
function copyThroughProxy(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(copyThroughProxy(read(value, String(i))));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyThroughProxy(read(value, key));
  return out;
}

/**
 * The fast path. CrossGuard's proxy (@pulumi/policy proxy.js) throws on a read exactly when the
 * value read is one of its unknown sentinels, and hands out its target under a special key. So
 * the target with each sentinel replaced by `UNKNOWN` is what `copyThroughProxy` would return,
 * without a proxy, a try or an allocation per value. Everything comes from the proxy module at
 * runtime and each sentinel is confirmed against the proxy itself; if any of it is missing, the
 * fast path is off and every copy goes through the proxy.
 */
interface ProxyProtocol {
  readonly isProxy: string;
  readonly target: string;
  readonly sentinels: ReadonlySet<string>;
  /** Every sentinel's length (they are UUIDs): most strings are ruled out without hashing them. */
  readonly lengths: ReadonlySet<number>;
}

const PROTOCOL: ProxyProtocol | undefined = proxyProtocol();

function proxyProtocol(): ProxyProtocol | undefined {
  const exported = PROXY_MODULE as unknown as Record<string, unknown>;
  const { isSpecialProxy, getSpecialProxyTarget } = exported;
  const sentinels = Object.entries(exported)
    .filter(([k, v]) => /^unknown[A-Z]\w*Value$/.test(k) && typeof v === "string")
    .map(([, v]) => v as string);
  const throwsOn = (v: string) => read(unknownCheckingProxy({ v }), "v") === UNKNOWN;
  const probe = unknownCheckingProxy({ v: {} }) as Record<string, unknown>;
  if (typeof isSpecialProxy !== "string" || typeof getSpecialProxyTarget !== "string" || sentinels.length === 0 || !sentinels.every(throwsOn)) return undefined;
  if (probe[isSpecialProxy] !== true || typeof probe[getSpecialProxyTarget] !== "object") return undefined;
  return { isProxy: isSpecialProxy, target: getSpecialProxyTarget, sentinels: new Set(sentinels), lengths: new Set(sentinels.map((v) => v.length)) };
}

/**
 * `value` with sentinels replaced, sharing every subtree that has none: plain data (JSON, YAML,
 * recorded inputs) is returned as is. Anything else (a class instance, an array with a prototype
 * of its own) is copied as the proxy path would copy it, own enumerable keys into a plain object.
 */
function replaceSentinels(value: unknown, protocol: ProxyProtocol): unknown {
  if (typeof value === "string") return protocol.lengths.has(value.length) && protocol.sentinels.has(value) ? UNKNOWN : value;
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const plain = Object.getPrototypeOf(value) === Array.prototype;
    let out: unknown[] | undefined = plain ? undefined : [];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const replaced = replaceSentinels(item, protocol);
      if (out === undefined && (replaced !== item || !(i in value))) out = value.slice(0, i);
      out?.push(replaced);
    }
    return out ?? value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const plain = proto === Object.prototype || proto === null;
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined = plain ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = (value as Record<string, unknown>)[key];
    const replaced = replaceSentinels(item, protocol);
    if (out === undefined && replaced !== item) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = (value as Record<string, unknown>)[keys[j]!];
    }
    if (out !== undefined) out[key] = replaced;
  }
  return out ?? value;
}

/**
 * CrossGuard properties as plain data with unknown values replaced by `UNKNOWN`. Subtrees without
 * unknowns may be the caller's own objects rather than copies: read, never modify, the result.
 */
export function known(value: unknown): unknown {
  if (PROTOCOL !== undefined && typeof value === "object" && value !== null && (value as Record<string, unknown>)[PROTOCOL.isProxy] === true) {
    return replaceSentinels((value as Record<string, unknown>)[PROTOCOL.target], PROTOCOL);
  }
  return copyThroughProxy(value);
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
