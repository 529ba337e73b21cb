/**
 * Writes a tree of generated files below one directory (`ml-gitops plan --out DIR`) and never
 * touches anything else: every path is checked to stay below DIR (no `..`, no absolute path, no
 * symbolic link on the way), and a run deletes only files an earlier run wrote, as listed in the
 * manifest `DIR/.ml-gitops-written.json`. A file already there that ml-gitops did not write is a
 * conflict, reported with every other one before anything is written.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const OUTPUT_MANIFEST = ".ml-gitops-written.json";

/** Virtual file systems: writing there is never what was meant, and `mkdir -p` under /proc spins in Node 20. */
const VIRTUAL_ROOTS = ["/proc", "/sys", "/dev"];

export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputError";
  }
}

export interface WrittenTree {
  readonly written: readonly string[];
  /** Files an earlier run wrote that this run no longer produces. */
  readonly removed: readonly string[];
}

/** A relative POSIX path that stays below its base: no absolute path, no `.`/`..`/empty segment. */
export function isSafeRelative(rel: string): boolean {
  if (rel === "" || rel.includes("\0") || rel.includes("\\") || path.posix.isAbsolute(rel)) return false;
  return rel.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

function under(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** `mkdir -p` without Node's recursive mkdir: one level at a time, each error named. */
function ensureDir(dir: string, label: string): void {
  const st = lstatOrUndefined(dir);
  if (st) {
    if (!st.isDirectory()) throw new OutputError(`${label}: ${dir} exists and is not a directory`);
    return;
  }
  const parent = path.dirname(dir);
  if (parent === dir) throw new OutputError(`${label}: ${dir} does not exist`);
  ensureDir(parent, label);
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new OutputError(`${label}: cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function nearestExisting(p: string): string {
  let at = p;
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return realpathSync(at);
}

function readManifest(dir: string, label: string): Set<string> {
  const file = path.join(dir, OUTPUT_MANIFEST);
  const st = lstatOrUndefined(file);
  if (!st) return new Set();
  if (!st.isFile()) throw new OutputError(`${label}: ${file} is not a regular file; remove it`);
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as { files?: unknown };
    if (Array.isArray(m.files) && m.files.every((f) => typeof f === "string" && isSafeRelative(f))) return new Set(m.files as string[]);
  } catch {
    // Reported below.
  }
  throw new OutputError(`${label}: ${file} is not a manifest ml-gitops wrote; remove it (and the files it lists) or choose another directory`);
}

/**
 * Replaces the files a previous run wrote below `dir` with `files` (relative POSIX path → content).
 * @throws OutputError listing every problem, before anything is written or removed.
 */
/**
 * Checks and creates the output directory, so a bad `--out` fails before minutes of work: not on
 * a virtual file system, creatable, and with a readable manifest if it has one. Returns its real path.
 * @throws OutputError
 */
export function prepareOutputDir(dir: string, label = "--out"): string {
  const abs = path.resolve(dir);
  const real = nearestExisting(abs);
  if (VIRTUAL_ROOTS.some((v) => real === v || real.startsWith(`${v}/`))) {
    throw new OutputError(`${label} ${dir}: ${real} is on a virtual file system (${VIRTUAL_ROOTS.join(", ")}); write the plan to a directory of your own, e.g. --out out/plan`);
  }
  ensureDir(abs, label);
  const base = realpathSync(abs);
  readManifest(base, label);
  return base;
}

export interface WriteTreeOptions {
  /** How the option is named in messages. @default "--out" */
  readonly label?: string;
  /**
   * A directory written before manifests existed: when this file is there and starts with this
   * text, and there is no manifest, files at the paths being written are taken as ours and
   * replaced (never deleted when no longer produced).
   */
  readonly legacy?: { readonly file: string; readonly startsWith: string };
}

export function writeTree(dir: string, files: ReadonlyMap<string, string>, options: WriteTreeOptions = {}): WrittenTree {
  const label = options.label ?? "--out";
  const base = prepareOutputDir(dir, label);
  const previous = readManifest(base, label);
  const adopted = new Set<string>();
  if (previous.size === 0 && options.legacy && !existsSync(path.join(base, OUTPUT_MANIFEST))) {
    const marker = path.join(base, options.legacy.file);
    const st = lstatOrUndefined(marker);
    if (st?.isFile() && readFileSync(marker, "utf8").startsWith(options.legacy.startsWith)) {
      for (const rel of files.keys()) if (isSafeRelative(rel) && lstatOrUndefined(path.join(base, rel))?.isFile()) adopted.add(rel);
    }
  }

  const problems: string[] = [];
  for (const rel of files.keys()) {
    if (!isSafeRelative(rel) || rel === OUTPUT_MANIFEST) {
      problems.push(`${JSON.stringify(rel)} is not a plain relative path below ${dir}`);
      continue;
    }
    // Every existing component must be a real directory (not a link out of the tree), and an
    // existing file may be replaced only when an earlier run wrote it.
    const parts = rel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const p = path.join(base, ...parts.slice(0, i));
      const st = lstatOrUndefined(p);
      if (!st) break;
      if (st.isSymbolicLink()) {
        problems.push(`${path.join(dir, ...parts.slice(0, i))} is a symbolic link; ml-gitops writes only real files below ${dir}`);
        break;
      }
      if (i < parts.length && !st.isDirectory()) {
        problems.push(`${path.join(dir, ...parts.slice(0, i))} is a file where a directory is needed`);
        break;
      }
      if (i === parts.length && !previous.has(rel) && !adopted.has(rel)) problems.push(`${path.join(dir, rel)} exists and was not written by ml-gitops; move it away or choose another directory`);
    }
  }
  if (problems.length > 0) throw new OutputError(`${label} ${dir}: refusing to write:\n${[...new Set(problems)].map((p) => `  - ${p}`).join("\n")}`);

  // While writing, the manifest lists old and new files, so an interrupted run can be re-run safely.
  const manifest = (list: Iterable<string>) => writeFileSync(path.join(base, OUTPUT_MANIFEST), `${JSON.stringify({ tool: "ml-gitops", files: [...list].sort() }, null, 2)}\n`);
  manifest(new Set([...previous, ...files.keys()]));

  const removed: string[] = [];
  for (const rel of [...previous].sort()) {
    if (files.has(rel)) continue;
    const p = path.join(base, rel);
    const st = lstatOrUndefined(p);
    if (st?.isFile() && under(base, p)) {
      rmSync(p);
      removed.push(rel);
    }
    // Directories this removal emptied go too, up to (not including) the output directory.
    for (let d = path.dirname(p); d !== base && under(base, d); d = path.dirname(d)) {
      try {
        rmdirSync(d);
      } catch {
        break;
      }
    }
  }
  for (const [rel, content] of files) {
    const p = path.join(base, rel);
    ensureDir(path.dirname(p), label);
    writeFileSync(p, content);
  }
  manifest(files.keys());
  return { written: [...files.keys()].sort(), removed };
}
