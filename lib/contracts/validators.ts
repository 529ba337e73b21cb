/**
 * The validators every input contract shares (lib/contracts/*.ts), so a rule reads the same
 * whether a component's args or a stack's config broke it: a Problem whose path carries the
 * caller's prefix (`ml-gitops:gpuPools[0]` for the stack config, nothing for a component), a
 * lower-case message saying what is wrong, the value received, and a capitalised fix.
 */
import { keyPath, type Problem } from "../errors";

/** Builds the key path of a field under `prefix`: `pathIn("ml-gitops:gpuPools[0]")("diskSizeGiB")`. */
export function pathIn(prefix: string): (...segments: (string | number)[]) => string {
  return (...segments) => keyPath(segments, prefix);
}

/** A whole-number setting with a unit and bounds: the one place its limit is written. */
export interface WholeNumberRule {
  /** Plural unit, as it reads in the message: "minutes", "GiB", "nodes". */
  readonly unit: string;
  readonly min: number;
  /** @default no maximum */
  readonly max?: number;
  /** The default applied when the setting is omitted, named in the fix. @default none (required) */
  readonly default?: number;
  /** Why the bounds are what they are; starts the fix. */
  readonly why?: string;
}

export function isWholeNumberIn(rule: WholeNumberRule, value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= rule.min && (rule.max === undefined || value <= rule.max);
}

export function wholeNumberProblem(rule: WholeNumberRule, path: string, value: unknown): Problem | undefined {
  if (isWholeNumberIn(rule, value)) return undefined;
  const range = rule.max === undefined ? `, at least ${rule.min}` : ` from ${rule.min} to ${rule.max}`;
  const then = rule.default !== undefined ? `Omit it for the default ${rule.default}.` : `Use ${rule.max === undefined ? `${rule.min} or more` : `${rule.min} to ${rule.max}`}.`;
  return { path, value, message: `must be a whole number of ${rule.unit}${range}`, fix: rule.why ? `${rule.why} ${then}` : then };
}

/** The problem with a value that must be one of a few words. */
export function oneOfProblem<T extends string>(options: readonly T[], what: string, path: string, value: unknown): Problem | undefined {
  if (typeof value === "string" && (options as readonly string[]).includes(value)) return undefined;
  return { path, value, message: `is not ${what}`, fix: `Use one of: ${options.join(", ")}.` };
}

export function isOneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (options as readonly string[]).includes(value);
}

/** What a contract's check returns: the args with every default filled, or every problem found. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

export function checked<T>(problems: readonly Problem[], value: () => T): Checked<T> {
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: value() };
}
