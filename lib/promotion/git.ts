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
}

export function tryGit(root: string, args: readonly string[], input?: string): GitResult {
  const r = spawnSync("git", [...args], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...(input !== undefined ? { input } : {}) });
  if (r.error) throw new GitError(`git ${args[0]}: ${r.error.message}`);
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

export function git(root: string, args: readonly string[], input?: string): string {
  const r = tryGit(root, args, input);
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
