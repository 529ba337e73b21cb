/**
 * Crash consistency for the write-to-commit window. Before the first byte of a declaration is
 * written, the promotion records in `<git-dir>/ml-gitops/journal.json` what it is about to do:
 * the file, HEAD, the original and the edited bytes, the commit message and its temporary file.
 * The journal is removed only once the repository is in one of two states: as before (file and
 * index restored) or with the complete commit. A process killed anywhere in between (Ctrl-C,
 * SIGKILL, a lost CI runner) leaves the journal, and the next promotion command, under the lock,
 * settles it: it keeps the commit when git made it, and otherwise restores the file and the index.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { GitError, head, tryGit } from "./git";
import { writeFileAtomic } from "./write";

export interface Journal {
  readonly version: 1;
  readonly command: string;
  readonly pid: number;
  /** Relative to the working tree, POSIX separators. */
  readonly file: string;
  /** HEAD before the promotion; undefined in a repository without commits. */
  readonly head: string | undefined;
  readonly message: string;
  /** Base64: the bytes exactly, line endings included. */
  readonly original: string;
  readonly edited: string;
  /** Absolute path of the temporary file the atomic write uses. */
  readonly tmp: string;
  /** Whether the change was to be committed (false: `--no-commit`, staged on purpose). */
  readonly commit: boolean;
}

export function journalPath(gitDir: string): string {
  return path.join(gitDir, "ml-gitops", "journal.json");
}

export function messagePath(gitDir: string): string {
  return path.join(gitDir, "ml-gitops", "COMMIT_MSG");
}

export function readJournal(gitDir: string): Journal | undefined {
  const file = journalPath(gitDir);
  if (!existsSync(file)) return undefined;
  try {
    const j = JSON.parse(readFileSync(file, "utf8")) as Journal;
    if (j.version === 1 && typeof j.file === "string" && typeof j.original === "string") return j;
  } catch {
    // The journal is written atomically, so an unreadable one was not written by ml-gitops.
  }
  throw new GitError(`${file} is not a journal ml-gitops can read; inspect it, then remove it and run again`);
}

export function writeJournal(gitDir: string, journal: Journal): void {
  mkdirSync(path.dirname(journalPath(gitDir)), { recursive: true });
  writeFileAtomic(journalPath(gitDir), JSON.stringify(journal));
}

export function clearJournal(gitDir: string, journal: Journal): void {
  rmSync(journal.tmp, { force: true });
  rmSync(messagePath(gitDir), { force: true });
  rmSync(journalPath(gitDir), { force: true });
}

export type Settled =
  | { readonly outcome: "committed"; readonly commit: string }
  | { readonly outcome: "restored" }
  | { readonly outcome: "staged" }
  | { readonly outcome: "left"; readonly why: string };

function bytesAt(root: string, rev: string, file: string): Buffer | undefined {
  const r = tryGit(root, ["cat-file", "blob", `${rev}:${file}`], "buffer");
  return r.ok ? r.bytes : undefined;
}

function readMaybe(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Whether HEAD is the commit the journal set out to make: its parent, its subject and the file's
 * bytes. Only the subject of the message is compared: a commit-msg hook may append lines (a
 * Change-Id, a sign-off) to the body.
 */
export function committedAsJournaled(root: string, j: Journal): string | undefined {
  const now = head(root);
  if (now === undefined || now === j.head) return undefined;
  const r = tryGit(root, ["log", "-1", "--format=%P%x00%B", now]);
  if (!r.ok) return undefined;
  const [parents, body] = r.stdout.split("\0");
  const parentOk = j.head === undefined ? parents!.trim() === "" : parents!.trim() === j.head;
  if (!parentOk || body?.split("\n")[0] !== j.message.split("\n")[0]) return undefined;
  const committed = bytesAt(root, now, j.file);
  return committed !== undefined && committed.equals(Buffer.from(j.edited, "base64")) ? now : undefined;
}

/**
 * Brings the repository to "as before" or "complete commit" for an interrupted (or failed)
 * promotion, then removes the journal. Never overwrites bytes the promotion did not write: a file
 * changed by someone else after the interruption is left alone, with the journal, and reported.
 * @throws GitError when git can't run (for example a stale `index.lock`); the journal stays.
 */
export function settle(root: string, gitDir: string, j: Journal): Settled {
  const committed = committedAsJournaled(root, j);
  if (committed !== undefined) {
    clearJournal(gitDir, j);
    return { outcome: "committed", commit: committed };
  }
  const absolute = path.join(root, j.file);
  const original = Buffer.from(j.original, "base64");
  const edited = Buffer.from(j.edited, "base64");
  if (head(root) !== j.head) {
    return {
      outcome: "left",
      why: `HEAD moved from ${j.head?.slice(0, 12) ?? "(no commit)"} to ${head(root)?.slice(0, 12)} by a commit ml-gitops did not make; check ${j.file} with git status and git show, then remove ${journalPath(gitDir)}`,
    };
  }
  const current = readMaybe(absolute);
  if (current !== undefined && !current.equals(original) && !current.equals(edited)) {
    return { outcome: "left", why: `${j.file} was changed after the interrupted ${j.command}; keep or discard that change (git diff -- ${j.file}), then remove ${journalPath(gitDir)}` };
  }
  if (!j.commit && current !== undefined && current.equals(edited) && stagedMatches(root, j.file, edited)) {
    // --no-commit finished its work (written and staged) and was interrupted while tidying up.
    clearJournal(gitDir, j);
    return { outcome: "staged" };
  }
  if (current === undefined || !current.equals(original)) writeFileAtomic(absolute, original, { tmp: j.tmp });
  const reset = j.head === undefined ? tryGit(root, ["rm", "-q", "--cached", "--ignore-unmatch", "--", j.file]) : tryGit(root, ["reset", "-q", "--", j.file]);
  if (!reset.ok) {
    throw new GitError(`restoring ${j.file} after the interrupted ${j.command}: git could not unstage it: ${reset.stderr.trim()}\nthe journal ${journalPath(gitDir)} is kept; run the command again once git works`);
  }
  clearJournal(gitDir, j);
  return { outcome: "restored" };
}

function stagedMatches(root: string, file: string, bytes: Buffer): boolean {
  const staged = bytesAt(root, "", file);
  return staged !== undefined && staged.equals(bytes);
}

/** One line for stderr about what `settle` did. */
export function describeSettled(j: Journal, s: Settled): string {
  const what = `an interrupted ${j.command} (pid ${j.pid})`;
  switch (s.outcome) {
    case "committed":
      return `${what} had committed ${s.commit.slice(0, 12)}; its leftovers were removed`;
    case "restored":
      return `${what} had not committed; ${j.file} and the index were restored as they were before it`;
    case "staged":
      return `${what} (--no-commit) had staged ${j.file}; its leftovers were removed`;
    case "left":
      return `${what} was left as it is: ${s.why}`;
  }
}
