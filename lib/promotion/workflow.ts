/**
 * One promotion command from start to end, under the working tree's promotion lock (lock.ts):
 * settle what an interrupted promotion left (journal.ts), refuse a detached HEAD or a branch
 * behind its upstream, find the declaration (again, now that nobody else can change it), refuse
 * a file with uncommitted changes, plan the change, edit the text, prove the edited declaration
 * still loads, journal, write it atomically, stage it and commit it. Every refusal happens before
 * the first byte is written; any failure afterwards puts the file and the index back exactly as
 * they were, and a kill afterwards is settled by the next command.
 */
import { lstatSync, readFileSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { ValidationError } from "../errors";
import { clustersOf } from "../config/environment-clusters";
import { loadDeploymentFile, loadDeployments, type DeploymentContext } from "../deployments/loader";
import type { LoadedDeployment } from "../deployments/types";
import { faultPoint } from "./fault";
import { assertIdentity, assertRepository, behindUpstream, currentBranch, gitDir, GitError, head, tryGit, uncommitted } from "./git";
import { clearJournal, committedAsJournaled, describeSettled, messagePath, readJournal, settle, writeJournal, type Journal } from "./journal";
import { indexLocked, lockWaitMs, PromotionLock, sleepSync, sweepLeftovers } from "./lock";
import { formatCommitMessage, type Action, type Trailers } from "./message";
import { PromotionRefused, type Change } from "./transitions";
import { writeFileAtomic } from "./write";

/** The CLI knows no stack: the GPU-fit check is skipped, KServe mode defaults as on a new cluster. */
export const CLI_CONTEXT: DeploymentContext = { gpuPools: [], defaultKServeMode: "Standard" };

/** A model's declaration in one environment, by `metadata.name`. @throws ValidationError */
export function findDeployment(root: string, environment: string, model: string): LoadedDeployment {
  const all = loadDeployments(root, environment, CLI_CONTEXT);
  const found = all.find((d) => d.declaration.metadata.name === model);
  if (found) return found;
  const names = all.map((d) => d.declaration.metadata.name);
  throw new ValidationError(`model ${model}`, [
    {
      path: "MODEL",
      value: model,
      message: `is not declared in deployments/${environment}`,
      fix: names.length > 0 ? `Use one of ${names.join(", ")}` : `Add deployments/${environment}/${model}.yaml`,
    },
  ]);
}

export interface Applied {
  readonly action: Action;
  readonly file: string;
  readonly subject: string;
  readonly trailers: Trailers;
  readonly canaryWeightPercent: number;
  /** The new commit; absent with `--no-commit` (the change is staged instead). */
  readonly commit?: string;
  /** With `--no-commit`: the message to commit the staged change with, so history and verify see a promotion. */
  readonly message?: string;
  readonly staged: boolean;
}

export interface RunOptions {
  readonly root: string;
  readonly environment: string;
  readonly model: string;
  /** false: write and stage only, for a pull request. */
  readonly commit: boolean;
  /** Sign the commit with the user's git signing setup (`git commit -S`: user.signingkey, gpg.format). */
  readonly sign?: boolean;
  /** The command, for the lock and the journal (`promote`, `advance`, ...). @default "promotion" */
  readonly command?: string;
  /** Where notes about settled interrupted promotions go. @default stderr, prefixed `ml-gitops: ` */
  readonly notify?: (line: string) => void;
}

const defaultNotify = (line: string): void => void process.stderr.write(`ml-gitops: ${line}\n`);

/**
 * Settles an interrupted promotion, if its journal is there. The caller holds the lock.
 * @throws GitError when it can't be settled safely (the reason says what to do).
 */
export function settleInterrupted(root: string, gd: string, notify: (line: string) => void): void {
  const journal = readJournal(gd);
  if (!journal) return;
  const settled = settle(root, gd, journal);
  const line = describeSettled(journal, settled);
  if (settled.outcome === "left") throw new GitError(line);
  notify(line);
}

/**
 * For read-only commands (status, history, verify): a line saying an interrupted promotion is
 * waiting to be settled, or undefined. They don't settle it themselves: they take no lock.
 */
export function interruptedNotice(root: string): string | undefined {
  const r = tryGit(root, ["rev-parse", "--absolute-git-dir"]);
  if (!r.ok) return undefined;
  let journal: Journal | undefined;
  try {
    journal = readJournal(r.stdout.trim());
  } catch (err) {
    return (err as Error).message;
  }
  if (!journal) return undefined;
  return `an interrupted ${journal.command} (pid ${journal.pid}) left ${journal.file} unsettled; what is shown may include its uncommitted change. The next promote, advance, abort or rollback finishes or undoes it`;
}

/** git's own lock: wait for a running git command, then give up naming the file. */
function waitForIndex(gd: string, waitMs: number): void {
  const deadline = Date.now() + waitMs;
  while (indexLocked(gd)) {
    if (Date.now() >= deadline) {
      const file = path.join(gd, "index.lock");
      throw new GitError(`git's index is locked (${file}): another git command is running, or one was killed; if no git process is running, remove ${file} and run again`);
    }
    sleepSync(50);
  }
}

function refuseBranchState(root: string, subject: string): void {
  if (currentBranch(root) === undefined) {
    const at = head(root)?.slice(0, 12) ?? "(no commit)";
    throw new PromotionRefused(subject, [`HEAD is detached at ${at}; a promotion commit there belongs to no branch and is lost on the next checkout. Check out the branch Argo CD or Flux follows (git switch main) and run again`]);
  }
  const behind = behindUpstream(root);
  if (behind && behind.behind > 0) {
    throw new PromotionRefused(subject, [
      `the branch is ${behind.behind} commit${behind.behind === 1 ? "" : "s"} behind ${behind.upstream} (as of the last fetch); pull first (git pull --rebase) so the promotion starts from what is deployed`,
    ]);
  }
}

/**
 * The declaration's path must be the file itself, inside the tree: a symbolic link (to the file or
 * to a directory above it) would be replaced by a plain file by the atomic rename, or lead outside
 * the repository. The link's target is not read, so its content can't leak into a message.
 */
function refuseLinked(root: string, file: string, subject: string): void {
  const absolute = path.join(root, file);
  if (lstatSync(absolute).isSymbolicLink()) {
    throw new PromotionRefused(subject, [`${file} is a symbolic link; ml-gitops edits a declaration in place and would replace the link with a plain file. Keep the declaration as a regular file in deployments/`]);
  }
  if (realpathSync(absolute) !== path.join(realpathSync(root), file)) {
    throw new PromotionRefused(subject, [`${path.posix.dirname(file)} is reached through a symbolic link; keep deployments/ and its environment directories as real directories of the repository`]);
  }
}

export type LineEndings = "lf" | "crlf" | "mixed";

/** A file with no line break counts as LF. */
export function lineEndings(text: string): LineEndings {
  const lf = (text.match(/\n/g) ?? []).length;
  const crlf = (text.match(/\r\n/g) ?? []).length;
  if (crlf === 0) return "lf";
  return crlf === lf ? "crlf" : "mixed";
}

/**
 * Runs `plan` against the model's declaration and records the result. `plan` is called under the
 * lock, with the declaration as it is now (after any concurrent promotion's commit).
 * @throws PromotionRefused (exit 1); ValidationError, GitError (exit 2)
 */
export function runChange(options: RunOptions, plan: (d: LoadedDeployment) => Change): Applied {
  const { root } = options;
  assertRepository(root);
  const gd = gitDir(root);
  const notify = options.notify ?? defaultNotify;
  const waitMs = lockWaitMs();
  const lock = PromotionLock.acquire(gd, `${options.command ?? "promotion"} ${options.model} --env ${options.environment}`, waitMs);
  try {
    if (lock.tookOverFrom) notify(`took over the promotion lock of ${lock.tookOverFrom.command} (pid ${lock.tookOverFrom.pid}), which is no longer running`);
    sweepLeftovers(gd);
    settleInterrupted(root, gd, notify);
    waitForIndex(gd, waitMs);
    return applyLocked(options, gd, plan);
  } finally {
    lock.release();
  }
}

function applyLocked(options: RunOptions, gd: string, plan: (d: LoadedDeployment) => Change): Applied {
  const { root } = options;
  const subjectOf = (action: string) => `${action} ${options.model} in ${options.environment}`;
  const d = findDeployment(root, options.environment, options.model);
  const dirty = uncommitted(root, d.file);
  let change: Change;
  try {
    change = plan(d);
  } catch (err) {
    if (err instanceof PromotionRefused && dirty.length > 0) throw new PromotionRefused(err.subject, [dirtyReason(d.file), ...err.reasons]);
    throw err;
  }
  const subject = subjectOf(change.action);
  if (dirty.length > 0) throw new PromotionRefused(subject, [dirtyReason(d.file)]);
  if (options.commit) refuseBranchState(root, subject);
  refuseLinked(root, d.file, subject);

  const absolute = path.join(root, d.file);
  const original = readFileSync(absolute);
  const text = original.toString("utf8");
  const eol = lineEndings(text);
  if (eol === "mixed") {
    throw new PromotionRefused(subject, [`${d.file} mixes CRLF and LF line endings, so an edit can't keep them consistent; convert it to one style (for example dos2unix ${d.file}), commit that, and run again`]);
  }
  // Loaded here, not at the top: status and history import this module and never edit (they
  // would load the yaml library for nothing).
  const { applyEdits, YamlEditError } = require("./yaml-edit") as typeof import("./yaml-edit");
  let edited: string;
  try {
    // Edits are made on LF text and the file's CRLF style is put back on every line, so an edited
    // CRLF file stays CRLF throughout instead of gaining LF-only lines.
    const lf = eol === "crlf" ? text.replace(/\r\n/g, "\n") : text;
    edited = applyEdits(lf, change.edits);
    loadDeploymentFile(d.file, edited, { ...CLI_CONTEXT, clusters: () => clustersOf(root, options.environment) });
    if (eol === "crlf") edited = edited.replace(/\n/g, "\r\n");
  } catch (err) {
    if (err instanceof ValidationError || err instanceof YamlEditError) {
      throw new PromotionRefused(subject, [`the edited declaration would not be valid, so nothing was written:\n${err.message}`]);
    }
    throw err;
  }
  if (options.commit) assertIdentity(root);

  const message = formatCommitMessage(change.subject, change.trailers);
  const journal: Journal = {
    version: 1,
    command: options.command ?? "promotion",
    pid: process.pid,
    file: d.file,
    head: head(root),
    message,
    original: original.toString("base64"),
    edited: Buffer.from(edited, "utf8").toString("base64"),
    tmp: path.join(path.dirname(absolute), `.${path.basename(absolute)}.ml-gitops.tmp`),
    commit: options.commit,
  };
  const base = { action: change.action, file: d.file, subject: change.subject, trailers: change.trailers, canaryWeightPercent: change.canaryWeightPercent };
  writeJournal(gd, journal);
  faultPoint("journaled");
  let step = "writing the file";
  try {
    writeFileAtomic(absolute, edited, { tmp: journal.tmp, beforeRename: () => faultPoint("temp-written") });
    faultPoint("written");
    step = "git add";
    const added = tryGit(root, ["add", "--", d.file]);
    if (!added.ok) throw new GitError(`git add failed: ${added.stderr.trim()}`);
    faultPoint("staged");
    if (!options.commit) {
      clearJournal(gd, journal);
      return { ...base, message, staged: true };
    }
    step = "git commit";
    writeFileAtomic(messagePath(gd), message);
    // --only semantics (`-- <file>`): whatever else the user staged stays staged and out of this commit.
    const committed = tryGit(root, ["commit", "-q", "--no-edit", ...(options.sign ? ["-S"] : []), "-F", messagePath(gd), "--", d.file]);
    if (!committed.ok) throw new GitError(`git commit failed: ${(committed.stderr || committed.stdout).trim()}`);
    faultPoint("committed");
    const commit = committedAsJournaled(root, journal);
    if (commit === undefined) {
      // A hook changed the file between staging and committing, or another process committed
      // meanwhile: the record would not match the message, so say so instead of reporting success.
      clearJournal(gd, journal);
      throw new GitError(`the commit ${head(root)?.slice(0, 12)} does not contain ${d.file} as planned (a hook changed it, or HEAD moved); check it with git show and revert it if needed`);
    }
    clearJournal(gd, journal);
    return { ...base, commit, staged: false };
  } catch (err) {
    // Every failure path, not only a failing `git commit`: the repository goes back to as before,
    // unless git did make the commit (then that is the result).
    const why = err instanceof GitError ? err.message : `${step} failed: ${(err as Error).message}`;
    let settled;
    try {
      settled = settle(root, gd, journal);
    } catch (restoreErr) {
      throw new GitError(`${why}\nrestoring ${d.file} failed too: ${(restoreErr as Error).message}`);
    }
    if (settled.outcome === "committed") return { ...base, commit: settled.commit, staged: false };
    if (settled.outcome === "left") throw new GitError(`${why}\n${describeSettled(journal, settled)}`);
    throw new GitError(`${why}\n${d.file} was restored and unstaged; nothing was committed`);
  }
}

function dirtyReason(file: string): string {
  return `${file} has uncommitted changes; commit or discard them first, so the promotion commit contains only the promotion`;
}
