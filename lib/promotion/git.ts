/**
 * The few git operations promotion needs, run with the user's own configuration and identity
 * (no `-c user.name=` overrides: the author of a promotion commit is the person who promoted).
 */
import { spawnSync } from "node:child_process";

/** git refused or is unusable (not a repository, no identity, a failing hook): exit 2. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

export interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as bytes, with `"buffer"` output. */
  readonly bytes: Buffer;
}

/**
 * Runs git; never writes to its stdin. A message goes through a file (`commit -F <file>`): git
 * exits without reading stdin when a hook fails fast, and writing to that closed pipe is an EPIPE
 * that used to escape before the restore.
 */
export function tryGit(root: string, args: readonly string[], output: "text" | "buffer" = "text"): GitResult {
  const r = spawnSync("git", [...args], { cwd: root, maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) throw new GitError(`git ${args[0]}: ${r.error.message}`);
  const stdout = output === "text" ? r.stdout.toString("utf8") : "";
  return { ok: r.status === 0, stdout, stderr: r.stderr.toString("utf8"), bytes: r.stdout };
}

export function git(root: string, args: readonly string[]): string {
  const r = tryGit(root, args);
  if (!r.ok) throw new GitError(`git ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export function assertRepository(root: string): void {
  const r = tryGit(root, ["rev-parse", "--show-toplevel"]);
  if (!r.ok) throw new GitError(`${root} is not in a git repository (${r.stderr.trim()}); run ml-gitops in the GitOps repository or pass --root`);
}

/** Uncommitted changes to `file`, staged or not, as `git status --porcelain` lines. */
export function uncommitted(root: string, file: string): string[] {
  return git(root, ["status", "--porcelain", "--untracked-files=all", "--", file])
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/** Fails with git's own message ("Please tell me who you are...") when there is no identity. */
export function assertIdentity(root: string): void {
  for (const v of ["GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"]) {
    const r = tryGit(root, ["var", v]);
    if (!r.ok) throw new GitError(r.stderr.trim() || `git var ${v} failed`);
  }
}

export function head(root: string): string | undefined {
  const r = tryGit(root, ["rev-parse", "--verify", "-q", "HEAD"]);
  return r.ok ? r.stdout.trim() : undefined;
}

/** The working tree's own git directory, absolute (a linked worktree has its own). */
export function gitDir(root: string): string {
  return git(root, ["rev-parse", "--absolute-git-dir"]).trim();
}

/** The top of the working tree, absolute. */
export function topLevel(root: string): string {
  return git(root, ["rev-parse", "--show-toplevel"]).trim();
}

/** `refs/heads/<branch>`, or undefined when HEAD is detached. */
export function currentBranch(root: string): string | undefined {
  const r = tryGit(root, ["symbolic-ref", "-q", "HEAD"]);
  return r.ok ? r.stdout.trim() : undefined;
}

/** How many commits the branch's upstream has that HEAD lacks (as of the last fetch); undefined without an upstream. */
export function behindUpstream(root: string): { upstream: string; behind: number } | undefined {
  const u = tryGit(root, ["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"]);
  if (!u.ok) return undefined;
  const n = git(root, ["rev-list", "--count", "HEAD..@{upstream}"]).trim();
  return { upstream: u.stdout.trim(), behind: Number(n) };
}
