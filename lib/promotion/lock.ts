/**
 * Mutual exclusion for promotion commands: one lock per git working tree, held from reading the
 * declaration to the end of the commit, so two engineers (or two CI jobs) promoting at once are
 * serialised: the second waits briefly, then re-reads the declaration and plans against what the
 * first committed (usually a refusal such as "v3.2.0 is in canary"), or gives up with a message
 * naming the holder.
 *
 * One lock per working tree, not per file: every commit serialises on the index and HEAD anyway
 * (git's own `index.lock`), so a finer lock would only move the wait into git, where a second
 * `git commit` fails instead of waiting.
 *
 * The lock is a file created with O_EXCL in the git directory (`<git-dir>/ml-gitops/lock`), never
 * in the working tree, so it can't be committed and Argo CD or Flux never sees it. A lock whose
 * process is gone (same host, pid not alive) is stale and taken over; the journal (journal.ts)
 * then finishes or undoes what that process left.
 */
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { GitError } from "./git";

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly startedAt: string;
}

/** How long a second promotion waits for the first: long enough for a commit with hooks. */
export const DEFAULT_LOCK_WAIT_MS = 15_000;

/** `ML_GITOPS_LOCK_WAIT_MS` overrides the wait (CI with slow hooks; tests). */
export function lockWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ML_GITOPS_LOCK_WAIT_MS;
  if (raw === undefined || raw === "") return DEFAULT_LOCK_WAIT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) {
    throw new GitError(`ML_GITOPS_LOCK_WAIT_MS must be a whole number of milliseconds from 0 to 600000 (got ${JSON.stringify(raw).slice(0, 40)}); unset it for the default ${DEFAULT_LOCK_WAIT_MS}`);
  }
  return n;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread: promotion commands are synchronous from lock to commit, by design. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (typeof o.pid === "number" && typeof o.host === "string") return { pid: o.pid, host: o.host, command: String(o.command ?? "?"), startedAt: String(o.startedAt ?? "?") };
  } catch {
    // Half-written (its writer was killed between create and write) or removed meanwhile.
  }
  return undefined;
}

/** A lock is stale when its process is gone; only decidable on the host that took it. */
export function isStale(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.host === hostname() && !alive(owner.pid);
}

export class PromotionLock {
  private released = false;
  private constructor(
    readonly file: string,
    readonly tookOverFrom: LockOwner | undefined,
  ) {}

  /**
   * Takes the lock of the working tree whose git directory is `gitDir`, waiting up to `waitMs`.
   * @throws GitError naming the holder when it is still held after the wait.
   */
  static acquire(gitDir: string, command: string, waitMs: number): PromotionLock {
    const dir = path.join(gitDir, "ml-gitops");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "lock");
    const me: LockOwner = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
    const deadline = Date.now() + waitMs;
    let tookOverFrom: LockOwner | undefined;
    let delay = 10;
    for (;;) {
      // Written to a private file first and linked into place: the lock never exists half-written.
      const mine = path.join(dir, `lock.${process.pid}`);
      writeOwner(mine, me);
      try {
        linkSync(mine, file);
        rmSync(mine, { force: true });
        return new PromotionLock(file, tookOverFrom);
      } catch (err) {
        rmSync(mine, { force: true });
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new GitError(`cannot create the promotion lock ${file}: ${(err as Error).message}`);
      }
      const owner = readOwner(file);
      if (isStale(owner)) {
        if (takeOver(file, owner!)) tookOverFrom = owner;
        continue;
      }
      if (Date.now() >= deadline) {
        const who = owner ? `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})` : "another ml-gitops command";
        // The owner is known to be alive only when it is on this host and readable.
        const removable = owner === undefined || owner.host !== hostname();
        throw new GitError(
          `another promotion is in progress in this repository: ${who}; waited ${Math.round(waitMs / 1000)}s. Run again when it has finished` +
            (removable ? `; if no ml-gitops command is running, remove ${file}` : ""),
        );
      }
      sleepSync(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, 200);
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    // Only our own lock: a lock that was taken over from us (we were presumed dead) stays.
    if (readOwner(this.file)?.pid === process.pid) rmSync(this.file, { force: true });
  }
}

function writeOwner(file: string, owner: LockOwner): void {
  const fd = openSync(file, "w", 0o644);
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes a stale lock without removing a live one that replaced it meanwhile: the lock is moved
 * aside, and moved back if what was moved is not the stale lock we saw.
 */
function takeOver(file: string, stale: LockOwner): boolean {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return false;
  }
  const moved = readOwner(aside);
  if (moved && (moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process holds the lock now; the one we moved is re-created by nobody, and its
      // owner notices at release (it only removes a lock that is its own).
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

/**
 * Removes what killed processes left in `<git-dir>/ml-gitops/`: half-written journal or message
 * files (`.<name>.<pid>.<hex>.tmp`, from an atomic write cut short) and private lock files of
 * processes that are gone. Called with the lock held, so no live command is writing them.
 */
export function sweepLeftovers(gitDir: string): string[] {
  const dir = path.join(gitDir, "ml-gitops");
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of entries) {
    const privateLock = /^lock\.(?:stale\.)?(\d+)$/.exec(name);
    const stale = /^\.(journal\.json|COMMIT_MSG)\.\d+\.[0-9a-f]+\.tmp$/.test(name) || (privateLock !== null && Number(privateLock[1]) !== process.pid && !alive(Number(privateLock[1])));
    if (stale) {
      rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** Whether `<git-dir>/index.lock` exists: a git command is running, or one was killed. */
export function indexLocked(gitDir: string): boolean {
  return existsSync(path.join(gitDir, "index.lock"));
}
