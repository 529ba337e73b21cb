/**
 * `ml-gitops verify`: every `releases` entry and every change of `stable` must have been made by
 * a promotion commit whose trailers say so, and, where signing is required, a signed one. A hand
 * edit (stable set by hand, a releases entry added or rewritten) is a violation naming the commit.
 *
 * Where verification starts, per declaration: at its first promotion commit (the moment
 * ml-gitops took it over; what it said before is its baseline), or at `since` when given. A
 * declaration never promoted is not verified unless `since` is given: repositories adopt
 * ml-gitops with declarations written by hand, and those must keep passing.
 *
 * What each promotion action may change (transitions.ts):
 *   complete  To-Version V: stable becomes V and V is appended to releases
 *   rollback  To-Version V: stable becomes the release V (releases unchanged)
 *   promote, advance, abort: stable and releases unchanged
 */
import { parse } from "yaml";
import { tryGit } from "./git";
import { parseTrailerLines, readTrailers, type Trailers } from "./message";

export interface Artifact {
  readonly version: string;
  readonly uri: string;
  readonly image?: string;
}

export interface Record_ {
  readonly stable?: Artifact;
  readonly releases: readonly Artifact[];
}

export interface VerifyViolation {
  readonly file: string;
  readonly commit: string;
  readonly author: string;
  readonly message: string;
}

export interface VerifyOptions {
  /** Verify every commit after this revision (its state is the baseline), for every declaration. */
  readonly since?: string;
  /** Commits that change stable or releases must carry a good signature (`git verify-commit`). */
  readonly requireSignatures?: boolean;
}

const FIELD = "\x1f";
const RECORD = "\x1e";

function artifactOf(v: unknown): Artifact | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.version !== "string") return undefined;
  return { version: o.version, uri: String(o.uri ?? ""), ...(typeof o.image === "string" ? { image: o.image } : {}) };
}

/** stable and releases of a declaration's text; lenient: verify reads history, which may hold invalid states. */
export function recordOf(text: string | undefined): Record_ | undefined {
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return { releases: [] };
  }
  const spec = (doc as { spec?: { stable?: unknown; releases?: unknown } } | null)?.spec;
  const releases = Array.isArray(spec?.releases) ? spec!.releases.map(artifactOf).filter((a): a is Artifact => a !== undefined) : [];
  const stable = artifactOf(spec?.stable);
  return { ...(stable ? { stable } : {}), releases };
}

const same = (a: Artifact | undefined, b: Artifact | undefined) => a?.version === b?.version && a?.uri === b?.uri && a?.image === b?.image;
const describe = (a: Artifact) => `${a.version} (${a.uri}${a.image ? `, ${a.image}` : ""})`;

/**
 * What a commit that turned `before` into `after` must claim in its trailers; violations of the
 * rules above, as messages. Pure: the caller supplies states and trailers.
 */
export function judge(before: Record_, after: Record_, t: Trailers | undefined, where: { model: string; environment: string }): string[] {
  const problems: string[] = [];
  const who = t ? `its trailers say Action: ${t.action}${t.toVersion ? ` To-Version: ${t.toVersion}` : ""} for ${t.model} in ${t.environment}` : "it is not a promotion commit (no Model/Environment/Action trailers)";
  const claims = (actions: readonly string[], version: string) =>
    t !== undefined && actions.includes(t.action) && t.toVersion === version && t.model === where.model && t.environment === where.environment;

  const beforeByVersion = new Map(before.releases.map((r) => [r.version, r]));
  const afterByVersion = new Map(after.releases.map((r) => [r.version, r]));
  for (const r of before.releases) {
    const now = afterByVersion.get(r.version);
    if (!now) problems.push(`removes releases entry ${r.version}; releases is append-only (ml-gitops never removes one)`);
    else if (!same(r, now)) problems.push(`rewrites releases entry ${r.version} from ${describe(r)} to ${describe(now)}; releases entries are never edited`);
  }
  for (const r of after.releases) {
    if (beforeByVersion.has(r.version)) continue;
    if (!claims(["complete"], r.version)) problems.push(`adds releases entry ${describe(r)}, but ${who}; only ml-gitops advance completing ${r.version} (Action: complete, To-Version: ${r.version}) adds it`);
  }
  if (after.stable && !same(before.stable, after.stable)) {
    const s = after.stable;
    if (!claims(["complete", "rollback"], s.version)) {
      problems.push(`sets stable to ${describe(s)}, but ${who}; stable changes only by completing a canary or by ml-gitops rollback (Action: complete or rollback, To-Version: ${s.version})`);
    } else {
      const released = afterByVersion.get(s.version);
      if (!released) problems.push(`sets stable to ${s.version}, which is not in releases`);
      else if (released.uri !== s.uri || (released.image !== undefined && released.image !== s.image)) problems.push(`sets stable ${s.version} to ${describe(s)}, but its releases entry is ${describe(released)}`);
    }
  }
  return problems;
}

interface CommitInfo {
  readonly commit: string;
  readonly parent: string | undefined;
  readonly author: string;
  readonly subject: string;
  readonly trailers: Trailers | undefined;
}

/**
 * Commits that touched `file`, parents before children, merges left out: a promotion made on a
 * branch (`--no-commit` for a pull request, then committed with its message) is judged as its own
 * commit, and the merge that brings it adds nothing of its own. A squash merge drops the trailers:
 * merge promotion branches with a merge commit or a rebase.
 */
function commitsOf(root: string, file: string, since: string | undefined): CommitInfo[] | string {
  const range = since !== undefined ? [`${since}..HEAD`] : ["HEAD"];
  const r = tryGit(root, ["log", "--reverse", "--topo-order", "--no-merges", `--format=%H${FIELD}%P${FIELD}%an${FIELD}%s${FIELD}%(trailers:only,unfold)${RECORD}`, ...range, "--", file]);
  if (!r.ok) return r.stderr.trim();
  return r.stdout
    .split(RECORD)
    .map((rec) => rec.replace(/^\n/, ""))
    .filter((rec) => rec.includes(FIELD))
    .map((rec) => {
      const [commit, parents, author, subject, trailerText] = rec.split(FIELD) as [string, string, string, string, string];
      return { commit, parent: parents.split(" ")[0] || undefined, author, subject, trailers: readTrailers(parseTrailerLines(trailerText)) };
    });
}

function textAt(root: string, rev: string | undefined, file: string): string | undefined {
  if (rev === undefined) return undefined;
  const r = tryGit(root, ["show", `${rev}:${file}`]);
  return r.ok ? r.stdout : undefined;
}

/** Whether git verifies the commit's signature with the user's configuration (gpg.ssh.allowedSignersFile, the GPG keyring). */
export function signatureGood(root: string, commit: string): boolean {
  return tryGit(root, ["verify-commit", commit]).ok;
}

/**
 * Verifies one declaration's history.
 * @returns violations, oldest first; a git failure is returned as its message.
 */
export function verifyDeclaration(root: string, file: string, where: { model: string; environment: string }, options: VerifyOptions = {}): VerifyViolation[] | string {
  const commits = commitsOf(root, file, options.since);
  if (typeof commits === "string") return commits;
  const first = options.since !== undefined ? 0 : commits.findIndex((c) => c.trailers !== undefined && c.trailers.model === where.model && c.trailers.environment === where.environment);
  if (first < 0) return [];
  const out: VerifyViolation[] = [];
  // Each commit is judged against its own parent, so branches and their order don't matter.
  for (const c of commits.slice(first)) {
    const after = recordOf(textAt(root, c.commit, file));
    if (!after) continue;
    const before = recordOf(textAt(root, c.parent, file)) ?? { releases: [] };
    const problems = judge(before, after, c.trailers, where);
    const changesRecord = !same(before.stable, after.stable) || before.releases.length !== after.releases.length || before.releases.some((r, i) => !same(r, after.releases[i]));
    if (options.requireSignatures && changesRecord && problems.length === 0 && !signatureGood(root, c.commit)) {
      problems.push("changes stable or releases in a commit without a good signature; signatures are required (promote with --sign, and trust the key in gpg.ssh.allowedSignersFile or the GPG keyring)");
    }
    for (const message of problems) out.push({ file, commit: c.commit, author: c.author, message: `${message} [commit ${c.commit.slice(0, 12)} "${c.subject}" by ${c.author}]` });
  }
  return out;
}
