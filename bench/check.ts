/** `ml-gitops check` over the shared corpus, as CI runs it over a GitOps repository. */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { BIN, expectStatus, type ChildCase } from "./lib/cases";
import { REPO } from "./lib/roots";

export const CORPUS = join(REPO, "..", "shared", "corpus");

/** The case, or why it is skipped. Exit 1 is expected: the corpus holds violating manifests. */
export function checkCorpus(): ChildCase | string {
  if (!existsSync(CORPUS)) return `${CORPUS} not found: check benchmark skipped`;
  const label = "check: ../shared/corpus";
  return {
    id: "check-corpus",
    label,
    cwd: REPO,
    nodeArgs: [BIN, "check", CORPUS],
    verify: (run) => {
      expectStatus(run, [0, 1], label);
      if (!/^\d+ objects in \d+ files: /m.test(run.stdout)) throw new Error(`${label}: no summary line in the output`);
    },
  };
}

export function checkedObjects(stdout: string): string {
  return /^(\d+ objects in \d+ files)/m.exec(stdout)?.[1] ?? "?";
}

/** How many objects the check-throughput case reads; the budget is objects per second over the whole run. */
export const CHECK_OBJECTS = 10_000;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e) ? [p] : [];
    });
}

/**
 * A GitOps repository of CHECK_OBJECTS objects: the files the sample plan writes (`plan --out`:
 * every stack's manifests/ and gitops/ files, real program output) copied round after round into
 * `<planOut>/check-objects/copy-<n>/`, whole files, until there are CHECK_OBJECTS objects (the
 * last file is cut to fit). It lives in the plan's temporary output, removed with it.
 */
export function checkObjects(planOut: string): ChildCase {
  const sources = yamlFiles(planOut).filter((f) => /\/(manifests|gitops)\//.test(f));
  const templates = sources.map((f) => ({ rel: relative(planOut, f), docs: parseAllDocuments(readFileSync(f, "utf8")).filter((d) => d.contents !== null).map((d) => d.toString()) }));
  if (templates.every((t) => t.docs.length === 0)) throw new Error(`no manifests under ${planOut}`);
  const dir = join(planOut, "check-objects");
  let written = 0;
  for (let copy = 0; written < CHECK_OBJECTS; copy++) {
    for (const t of templates) {
      if (written >= CHECK_OBJECTS || t.docs.length === 0) continue;
      const docs = t.docs.slice(0, CHECK_OBJECTS - written);
      const file = join(dir, `copy-${copy}`, t.rel);
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, docs.join("---\n"));
      written += docs.length;
    }
  }
  const label = `check: ${CHECK_OBJECTS.toLocaleString("en")} objects (sample plan output, copied)`;
  return {
    id: "check-objects",
    label,
    cwd: REPO,
    nodeArgs: [BIN, "check", dir],
    verify: (run) => {
      expectStatus(run, [0, 1], label);
      const n = /^(\d+) objects in \d+ files: /m.exec(run.stdout)?.[1];
      if (Number(n) !== CHECK_OBJECTS) throw new Error(`${label}: checked ${n ?? "no"} objects\n${run.stdout.slice(-2000)}`);
    },
  };
}
