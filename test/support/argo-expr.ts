/**
 * Argo Rollouts' condition semantics, for the subset of expr our AnalysisTemplates use, so the
 * real-Prometheus tests can evaluate the *rendered* condition strings rather than trust our own
 * TypeScript twin of them (lib/analysis/conditions.ts).
 *
 * What it reproduces (argoproj/argo-rollouts@v1.9.1:utils/evaluate/evaluate.go, with
 * antonmedv/expr v1.15.5 as pinned in its go.mod):
 * - `result` is the query's vector as a list of numbers (metricproviders/prometheus/
 *   prometheus.go, processResponse); `len`, `isNaN` and `isInf` are available;
 * - indexing past the end of `result` is a run-time error (expr vm/runtime.go: `v.Index(i)`
 *   panics "reflect: slice index out of range"), which makes the measurement `Error`;
 * - `&&` and `||` short-circuit (expr compiler/compiler.go: OpJumpIfFalse / OpJumpIfTrue);
 * - every comparison with NaN is false (Go float semantics);
 * - both conditions false → Inconclusive; failure true → Failed; else Successful
 *   (evaluate.go, EvaluateResult).
 * Anything outside this grammar is a parse error, so a template we render that this cannot
 * read fails the test instead of passing unexamined.
 */
type Value = number | boolean | readonly number[];

class Parser {
  private pos = 0;
  private readonly tokens: string[];
  constructor(text: string) {
    this.tokens = text.match(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|&&|\|\||<=|>=|==|!=|[<>!()[\],])/gy)?.map((t) => t.trim()) ?? [];
    if (this.tokens.join("").length !== text.replace(/\s+/g, "").length) throw new Error(`cannot tokenise condition: ${text}`);
  }
  private peek(): string | undefined {
    return this.tokens[this.pos];
  }
  private take(expected?: string): string {
    const t = this.tokens[this.pos++];
    if (t === undefined || (expected !== undefined && t !== expected)) throw new Error(`expected ${expected ?? "a token"}, got ${t ?? "the end"}`);
    return t;
  }
  parse(): (env: Env) => Value {
    const e = this.or();
    if (this.pos !== this.tokens.length) throw new Error(`unexpected ${this.peek()}`);
    return e;
  }
  private or(): (env: Env) => Value {
    let left = this.and();
    while (this.peek() === "||") {
      this.take();
      const l = left;
      const r = this.and();
      left = (env) => bool(l(env)) || bool(r(env));
    }
    return left;
  }
  private and(): (env: Env) => Value {
    let left = this.comparison();
    while (this.peek() === "&&") {
      this.take();
      const l = left;
      const r = this.comparison();
      left = (env) => bool(l(env)) && bool(r(env));
    }
    return left;
  }
  private comparison(): (env: Env) => Value {
    const left = this.unary();
    const op = this.peek();
    if (op === undefined || !["<", "<=", ">", ">=", "==", "!="].includes(op)) return left;
    this.take();
    const right = this.unary();
    return (env) => {
      const a = num(left(env));
      const b = num(right(env));
      switch (op) {
        case "<": return a < b;
        case "<=": return a <= b;
        case ">": return a > b;
        case ">=": return a >= b;
        case "==": return a === b;
        default: return a !== b;
      }
    };
  }
  private unary(): (env: Env) => Value {
    if (this.peek() === "!") {
      this.take();
      const inner = this.unary();
      return (env) => !bool(inner(env));
    }
    let e = this.primary();
    while (this.peek() === "[") {
      this.take();
      const index = this.or();
      this.take("]");
      const target = e;
      e = (env) => {
        const list = target(env);
        const i = num(index(env));
        if (!Array.isArray(list)) throw new Error("cannot index a non-list");
        if (i < 0 || i >= list.length) throw new Error("reflect: slice index out of range");
        return list[i]!;
      };
    }
    return e;
  }
  private primary(): (env: Env) => Value {
    const t = this.take();
    if (t === "(") {
      const e = this.or();
      this.take(")");
      return e;
    }
    if (/^\d/.test(t)) {
      const n = Number(t);
      return () => n;
    }
    if (this.peek() === "(") {
      this.take("(");
      const arg = this.or();
      this.take(")");
      const fn = FUNCTIONS[t];
      if (!fn) throw new Error(`unknown function ${t}`);
      return (env) => fn(arg(env));
    }
    if (t === "result") return (env) => env.result;
    throw new Error(`unknown name ${t}`);
  }
}

interface Env {
  readonly result: readonly number[];
}

const FUNCTIONS: Record<string, (v: Value) => Value> = {
  len: (v) => {
    if (!Array.isArray(v)) throw new Error("invalid argument for len");
    return v.length;
  },
  isNaN: (v) => Number.isNaN(num(v)),
  isInf: (v) => Math.abs(num(v)) === Infinity,
};

function num(v: Value): number {
  if (typeof v !== "number") throw new Error(`expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function bool(v: Value): boolean {
  if (typeof v !== "boolean") throw new Error(`expected a bool, got ${JSON.stringify(v)}`);
  return v;
}

export type ArgoPhase = "Successful" | "Failed" | "Inconclusive" | "Error";

/** The phase Argo Rollouts gives a measurement with this `result` and these conditions. */
export function argoPhase(result: readonly number[], conditions: { successCondition?: string; failureCondition?: string }): ArgoPhase {
  const evalCond = (c: string | undefined): boolean | undefined => {
    if (c === undefined) return undefined;
    return bool(new Parser(c).parse()({ result }));
  };
  let success: boolean | undefined;
  let failure: boolean | undefined;
  try {
    success = evalCond(conditions.successCondition);
    failure = evalCond(conditions.failureCondition);
  } catch {
    return "Error";
  }
  if (success === undefined && failure === undefined) return "Successful";
  if (success !== undefined && failure === undefined) failure = !success;
  if (failure !== undefined && success === undefined) success = !failure;
  if (failure) return "Failed";
  if (!success) return "Inconclusive";
  return "Successful";
}
