/** `ml-gitops check` over the shared corpus, as CI runs it over a GitOps repository. */
import { existsSync } from "node:fs";
import { join } from "node:path";
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
