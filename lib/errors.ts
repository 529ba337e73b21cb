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

/** `file:line:column: path: message (got value). fix` — one line per problem. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ` : "";
  const got = "value" in p ? ` (got ${formatValue(p.value)})` : "";
  return `${where}${p.path}: ${p.message}${got}. ${p.fix}`;
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
