/**
 * One way to report bad input, everywhere: stack config, model declarations, component args,
 * CLI arguments. A problem names where it is (file, line, column, key path), the value received,
 * what is wrong and what to do. Callers collect every problem, then throw once.
 */

export interface Problem {
  /** File the value came from (a stack file, a declaration), relative to the project root. */
  readonly file?: string;
  /** 1-based position of the value in `file`, where the source is known. */
  readonly line?: number;
  readonly column?: number;
  /** Dotted key path to the value, for example `ml-gitops:gpuPools[0].minSize`. */
  readonly path: string;
  /** The value received; omitted when the key is missing. */
  readonly value?: unknown;
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Keys whose values are secrets whatever they look like. */
const SECRET_KEY = /token|secret|passw|credential|private|api-?_?key|bcrypt|auth|cookie|session/i;
/** Well-known credential shapes: GitHub, GitLab, Slack, AWS access keys, OpenAI-style keys, JWTs, PEM, bcrypt. */
const SECRET_SHAPE = /^(gh[pousr]_|github_pat_|glpat-|xox[abpr]-|AKIA[0-9A-Z]{12}|ASIA[0-9A-Z]{12}|sk-[A-Za-z0-9]|eyJ[A-Za-z0-9_-]{10,}\.)|-----BEGIN [A-Z ]*PRIVATE KEY|^\$2[aby]\$\d\d\$/;

/**
 * Whether a value received looks like a credential: a secret-named key, a known token shape, or a
 * long opaque mixed-case alphanumeric string. Hex digests (sha256, commit ids), URIs and paths are
 * not: they are what messages about artifacts must show.
 */
export function looksSecret(path: string, value: string): boolean {
  if (value === "") return false;
  if (SECRET_KEY.test(path.split(/[.:[\]]/).pop() ?? path) || SECRET_SHAPE.test(value)) return true;
  if (/^[0-9a-f]+$/i.test(value) || /[:/\s@]/.test(value)) return false;
  return value.length >= 20 && /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value);
}

/**
 * A credential in a URL: any user info of an http(s) URL (GitHub and most HTTP APIs take a token
 * as the user name), and user:password in any other scheme (`ssh://git@host` names a user, no
 * secret). One rule for every URL a user gives (the GitOps repository, a Prometheus) and for
 * every message printed.
 */
const HTTP_USERINFO = /\b(https?:\/\/)[^/\s?#]*@/gi;
const PASSWORD_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/\s?#@]*:[^/\s?#]*@/g;
// The same expressions without the global flag, whose `test` keeps no position between calls.
const URL_CREDENTIALS = [new RegExp(HTTP_USERINFO.source, "i"), new RegExp(PASSWORD_USERINFO.source)];

/** Whether `text` holds a URL that carries a credential (see HTTP_USERINFO). */
export function hasUrlCredential(text: string): boolean {
  return URL_CREDENTIALS.some((r) => r.test(text));
}

/** `text` with the credential of every URL in it replaced by `[redacted]`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(HTTP_USERINFO, "$1[redacted]@").replace(PASSWORD_USERINFO, "$1[redacted]@");
}

/** The value with every secret-looking string replaced by its length only. */
export function redactValue(path: string, value: unknown): unknown {
  if (typeof value === "string") return looksSecret(path, value) ? `[redacted: ${value.length} characters]` : redactUrlCredentials(value);
  if (Array.isArray(value)) return value.map((v, i) => redactValue(`${path}[${i}]`, v));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(`${path}.${k}`, v)]));
  return value;
}

/** `file:line:column: path: message (got value). fix` — one line per problem; secret-looking values are never echoed. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ` : "";
  const got = "value" in p ? ` (got ${formatValue(redactValue(p.path, p.value))})` : "";
  // A message may quote what it was given too: no URL's credential is printed, wherever it is.
  return redactUrlCredentials(`${where}${p.path}: ${p.message}${got}. ${p.fix}`);
}

export class ValidationError extends Error {
  readonly problems: readonly Problem[];

  constructor(subject: string, problems: readonly Problem[]) {
    const lines = problems.map((p) => `  - ${formatProblem(p)}`);
    super(`${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${lines.join("\n")}`);
    this.name = "ValidationError";
    this.problems = problems;
  }
}

/** Throws every problem of `subject` at once, if there is any: a component's check of its args. */
export function throwIfProblems(subject: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(subject, problems);
}

/** Collects problems and throws them together, once. */
export class Problems {
  private readonly items: Problem[] = [];

  add(problem: Problem): void {
    this.items.push(problem);
  }

  addAll(problems: Iterable<Problem>): void {
    for (const p of problems) this.items.push(p);
  }

  get list(): readonly Problem[] {
    return this.items;
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  throwIfAny(subject: string): void {
    if (this.items.length > 0) throw new ValidationError(subject, this.items);
  }
}

/** Renders a key path (`["gpuPools", 0, "minSize"]`) the way users write it: `gpuPools[0].minSize`. */
export function keyPath(segments: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" || out.endsWith(":") ? String(s) : `.${String(s)}`;
  }
  return out;
}
