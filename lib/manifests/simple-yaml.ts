/**
 * A fast reader for the YAML most manifests are written in, and nothing more: block mappings
 * and sequences, plain and quoted scalars (folded over several lines too), literal block scalars
 * (`|`, `|-`), flow collections (`{ min: 1, max: 4 }`, over several lines too), comments and `---` between documents. That is how the renderers
 * and most tools write Kubernetes objects, and reading it costs a few microseconds per object
 * where the full `yaml` Document API (parse, compose, positions) costs about a millisecond.
 *
 * It answers only when it is sure: anything else (anchors, aliases, tags, merge keys, comments inside
 * flow collections, folded or indented block scalars, escaped line breaks, directives, a key
 * written twice, a key that is not a string, a tab in the indentation, CR line ends) returns
 * undefined and the caller reads the file with the `yaml` library, the reference, exactly as
 * before. Plain scalars resolve as the caller's `yaml` schema does (YAML 1.2 core plus the
 * Kubernetes cases of lib/manifests/read.ts: `0755` is octal, `1_000` is 1000);
 * test/manifests/simple-yaml.test.ts checks every answer against the `yaml` library on real
 * manifests and generated documents.
 */

export interface SimpleDocument {
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
}

class Unsupported extends Error {}

interface Line {
  readonly indent: number;
  /** The line without its indentation (and, for a virtual line, without `- `). */
  readonly text: string;
  /** 1-based. */
  readonly no: number;
}

const MAY_RESOLVE = new Set("0123456789+-.~nNtTfF");
const NULL = /^(?:~|null|Null|NULL)$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const LEGACY_OCTAL = /^[-+]?0[0-7]+$/;
const UNDERSCORED_INT = /^[-+]?[0-9][0-9]*(_[0-9]+)+$/;
const OCTAL = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const INT = /^[-+]?[0-9]+$/;
const INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const NOT_YAML_SPACE = /[\t\r\v\f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
/** Characters a plain scalar may not start with (YAML 1.2 c-indicator), `-`, `?` and `:` handled apart. */
const INDICATOR_START = /^[,[\]{}#&*!|>'"%@`]/;

/**
 * Which scalars a plain value resolves to: `core` is the `yaml` library's default (YAML 1.2 core,
 * what the declaration loader uses); `kubernetes` adds read.ts's custom tags (`0755` octal,
 * `1_000`), as manifests are read.
 */
export type PlainSchema = "core" | "kubernetes";

/** A plain scalar's value, as the `yaml` library resolves it under `schema`. */
export function resolvePlain(s: string, schema: PlainSchema = "kubernetes"): unknown {
  // Only a digit, a sign, ".", "~", n, t or f (either case) can start a null, boolean or number:
  // most values (names, images, paths) are strings at the first character.
  if (s !== "" && !MAY_RESOLVE.has(s[0]!)) return s;
  if (s === "" || NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === "t" || s[0] === "T";
  if (schema === "core") return resolveCoreNumber(s);
  if (LEGACY_OCTAL.test(s)) return (s.startsWith("-") ? -1 : 1) * parseInt(s.replace(/^[-+]/, ""), 8);
  if (UNDERSCORED_INT.test(s)) return Number(s.replace(/_/g, ""));
  return resolveCoreNumber(s);
}

function resolveCoreNumber(s: string): unknown {
  if (OCTAL.test(s)) return parseInt(s.slice(2), 8);
  if (HEX.test(s)) return parseInt(s.slice(2), 16);
  if (INT.test(s)) return parseInt(s, 10);
  if (INF.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (NAN.test(s)) return NaN;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

const ESCAPES: Record<string, string> = { "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029" };
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** A one-line double-quoted scalar starting at `s[0]`; returns the value and the rest after the closing quote. */
function doubleQuoted(s: string): [string, string] {
  // Most quoted values have no escape: one slice, not a string built character by character.
  const close = s.indexOf('"', 1);
  const escape = s.indexOf("\\", 1);
  if (close !== -1 && (escape === -1 || escape > close)) return [s.slice(1, close), s.slice(close + 1)];
  let out = "";
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return [out, s.slice(i + 1)];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) break;
    if (e in ESCAPES) out += ESCAPES[e];
    else if (e in HEX_LENGTH) {
      const hex = s.slice(i + 1, i + 1 + HEX_LENGTH[e]!);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== HEX_LENGTH[e]) throw new Unsupported();
      out += String.fromCodePoint(parseInt(hex, 16));
      i += hex.length;
    } else throw new Unsupported();
  }
  throw new Unsupported(); // unterminated on this line: a multi-line scalar
}

function singleQuoted(s: string): [string, string] {
  const close = s.indexOf("'", 1);
  if (close !== -1 && s[close + 1] !== "'") return [s.slice(1, close), s.slice(close + 1)];
  let out = "";
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      if (s[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      return [out, s.slice(i + 1)];
    }
    out += c;
  }
  throw new Unsupported();
}

/** Whether the quoted scalar starting at `s[0]` closes within `s`. */
function closes(s: string): boolean {
  const q = s[0]!;
  for (let i = 1; i < s.length; i++) {
    if (q === '"' && s[i] === "\\") i++;
    else if (s[i] === q) {
      if (q === "'" && s[i + 1] === "'") i++;
      else return true;
    }
  }
  return false;
}

/**
 * How many flow collections are still open at the end of `s` (which starts with one), outside
 * quoted scalars; NaN when a quoted scalar is still open (it would continue on the next line).
 */
function flowDepth(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      const rest = s.slice(i);
      if (!closes(rest)) return NaN;
      const [, after] = (c === '"' ? doubleQuoted : singleQuoted)(rest);
      i = s.length - after.length - 1;
    } else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") {
      depth--;
      if (depth === 0) return 0;
    } else if (c === "#" && i > 0 && s[i - 1] === " ") return 0; // a comment: whatever is open stays open, and FlowReader refuses it
  }
  return depth;
}

/** What may follow a quoted scalar on its line: nothing, or a comment. */
function assertTrailing(rest: string): void {
  if (!/^(?:\s+#.*)?\s*$/.test(rest)) throw new Unsupported();
}

/** A plain scalar without its trailing comment, or Unsupported when it is not plainly one. */
function plain(s: string): string {
  const hash = s.search(/\s#/);
  const v = (hash === -1 ? s : s.slice(0, hash)).trim();
  if (v === "" || INDICATOR_START.test(v) || /^[-?:](\s|$)/.test(v) || v.includes(": ") || v.endsWith(":") || v.includes("\t")) throw new Unsupported();
  return v;
}

class Reader {
  constructor(
    private readonly lines: Line[],
    private readonly raw: readonly string[],
    /** The next line to read; the reader reads lines [i, end). */
    private i: number,
    private readonly end: number,
    private readonly schema: PlainSchema,
  ) {}

  /** Index of the next significant line (not blank, not a comment) at or after i. */
  private skip(): void {
    while (this.i < this.end) {
      const l = this.lines[this.i]!;
      if (l.text === "" || l.text.startsWith("#")) this.i++;
      else return;
    }
  }

  peek(): Line | undefined {
    this.skip();
    return this.i < this.end ? this.lines[this.i] : undefined;
  }

  node(indent: number): unknown {
    const l = this.peek()!;
    if (l.indent !== indent) throw new Unsupported();
    return l.text === "-" || l.text.startsWith("- ") ? this.sequence(indent) : this.mapping(indent);
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let l = this.peek(); l && l.indent === indent && (l.text === "-" || l.text.startsWith("- ")); l = this.peek()) {
      const rest = l.text.slice(1).trimStart();
      if (rest === "" || rest.startsWith("#")) {
        this.i++;
        out.push(this.nested(indent, false));
        continue;
      }
      const column = indent + (l.text.length - rest.length);
      if (rest.startsWith("- ") || rest === "-") throw new Unsupported(); // a sequence in a sequence item
      if (this.isMappingEntry(rest)) {
        // `- key: value`: a mapping whose first key sits on the item's line, at `column`.
        this.lines[this.i] = { indent: column, text: rest, no: l.no };
        out.push(this.mapping(column));
      } else {
        this.i++;
        out.push(this.scalar(rest, indent, l.no));
      }
    }
    return out;
  }

  private isMappingEntry(text: string): boolean {
    if (text.startsWith('"') || text.startsWith("'")) {
      const [, rest] = text.startsWith('"') ? doubleQuoted(text) : singleQuoted(text);
      return rest.startsWith(":");
    }
    return /^[^#]*?:(\s|$)/.test(text) && !INDICATOR_START.test(text);
  }

  private key(text: string): [string, string] {
    let key: string;
    let rest: string;
    if (text.startsWith('"') || text.startsWith("'")) {
      [key, rest] = text.startsWith('"') ? doubleQuoted(text) : singleQuoted(text);
      if (!rest.startsWith(":")) throw new Unsupported();
      rest = rest.slice(1);
    } else {
      const colon = text.search(/:(\s|$)/);
      key = text.slice(0, colon).trimEnd();
      rest = text.slice(colon + 1);
      // Keys the schema would not read as the same string (numbers, booleans, null), merge keys
      // and complex keys go to the full reader.
      if (key === "" || INDICATOR_START.test(key) || /^[-?:](\s|$)/.test(key) || key === "<<" || typeof resolvePlain(key, this.schema) !== "string" || key.includes(" #")) throw new Unsupported();
    }
    if (rest !== "" && !/^\s/.test(rest)) throw new Unsupported();
    return [key, rest.trim()];
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let l = this.peek(); l && l.indent === indent; l = this.peek()) {
      if (l.text === "-" || l.text.startsWith("- ")) break;
      const [key, rest] = this.key(l.text);
      if (key === "__proto__" || Object.prototype.hasOwnProperty.call(out, key)) throw new Unsupported();
      this.i++;
      if (rest === "" || rest.startsWith("#")) {
        out[key] = this.nested(indent, true);
      } else {
        out[key] = this.scalar(rest, indent, l.no);
      }
    }
    const next = this.peek();
    if (next && next.indent > indent) throw new Unsupported();
    return out;
  }

  /** The value after `key:` or `-` with nothing on its line: a deeper block, a same-indent sequence (mappings only), or null. */
  private nested(indent: number, inMapping: boolean): unknown {
    const next = this.peek();
    if (!next) return null;
    if (next.indent > indent) {
      // A flow collection on its own line(s): `key:` then `  { a: 1 }`.
      if (next.text.startsWith("[") || next.text.startsWith("{")) {
        this.i++;
        return this.scalar(next.text, indent, next.no);
      }
      return this.node(next.indent);
    }
    if (inMapping && next.indent === indent && (next.text === "-" || next.text.startsWith("- "))) return this.sequence(indent);
    return null;
  }

  private scalar(text: string, indent: number, lineNo: number): unknown {
    const c = text[0]!;
    if (c === '"' || c === "'") {
      const read = c === '"' ? doubleQuoted : singleQuoted;
      const [v, rest] = closes(text) ? read(text) : read(this.foldedQuoted(text, indent));
      assertTrailing(rest);
      return v;
    }
    if (c === "|") return this.literal(text, indent, lineNo);
    if (c === "[" || c === "{") {
      const flow = new FlowReader(flowDepth(text) === 0 ? text : this.foldedFlow(text, indent), this.schema);
      const v = flow.value();
      assertTrailing(flow.rest());
      return v;
    }
    return resolvePlain(this.continued(plain(text), text, indent), this.schema);
  }

  /**
   * A plain scalar continued on the following lines (indented deeper than its parent): folded as
   * YAML folds it, a line break between two lines becoming a space and each blank line a "\n".
   * A comment, `: ` or ` #` in a continuation line goes to yaml.
   */
  private continued(first: string, firstLine: string, indent: number): string {
    let value = first;
    let blanks = 0;
    let j = this.i;
    for (; j < this.end; j++) {
      const l = this.lines[j]!;
      if (l.text === "") {
        blanks++;
        continue;
      }
      if (l.indent <= indent) break;
      if (/\s#/.test(firstLine) || l.text.startsWith("#") || l.text.includes(": ") || l.text.endsWith(":") || /\s#/.test(l.text)) throw new Unsupported();
      value += blanks === 0 ? ` ${l.text}` : "\n".repeat(blanks) + l.text;
      blanks = 0;
      this.i = j + 1;
    }
    return value;
  }

  /**
   * A quoted scalar that does not close on its first line, as one line: folded as YAML folds
   * flow scalars (a line break between two lines becomes a space, each blank line a "\n", the
   * whitespace around breaks dropped). An escaped line break (a line ending in `\`) goes to yaml.
   */
  private foldedQuoted(first: string, indent: number): string {
    let text = first.trimEnd();
    let blanks = 0;
    for (let j = this.i; j < this.end; j++) {
      const l = this.lines[j]!;
      if (l.text === "") {
        blanks++;
        continue;
      }
      if (l.indent <= indent || text.endsWith("\\")) throw new Unsupported();
      text += blanks === 0 ? ` ${l.text}` : "\n".repeat(blanks) + l.text;
      blanks = 0;
      if (closes(text)) {
        this.i = j + 1;
        return text;
      }
    }
    throw new Unsupported();
  }

  /**
   * A flow collection continued on the following lines (indented deeper than its parent), as
   * one line: in a flow collection a line break is a separator like a space. A comment or a
   * quoted scalar across lines goes to yaml.
   */
  private foldedFlow(first: string, indent: number): string {
    let text = first;
    for (let j = this.i; j < this.end; j++) {
      const l = this.lines[j]!;
      if (l.text === "" || l.indent <= indent || l.text.startsWith("#") || /\s#/.test(text)) throw new Unsupported();
      text += ` ${l.text}`;
      const depth = flowDepth(text);
      if (Number.isNaN(depth)) throw new Unsupported();
      if (depth === 0) {
        this.i = j + 1;
        return text;
      }
    }
    throw new Unsupported();
  }

  /** `|` or `|-` with the content indentation detected from its first line (`|+` is left to yaml). */
  private literal(header: string, indent: number, lineNo: number): string {
    const m = /^\|(-?)(\s+#.*)?\s*$/.exec(header);
    if (!m) throw new Unsupported();
    const chomp = m[1];
    // Content: the raw lines after the header that are blank or indented deeper than the parent.
    const body: string[] = [];
    let contentIndent = -1;
    let j = lineNo; // raw index of the line after the header (lineNo is 1-based)
    for (; j < this.end; j++) {
      const raw = this.raw[j]!;
      const ind = raw.length - raw.trimStart().length;
      if (raw.trim() === "") {
        body.push(raw);
        continue;
      }
      if (ind <= indent) break;
      if (contentIndent === -1) contentIndent = ind;
      if (ind < contentIndent || raw.slice(0, contentIndent).includes("\t")) throw new Unsupported();
      body.push(raw);
    }
    // Leading blank lines longer than the content indentation are ambiguous: leave them to yaml.
    if (contentIndent === -1) throw new Unsupported();
    for (const b of body) if (b.trim() === "" && b.length > contentIndent) throw new Unsupported();
    this.i = j;
    let trailing = 0;
    while (trailing < body.length && body[body.length - 1 - trailing]!.trim() === "") trailing++;
    const content = body.slice(0, body.length - trailing).map((b) => b.slice(contentIndent));
    const text = content.join("\n");
    return chomp === "-" ? text : `${text}\n`;
  }
}

/**
 * A flow collection written on one line (`{ min: 1, max: 4 }`, `[a, "b"]`, nested), of plain
 * and quoted scalars. A pair in a sequence, a key without a value, a trailing comma, or a
 * collection continued on the next line goes to yaml.
 */
class FlowReader {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly schema: PlainSchema,
  ) {}

  rest(): string {
    return this.s.slice(this.i);
  }

  private spaces(): void {
    while (this.s[this.i] === " ") this.i++;
  }

  value(): unknown {
    this.spaces();
    const c = this.s[this.i];
    if (c === "[") return this.sequence();
    if (c === "{") return this.mapping();
    if (c === '"' || c === "'") {
      const [v, rest] = (c === '"' ? doubleQuoted : singleQuoted)(this.s.slice(this.i));
      this.i = this.s.length - rest.length;
      return v;
    }
    return resolvePlain(this.plain(), this.schema);
  }

  /** A plain scalar in a flow collection: up to `,`, `]`, `}` or `: `; indicators and comments go to yaml. */
  private plain(): string {
    const m = /^[^,[\]{}#]*/.exec(this.s.slice(this.i))![0];
    const v = m.trim();
    if (v === "" || INDICATOR_START.test(v) || /^[-?:](\s|$)/.test(v) || v.includes(": ") || v.endsWith(":") || m.includes(" #")) throw new Unsupported();
    this.i += m.length;
    return v;
  }

  private sequence(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.spaces();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.spaces();
      const c = this.s[this.i++];
      if (c === "]") return out;
      if (c !== ",") throw new Unsupported();
      this.spaces();
      if (this.s[this.i] === "]") throw new Unsupported(); // trailing comma
    }
  }

  private mapping(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.spaces();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.spaces();
      const c = this.s[this.i];
      let key: unknown;
      if (c === '"' || c === "'") {
        const [k, rest] = (c === '"' ? doubleQuoted : singleQuoted)(this.s.slice(this.i));
        this.i = this.s.length - rest.length;
        key = k;
      } else {
        const m = /^[^,[\]{}#:]*/.exec(this.s.slice(this.i))![0];
        key = m.trim();
        this.i += m.length;
        if (key === "" || INDICATOR_START.test(key as string) || /^[-?](\s|$)/.test(key as string) || typeof resolvePlain(key as string, this.schema) !== "string" || key === "<<") throw new Unsupported();
      }
      this.spaces();
      if (this.s[this.i] !== ":" || this.s[this.i + 1] !== " ") throw new Unsupported();
      this.i += 2;
      if (key === "__proto__" || Object.prototype.hasOwnProperty.call(out, key as string)) throw new Unsupported();
      out[key as string] = this.value();
      this.spaces();
      const d = this.s[this.i++];
      if (d === "}") return out;
      if (d !== ",") throw new Unsupported();
      this.spaces();
      if (this.s[this.i] === "}") throw new Unsupported(); // trailing comma
    }
  }
}

/**
 * The documents of `text` when every one is written in the subset above, with the line each
 * starts on; undefined otherwise (read it with the `yaml` library then). Documents with no
 * content (only comments) are left out, as the caller leaves them out.
 */
export function parseSimpleYaml(text: string, schema: PlainSchema = "kubernetes"): SimpleDocument[] | undefined {
  // Tabs, CR and the whitespace JavaScript trims but YAML does not (U+2028, NBSP...) go to yaml,
  // so that below, trim() and \s mean exactly YAML's space.
  if (NOT_YAML_SPACE.test(text)) return undefined;
  const raw = text.split("\n");
  const lines: Line[] = raw.map((r, i) => {
    const t = r.trimStart();
    return { indent: r.length - t.length, text: t.trimEnd(), no: i + 1 };
  });
  const docs: SimpleDocument[] = [];
  try {
    let start = 0;
    for (let i = 0; i <= raw.length; i++) {
      const separator = i < raw.length && lines[i]!.indent === 0 && (lines[i]!.text === "---" || lines[i]!.text.startsWith("--- "));
      if (i < raw.length && (lines[i]!.text.startsWith("%") || (lines[i]!.indent === 0 && (lines[i]!.text === "..." || lines[i]!.text.startsWith("... "))))) return undefined;
      if (separator && lines[i]!.text !== "---") return undefined; // content or a comment on the marker line
      if (!separator && i < raw.length) continue;
      const reader = new Reader(lines, raw, start, i, schema);
      const first = reader.peek();
      // An explicit `---` with nothing after it is an empty document yaml reports; leave it to yaml.
      if (!first && start > 0) return undefined;
      if (first) {
        if (first.indent !== 0) return undefined;
        const value = reader.node(0);
        if (reader.peek()) return undefined; // something the reader did not consume
        docs.push({ value, line: first.no });
      }
      start = i + 1;
    }
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return docs;
}
