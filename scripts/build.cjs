#!/usr/bin/env node
/**
 * `npm run build`: the CLI and the program as JavaScript in dist/, one file per source file and
 * the same tree (dist/cli/main.js, dist/infra/program.js...), so relative imports, the plan's
 * lazy `require("../infra/program")` and paths found from a module's location work unchanged.
 *
 * Why compiled ahead of time: under tsx a plan spent more time loading than planning (tsx's
 * require hook, compiling TypeScript on every run, round trips to its loader thread) and
 * source-mapped every stack trace Pulumi captures for its promises. esbuild only strips types,
 * as tsx does (same compiler, same tsconfig), in well under a second; `tsc --noEmit` stays the
 * type check (`npm test`). Tests and benchmarks are not built: they run under tsx.
 *
 * bin/ml-gitops calls `ensureBuilt`, so a fresh clone and an edited source tree both run
 * current code: a cheap mtime check, and a rebuild only when a source is newer than the build.
 */
"use strict";
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/** Everything the CLI and the Pulumi program load; tests and benchmarks stay under tsx. */
const SOURCE_DIRS = ["cli", "infra", "components", "lib", "plan", "policies"];
const STAMP = ".build-stamp.json";

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file, out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !entry.name.endsWith(".test.ts")) out.push(file);
  }
  return out;
}

/** The TypeScript files that make up dist/, sorted. */
function sources(root = ROOT) {
  return SOURCE_DIRS.filter((d) => existsSync(path.join(root, d)))
    .flatMap((d) => walk(path.join(root, d), []))
    .sort();
}

/**
 * Why dist/ must be rebuilt, or undefined when it is current: missing, built by another version
 * of this script, a source added or removed, or a source (or this script, or tsconfig.json)
 * modified after the build. Costs one stat per source file (a few milliseconds).
 */
function staleness(root = ROOT) {
  const stampFile = path.join(root, "dist", STAMP);
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return "dist/ has not been built";
  }
  const files = sources(root);
  if (stamp.files !== files.length) return `sources were added or removed (${stamp.files} built, ${files.length} now)`;
  const builtMs = statSync(stampFile).mtimeMs;
  for (const file of [...files, __filename, path.join(root, "tsconfig.json")]) {
    if (existsSync(file) && statSync(file).mtimeMs > builtMs) return `${path.relative(root, file)} changed since the build`;
  }
  return undefined;
}

/**
 * Transpiles every source into a fresh directory and swaps it in with renames, so a process
 * running from dist/ never reads a half-written file and files of deleted sources do not linger.
 */
function build(root = ROOT) {
  const esbuild = require("esbuild");
  const files = sources(root);
  const dist = path.join(root, "dist");
  const next = path.join(root, `dist.tmp-${process.pid}`);
  const old = path.join(root, `dist.old-${process.pid}`);
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  try {
    esbuild.buildSync({
      entryPoints: files,
      outbase: root,
      outdir: next,
      bundle: false,
      format: "cjs",
      platform: "node",
      target: "node20",
      tsconfig: path.join(root, "tsconfig.json"),
      // Written but not loaded unless asked for (node --enable-source-maps): mapping every
      // stack Pulumi captures is what made the tsx plan slow.
      sourcemap: "linked",
      logLevel: "warning",
    });
    writeFileSync(path.join(next, STAMP), `${JSON.stringify({ files: files.length })}\n`);
    if (existsSync(dist)) renameSync(dist, old);
    try {
      renameSync(next, dist);
    } catch (err) {
      // Another process swapped its own build in first; it is built from the same sources.
      if (!existsSync(dist)) throw err;
    }
  } finally {
    rmSync(next, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
  return files.length;
}

/** Builds when dist/ is stale; returns why it rebuilt, or undefined. */
function ensureBuilt(root = ROOT) {
  const why = staleness(root);
  if (why !== undefined) build(root);
  return why;
}

module.exports = { ROOT, SOURCE_DIRS, sources, staleness, build, ensureBuilt };

if (require.main === module) {
  const started = process.hrtime.bigint();
  const count = build();
  process.stderr.write(`built ${count} files into dist/ in ${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms\n`);
}
