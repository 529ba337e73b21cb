/**
 * The audit log of a model: promotion commits that touched `deployments/`, read from git. Only
 * trailers are parsed (`%(trailers:only,unfold)`), never subjects or bodies, so free text a
 * person wrote can't forge or hide an entry.
 */
import { DEPLOYMENTS_DIR } from "../deployments/loader";
import { GitError, head, tryGit } from "./git";
import { parseTrailerLines, readTrailers, type Trailers } from "./message";

export interface AuditEntry extends Trailers {
  readonly commit: string;
  readonly author: string;
  readonly authorEmail: string;
  /** Author date, ISO 8601. */
  readonly date: string;
  /**
   * git's verdict on the commit's signature with the reader's trust settings (`%G?`): trailers are
   * text anyone can type, so only a good signature says a promoter made the entry.
   */
  readonly signature: Signature;
}

export type Signature = "good" | "good-untrusted" | "expired" | "bad" | "unverifiable" | "none";

/** `%G?` letters (git-log(1) "PRETTY FORMATS"). */
export function signatureOf(letter: string): Signature {
  switch (letter) {
    case "G":
      return "good";
    case "U":
      return "good-untrusted";
    case "X":
    case "Y":
    case "R":
      return "expired";
    case "B":
      return "bad";
    case "E":
      return "unverifiable";
    default:
      return "none";
  }
}

const FIELD = "\x1f";
const RECORD = "\x1e";

/** Newest first. Empty for a repository without commits. @throws GitError when git log fails (a corrupt repository): never "no promotions". */
export function readAudit(root: string, filter: { model?: string; environment?: string } = {}): AuditEntry[] {
  const where = filter.environment !== undefined ? `${DEPLOYMENTS_DIR}/${filter.environment}` : DEPLOYMENTS_DIR;
  const r = tryGit(root, ["log", `--format=%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%G?${FIELD}%(trailers:only,unfold)${RECORD}`, "--", where]);
  if (!r.ok) {
    if (head(root) === undefined) return [];
    throw new GitError(`git log failed: ${r.stderr.trim()}`);
  }
  const out: AuditEntry[] = [];
  for (const record of r.stdout.split(RECORD)) {
    const [commit, author, authorEmail, date, signed, trailerText] = record.replace(/^\n/, "").split(FIELD);
    if (commit === undefined || commit === "" || trailerText === undefined) continue;
    const t = readTrailers(parseTrailerLines(trailerText));
    if (!t) continue;
    if (filter.model !== undefined && t.model !== filter.model) continue;
    if (filter.environment !== undefined && t.environment !== filter.environment) continue;
    out.push({ ...t, commit, author: author ?? "", authorEmail: authorEmail ?? "", date: date ?? "", signature: signatureOf(signed ?? "") });
  }
  return out;
}

/** The newest commit that made `version` the stable of the model: a completed canary or a rollback to it. */
export function commitThatMadeStable(entries: readonly AuditEntry[], version: string): AuditEntry | undefined {
  return entries.find((e) => (e.action === "complete" || e.action === "rollback") && e.toVersion === version);
}
