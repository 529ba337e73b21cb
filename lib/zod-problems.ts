/**
 * Turns zod issues into Problems: the key path as users write it, the value received, and a fix
 * that says what to write instead. The one translation, shared by the stack config parser
 * (zodProblems) and the declaration loader (lib/deployments/validate.ts schemaProblems, which adds
 * source positions), so a zod issue reads the same wherever it is reported.
 */
import type { z } from "zod";
import { keyPath, type Problem } from "./errors";

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** Edit distance, for did-you-mean hints on unknown keys. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  // A key missing its unit suffix (diskSize for diskSizeGiB) is the commonest near-miss.
  const extended = candidates.find((c) => lower.length >= 4 && c.toLowerCase().startsWith(lower));
  if (extended) return extended;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// The one translation of zod issues, for the stack config parser and the declaration loader.

interface ZodDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly in?: z.ZodType;
}

function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let x = schema;
  for (let i = 0; x && i < 10; i++) {
    const def = defOf(x);
    if (["optional", "default", "nullable", "prefault", "catch", "readonly"].includes(def.type)) x = def.innerType;
    else if (def.type === "pipe") x = def.in;
    else break;
  }
  return x;
}

/** The object fields `schema` allows at `at`, for did-you-mean suggestions. */
export function fieldsAt(at: readonly PropertyKey[], schema: z.ZodType): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of at) {
    const inner = unwrap(current);
    const def: ZodDef | undefined = inner ? defOf(inner) : undefined;
    if (!def) return [];
    if (def.type === "object") current = def.shape?.[String(segment)];
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return [];
  }
  const inner = unwrap(current);
  const def = inner ? defOf(inner) : undefined;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** A fix as a sentence: it follows "(got …). " in formatted problems. */
export function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.?!]$/.test(capital) ? capital : `${capital}.`;
}

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false",
  object: "a mapping of fields",
  array: "a list",
  record: "a mapping",
};

const DEFAULT_ZOD_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function issueTexts(issue: z.core.$ZodIssue, value: unknown): { message: string; fix: string } {
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return { message: `must be ${expected}`, fix: `write ${expected}${issue.expected === "number" && typeof value === "string" ? ", without quotes" : ""}` };
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
      if (!DEFAULT_ZOD_MESSAGE.test(issue.message)) return { message: issue.message, fix: `use ${options}` };
      return { message: `must be one of ${options}`, fix: `use one of ${options}` };
    }
    case "too_small":
    case "too_big": {
      if (!DEFAULT_ZOD_MESSAGE.test(issue.message)) return { message: issue.message, fix: "change the value to meet the limit" };
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const word = issue.code === "too_small" ? "at least" : "at most";
      const what = issue.origin === "array" ? ` ${bound === 1 ? "entry" : "entries"}` : issue.origin === "string" ? " characters" : "";
      return { message: `must be ${word} ${String(bound)}${what}`, fix: "change the value to meet the limit" };
    }
    case "invalid_format":
      return {
        message: DEFAULT_ZOD_MESSAGE.test(issue.message) ? `must be ${issue.format === "datetime" ? "an ISO 8601 date-time with offset, e.g. 2025-01-31T09:00:00Z" : `in ${issue.format} format`}` : issue.message,
        fix: "rewrite it in that form",
      };
    case "custom":
      // A refinement may carry its own fix (lib/config/keys.ts kubernetesName).
      return { message: issue.message, fix: typeof issue.params?.fix === "string" ? issue.params.fix : "correct the value as described" };
    default:
      return { message: issue.message, fix: "correct the value as described" };
  }
}

/** One zod issue in the project's words: where (`at`, and whether the key or its value), what, the value received, the fix. */
export interface TranslatedIssue {
  readonly at: readonly PropertyKey[];
  readonly position: "value" | "key";
  readonly message: string;
  /** Not yet a sentence: callers pass it through `sentence`. */
  readonly fix: string;
  readonly value?: { readonly value: unknown };
}

/**
 * Every zod issue of `error` (from parsing `input` with `schema`): unknown fields one per key, at
 * the key, with a did-you-mean from the schema's fields; a missing value as "is required"; the
 * rest with the value received. `prefix` names paths in messages (`is not a field of …`).
 */
export function translateZodIssues(error: z.ZodError, input: unknown, schema: z.ZodType, prefix = ""): TranslatedIssue[] {
  const out: TranslatedIssue[] = [];
  for (const issue of error.issues) {
    const at = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      const allowed = fieldsAt(at, schema);
      for (const key of issue.keys) {
        const suggestion = closest(key, allowed);
        const parent = keyPath(at, prefix) || "the top level";
        out.push({
          at: [...at, key],
          position: "key",
          message: `is not a field of ${parent}`,
          fix: suggestion ? `did you mean "${suggestion}"?` : `remove it; the fields of ${parent} are ${allowed.join(", ")}`,
        });
      }
      continue;
    }
    const value = valueAt(input, at);
    if ((issue.code === "invalid_type" || issue.code === "invalid_value") && value === undefined) {
      const what = issue.code === "invalid_type" ? (EXPECTED[issue.expected] ?? issue.expected) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
      out.push({ at, position: "value", message: "is required", fix: `add ${String(at[at.length - 1] ?? "it")}: ${what}` });
      continue;
    }
    out.push({ at, position: "value", ...issueTexts(issue, value), value: { value } });
  }
  return out;
}

export interface ZodProblemContext {
  readonly file?: string;
  /** Prefix of every key path, e.g. `ml-gitops:gpuPools`. */
  readonly prefix?: string;
  /** The raw input the schema parsed, to report the value received. */
  readonly input: unknown;
  /** The schema that parsed it, for did-you-mean hints on unknown keys. */
  readonly schema: z.ZodType;
}

/** Zod issues as Problems (no source positions: for those, see lib/deployments/validate.ts ProblemSink). */
export function zodProblems(error: z.ZodError, ctx: ZodProblemContext): Problem[] {
  return translateZodIssues(error, ctx.input, ctx.schema, ctx.prefix).map((t) => ({
    ...(ctx.file !== undefined && { file: ctx.file }),
    path: keyPath(t.at, ctx.prefix) || "(document)",
    ...(t.value !== undefined && t.value.value !== undefined && { value: t.value.value }),
    message: t.message,
    fix: sentence(t.fix),
  }));
}
