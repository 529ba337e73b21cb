/**
 * Turns zod issues into Problems: the key path as users write it, the value received, and a fix
 * that says what to write instead. Shared by the stack config parser and the declaration loader.
 */
import type { z } from "zod";
import { keyPath, type Problem } from "./errors";

export interface ZodProblemContext {
  readonly file?: string;
  /** Prefix of every key path, e.g. `ml-gitops:`. */
  readonly prefix?: string;
  /** The raw input the schema parsed, to report the value received. */
  readonly input: unknown;
  /** Source position of a path, when the caller knows it. */
  readonly positionOf?: (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;
  /** Names a key path may be confused with, for did-you-mean hints on unknown keys. */
  readonly knownKeys?: (path: readonly PropertyKey[]) => readonly string[];
}

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

function fixFor(issue: z.core.$ZodIssue, known: readonly string[], key: string): string {
  switch (issue.code) {
    case "unrecognized_keys": {
      const guess = closest(key, known);
      return guess ? `Did you mean "${guess}"? Otherwise remove it` : `Remove it; allowed keys here: ${known.join(", ")}`;
    }
    case "invalid_type":
      return issue.input === undefined ? `Set it: it is required (${issue.expected})` : `Write a ${issue.expected}`;
    case "invalid_value":
      return `Use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `Use a value of at least ${String(issue.minimum)}`;
    case "too_big":
      return `Use a value of at most ${String(issue.maximum)}`;
    default:
      return "Correct the value";
  }
}

export function zodProblems(error: z.ZodError, ctx: ZodProblemContext): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      const path = key === undefined ? issue.path : [...issue.path, key];
      const known = ctx.knownKeys?.(issue.path) ?? [];
      const position = ctx.positionOf?.(path);
      const value = valueAt(ctx.input, path);
      problems.push({
        ...(ctx.file && { file: ctx.file }),
        ...(position && { line: position.line, column: position.column }),
        path: keyPath(path, ctx.prefix) || "(document)",
        ...(value !== undefined && { value }),
        message: key !== undefined ? "unknown key" : issue.message.replace(/^Invalid input: /, ""),
        fix: issue.code === "custom" && typeof issue.params?.fix === "string" ? issue.params.fix : fixFor(issue, known, String(key ?? "")),
      });
    }
  }
  return problems;
}
