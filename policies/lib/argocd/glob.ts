/**
 * The two pattern languages Argo CD v3.5.1 matches AppProject entries with, as regular
 * expressions:
 * - Go's `path/filepath.Match` for group, kind and name of the resource lists
 *   (argo-cd@v3.5.1:pkg/apis/application/v1alpha1/types.go isResourceInList,
 *   isNamedResourceInList): `*` any run of non-'/' characters, `?` one non-'/' character,
 *   `[...]`/`[^...]` classes, `\` escapes. A malformed pattern matches nothing (Match's error is
 *   treated as "no").
 * - gobwas/glob through argo-cd@v3.5.1:util/glob/glob.go Match, for source repositories (with
 *   '/' as separator) and destinations (no separator): additionally `**` (any run, separators
 *   included), `[!...]` and `{a,b}` alternatives.
 */

import { BoundedMemo } from "../memo";

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

function classAt(pattern: string, start: number, negations: readonly string[]): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (negations.includes(pattern[i] ?? "")) {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  while (i < pattern.length && (pattern[i] !== "]" || first)) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      body += escape(pattern[i + 1]!);
      i += 2;
    } else {
      body += c === "-" ? "-" : escape(c);
      i++;
    }
    first = false;
  }
  if (i >= pattern.length || body === "") return undefined;
  return { source: `[${negate ? "^" : ""}${body}]`, end: i };
}

/**
 * Compiled patterns by source: an AppProject's handful of entries is matched against every
 * object its Applications sync.
 */
const compiled = new BoundedMemo<RegExp | undefined>();

/** Go filepath.Match on Linux (separator '/'); undefined for a malformed pattern. */
export function goPathPattern(pattern: string): RegExp | undefined {
  return compiled.get(`go\0${pattern}`, () => compileGoPath(pattern));
}

function compileGoPath(pattern: string): RegExp | undefined {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "\\") {
      if (i + 1 >= pattern.length) return undefined;
      out += escape(pattern[++i]!);
    } else if (c === "[") {
      const cls = classAt(pattern, i, ["^"]);
      if (!cls) return undefined;
      out += cls.source;
      i = cls.end;
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`, "s");
}

export function goPathMatch(pattern: string, value: string): boolean {
  return goPathPattern(pattern)?.test(value) ?? false;
}

/** gobwas/glob with the given separators; undefined for a malformed pattern. */
export function gobwasPattern(pattern: string, separators: readonly string[] = []): RegExp | undefined {
  return compiled.get(`gobwas\0${separators.join("")}\0${pattern}`, () => compileGobwas(pattern, separators));
}

function compileGobwas(pattern: string, separators: readonly string[]): RegExp | undefined {
  const notSep = separators.length === 0 ? "." : `[^${separators.map(escape).join("")}]`;
  let out = "";
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += `${notSep}*`;
    } else if (c === "?") out += notSep;
    else if (c === "\\") {
      if (i + 1 >= pattern.length) return undefined;
      out += escape(pattern[++i]!);
    } else if (c === "[") {
      const cls = classAt(pattern, i, ["!", "^"]);
      if (!cls) return undefined;
      out += cls.source;
      i = cls.end;
    } else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else out += escape(c);
  }
  if (depth !== 0) return undefined;
  return new RegExp(`^${out}$`, "s");
}

/**
 * argo-cd@v3.5.1:pkg/apis/application/v1alpha1/app_project_types.go globMatch: a leading '!'
 * negates (where allowed), "*" matches everything.
 */
export function argoGlobMatch(pattern: string, value: string, allowNegation: boolean, separators: readonly string[] = []): boolean {
  if (allowNegation && pattern.startsWith("!")) return !(gobwasPattern(pattern.slice(1), separators)?.test(value) ?? false);
  if (pattern === "*") return true;
  return gobwasPattern(pattern, separators)?.test(value) ?? false;
}
