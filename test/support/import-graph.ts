/**
 * The project's import graph, read with the TypeScript compiler API (a syntax walk, no type
 * checking), and the layer rules it must obey. Every way a file can depend on another counts:
 * `import`, `import type`, `export ... from`, `import x = require()`, `require(...)`, `import(...)`
 * and `typeof import("...")` in a type. A type-only edge is still an edge: it ties the files'
 * meaning together, and the rules and the cycle check treat it like any other.
 *
 * The layers (README "Architecture"):
 * - `policies/lib/` is the kernel: pure predicates shared by the pack, the loader and the CLI.
 *   It imports only itself (and npm packages). It lives inside the pack because the pack must be
 *   self-contained: the Pulumi CLI loads it from its own directory and `pulumi policy publish`
 *   uploads only that directory.
 * - `policies/` imports only `policies/`.
 * - `lib/` imports only `lib/` and the kernel.
 * - `components/` imports only `lib/` and `components/`.
 * - `infra/` imports only `lib/`, `components/` and `infra/`.
 * - `plan/` imports nothing from `cli/`.
 * - No cycle anywhere, among all project files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import ts from "typescript";

export type EdgeKind = "import" | "import type" | "export from" | "import = require" | "require" | "import()" | "typeof import";

export interface ImportRef {
  readonly specifier: string;
  /** 1-based line of the import in the importing file. */
  readonly line: number;
  readonly kind: EdgeKind;
}

export interface Edge extends ImportRef {
  /** Project-relative, POSIX separators, e.g. `lib/render/rollout.ts`. */
  readonly from: string;
  /** The project file it resolves to, or undefined for a package or builtin. */
  readonly to: string | undefined;
}

/** Every module reference in a TypeScript or JavaScript source, in source order. */
export function importsOf(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : undefined);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined, kind: EdgeKind) => {
    if (literal && ts.isStringLiteralLike(literal)) {
      refs.push({ specifier: literal.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, kind });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.importClause?.isTypeOnly ? "import type" : "import");
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, "export from");
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, "import = require");
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], "import()");
      else if (ts.isIdentifier(node.expression) && node.expression.text === "require" && node.arguments.length === 1) add(node, node.arguments[0], "require");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, "typeof import");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

const SOURCE = /\.(ts|tsx|cts|mts|js|cjs|mjs)$/;
const RESOLVE_SUFFIXES = ["", ".ts", ".tsx", ".cts", ".mts", ".js", ".cjs", ".mjs", ".json", "/index.ts", "/index.js"];

/** A project file: a relative path with POSIX separators, and its text. */
export type SourceFiles = ReadonlyMap<string, string>;

/** Resolves a relative specifier against the project's files, as Node and tsc would. */
function resolve(files: SourceFiles, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const suffix of RESOLVE_SUFFIXES) {
    if (files.has(base + suffix)) return base + suffix;
  }
  return `${base} (unresolved)`;
}

export function edgesOf(files: SourceFiles): Edge[] {
  return [...files].flatMap(([from, text]) => (from.endsWith(".json") ? [] : importsOf(from, text).map((r): Edge => ({ ...r, from, to: resolve(files, from, r.specifier) }))));
}

/** The layer a file belongs to: its top directory, with the pack's kernel `policies/lib` apart. */
export function layerOf(file: string): string {
  if (file.startsWith("policies/lib/")) return "policies/lib";
  return file.split("/")[0]!;
}

/** Which layers a layer may import (project files only; npm packages and builtins are always allowed). Unlisted layers are unconstrained. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  "policies/lib": ["policies/lib"],
  policies: ["policies", "policies/lib"],
  lib: ["lib", "policies/lib"],
  components: ["components", "lib"],
  infra: ["infra", "components", "lib"],
};

/** Layers a layer must never import, beyond ALLOWED. */
export const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  plan: ["cli"],
};

export function layerViolations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (e.to === undefined) continue;
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    const allowed = ALLOWED[from];
    const forbidden = FORBIDDEN[from] ?? [];
    if ((allowed && !allowed.includes(to)) || forbidden.includes(to)) {
      out.push(`${e.from}:${e.line}: ${from}/ must not import ${to}/: ${e.kind} "${e.specifier}" (${e.to})`);
    }
  }
  return out;
}

/** Every import that names a project file that does not exist. */
export function unresolved(edges: readonly Edge[]): string[] {
  return edges.filter((e) => e.to?.endsWith(" (unresolved)")).map((e) => `${e.from}:${e.line}: ${e.kind} "${e.specifier}" names no file`);
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), each reported as a path
 * `a.ts → b.ts → a.ts` with the first edge from the component's smallest file, so the
 * report is stable.
 */
export function cycles(edges: readonly Edge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.to === undefined || e.to.endsWith(" (unresolved)")) continue;
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const nodes = [...new Set([...next.keys(), ...[...next.values()].flatMap((s) => [...s])])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || next.get(v)?.has(v)) components.push(c.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strong(v);
  return components.map((c) => cyclePath(c, next)).sort();
}

/** The shortest cycle through the component's first file, by breadth-first search inside the component. */
function cyclePath(component: readonly string[], next: ReadonlyMap<string, ReadonlySet<string>>): string {
  const inside = new Set(component);
  const start = component[0]!;
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x: string | undefined = v; x !== undefined && x !== start; x = parent.get(x)) path.splice(1, 0, x);
        return `${[...path, start].join(" → ")}${component.length > path.length ? ` (cycle among ${component.length} files: ${component.join(", ")})` : ""}`;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(" → ");
}

const SKIP = new Set(["node_modules", "dist", "out", ".git"]);

/** Every source file under the project's code directories, keyed by POSIX relative path. */
export function projectFiles(root: string, dirs: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      if (SKIP.has(entry)) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(entry) || entry.endsWith(".json")) files.set(relative(root, path).split(sep).join("/"), readFileSync(path, "utf8"));
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return files;
}

export const CODE_DIRS = ["bench", "cli", "components", "infra", "lib", "plan", "policies", "scripts", "test"] as const;
