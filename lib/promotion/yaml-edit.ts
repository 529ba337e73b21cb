/**
 * Minimal edits to a declaration's YAML text. A promotion is reviewed as a diff, so everything
 * outside the changed fields must stay byte for byte as the engineer wrote it.
 *
 * Why not `doc.setIn(...)` then `String(doc)`: the `yaml` printer re-renders the whole file. On
 * our sample declarations it collapses aligned end-of-line comments to one space, folds long
 * flow maps over eight lines and pads flow sequences (`[ L4, A10G ]`), so every promotion diff
 * would touch unrelated lines. Instead `parseDocument` locates the nodes (their source ranges)
 * and only those ranges of the original text are replaced; new fragments (a candidate block, a
 * release item) are rendered in the style of the sample files.
 *
 * Every edit is checked: the edited text is parsed again and must equal the original data with
 * the edits applied, or `applyEdits` throws and nothing is written.
 */
import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, isSeq, parse, parseDocument, type Node, type Pair, type Scalar, type YAMLMap } from "yaml";

export type YamlPath = readonly (string | number)[];

export type Edit =
  /** Sets a map key. A map value replaces the existing map key by key (keys it lacks are removed); a missing key is inserted after `after` (or last). */
  | { readonly op: "set"; readonly path: YamlPath; readonly value: unknown; readonly after?: string }
  | { readonly op: "delete"; readonly path: YamlPath }
  /** Appends an item to a sequence (created when missing). */
  | { readonly op: "append"; readonly path: YamlPath; readonly value: unknown; readonly after?: string };

/** The text can't be edited in place (a flow-style block we would have to reflow, a broken check). */
export class YamlEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "YamlEditError";
  }
}

type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Applies the edits in order and verifies the result. @throws YamlEditError */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const before: unknown = parse(text);
  let out = text;
  for (const e of edits) out = applyOne(out, e);
  const expected = edits.reduce((data, e) => applyToData(data, e), structuredClone(before));
  const actual: unknown = parse(out);
  if (!isDeepStrictEqual(actual, expected)) {
    throw new YamlEditError("the edited YAML does not read back as intended; the file was left unchanged (please report this with the declaration)");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The intended data change, for the read-back check.

function applyToData(data: unknown, e: Edit): unknown {
  const parentPath = e.path.slice(0, -1);
  const key = e.path[e.path.length - 1]!;
  let parent: unknown = data;
  for (const k of parentPath) parent = (parent as Plain)[String(k)];
  const p = parent as Plain;
  if (e.op === "set") p[String(key)] = structuredClone(e.value);
  else if (e.op === "delete") delete p[String(key)];
  else {
    const list = Array.isArray(p[String(key)]) ? (p[String(key)] as unknown[]) : [];
    p[String(key)] = [...list, structuredClone(e.value)];
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// Locating nodes and their line extents.

function nodeAt(text: string, path: YamlPath): { map: YAMLMap; pair: Pair<Scalar, Node> | undefined } {
  const doc = parseDocument(text);
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) throw new YamlEditError(`${path.slice(0, -1).join(".")} is not a mapping`);
  const key = String(path[path.length - 1]);
  const pair = (parent.items as Pair<Scalar, Node>[]).find((p) => isScalar(p.key) && String(p.key.value) === key);
  return { map: parent as YAMLMap, pair };
}

const lineStartOf = (text: string, offset: number): number => text.lastIndexOf("\n", offset - 1) + 1;

function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

interface Extent {
  /** Start of the key's line. */
  readonly start: number;
  /** Start of the comment lines directly above the key, at its indentation (YAML attaches them to the key). */
  readonly commentStart: number;
  /** End of the value's last line (after its newline). */
  readonly end: number;
  readonly indent: number;
}

/**
 * The lines a block-map pair spans: its key line, then every line indented deeper (or a block
 * sequence at the key's own indentation), trailing blank lines excluded.
 */
function pairExtent(text: string, pair: Pair<Scalar, Node>, path: YamlPath): Extent {
  const keyOffset = pair.key.range![0];
  const start = lineStartOf(text, keyOffset);
  if (text.slice(start, keyOffset).trim() !== "") {
    throw new YamlEditError(`${path.join(".")} is not on a line of its own (a flow mapping or a sequence item); write it as a block mapping`);
  }
  const indent = keyOffset - start;
  let end = nextLineStart(text, keyOffset);
  for (let pos = end; pos < text.length; ) {
    const next = nextLineStart(text, pos);
    const line = text.slice(pos, next).replace(/\r?\n$/, "");
    pos = next;
    if (line.trim() === "") continue;
    const ind = indentOf(line);
    const rest = line.slice(ind);
    const seqAtKeyIndent = ind === indent && /^-(\s|$)/.test(rest) && !rest.startsWith("#");
    if (ind > indent || seqAtKeyIndent) end = next;
    else break;
  }
  let commentStart = start;
  while (commentStart > 0) {
    const prev = lineStartOf(text, commentStart - 1);
    const line = text.slice(prev, commentStart - 1);
    if (indentOf(line) === indent && line.trimStart().startsWith("#")) commentStart = prev;
    else break;
  }
  return { start, commentStart, end, indent };
}

function splice(text: string, from: number, to: number, insert: string): string {
  // A file without a final newline still gets whole lines inserted at its end.
  const lead = from === text.length && text.length > 0 && !text.endsWith("\n") && insert !== "" ? "\n" : "";
  return text.slice(0, from) + lead + insert + text.slice(to);
}

// ---------------------------------------------------------------------------------------------
// Rendering new fragments in the samples' style: block maps, flow lists of names, flow metric maps.

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/;

/** A scalar as YAML, plain when it reads back as the same string, quoted otherwise. */
export function renderScalar(value: unknown, style?: Scalar["type"]): string {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const s = String(value);
  if (style === "QUOTE_DOUBLE") return JSON.stringify(s);
  if (style === "QUOTE_SINGLE") return `'${s.replace(/'/g, "''")}'`;
  // Timestamps are quoted: YAML 1.1 readers (PyYAML, Go yaml.v2) would turn them into dates.
  // Conservative: no indicator first, nothing that ends a scalar inside [..] or {..}, and it must
  // read back as the same string in block and flow context alike (so "0.8", "true", "~" are quoted).
  const plain = /^[A-Za-z0-9_./+$~][^\s,[\]{}#"'`]*$/.test(s) && !s.endsWith(":") && !ISO_DATETIME.test(s);
  return plain && readsBack(s) ? s : JSON.stringify(s);
}

function readsBack(s: string): boolean {
  try {
    return parse(`k: ${s}`)?.k === s && (parse(`[${s}]`) as unknown[])[0] === s;
  } catch {
    return false;
  }
}

function isScalarValue(v: unknown): boolean {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

/** Lists of names and metric maps are written inline, as in the sample declarations. */
function isFlow(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(isScalarValue);
  return isPlainObject(v) && Object.values(v).every((x) => typeof x === "number");
}

function renderFlow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => renderScalar(x)).join(", ")}]`;
  const entries = Object.entries(v as Plain);
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, x]) => `${renderScalar(k)}: ${renderScalar(x)}`).join(", ")} }`;
}

/** `key: value` lines at `indent`, each ending in a newline. */
function renderPair(key: string, value: unknown, indent: number): string {
  const pad = " ".repeat(indent);
  if (isScalarValue(value)) return `${pad}${renderScalar(key)}: ${renderScalar(value)}\n`;
  if (isFlow(value)) return `${pad}${renderScalar(key)}: ${renderFlow(value)}\n`;
  if (Array.isArray(value)) return `${pad}${renderScalar(key)}:\n${value.map((item) => renderItem(item, indent + 2)).join("")}`;
  return `${pad}${renderScalar(key)}:\n${renderMap(value as Plain, indent + 2)}`;
}

function renderMap(value: Plain, indent: number): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => renderPair(k, v, indent))
    .join("");
}

/** A block sequence item `- k: v` with its other keys aligned under the first. */
function renderItem(item: unknown, indent: number): string {
  const pad = " ".repeat(indent);
  if (!isPlainObject(item)) return `${pad}- ${isFlow(item) ? renderFlow(item) : renderScalar(item)}\n`;
  const body = renderMap(item, indent + 2);
  return `${pad}- ${body.slice(indent + 2)}`;
}

// ---------------------------------------------------------------------------------------------
// The edits.

function applyOne(text: string, e: Edit): string {
  switch (e.op) {
    case "set":
      return setAt(text, e.path, e.value, e.after);
    case "delete":
      return deleteAt(text, e.path);
    case "append":
      return appendAt(text, e.path, e.value, e.after);
    default: {
      const never: never = e;
      return never;
    }
  }
}

function insertPair(text: string, path: YamlPath, value: unknown, after: string | undefined): string {
  const { map } = nodeAt(text, path);
  if (map.flow) throw new YamlEditError(`${path.slice(0, -1).join(".")} is a flow mapping; write it as a block mapping so ml-gitops can add ${String(path[path.length - 1])}`);
  const pairs = map.items as Pair<Scalar, Node>[];
  if (pairs.length === 0) throw new YamlEditError(`${path.slice(0, -1).join(".")} is empty`);
  const anchor = pairs.find((p) => after !== undefined && String(p.key.value) === after) ?? pairs[pairs.length - 1]!;
  const extent = pairExtent(text, anchor, [...path.slice(0, -1), String(anchor.key.value)]);
  return splice(text, extent.end, extent.end, renderPair(String(path[path.length - 1]), value, extent.indent));
}

function setAt(text: string, path: YamlPath, value: unknown, after?: string): string {
  const { pair } = nodeAt(text, path);
  if (!pair) return insertPair(text, path, value, after);
  const node = pair.value;
  if (isScalar(node) && isScalarValue(value) && node.range) {
    const style = typeof node.value === "string" ? node.type : undefined;
    return splice(text, node.range[0], node.range[1], renderScalar(value, style));
  }
  if (isMap(node) && isPlainObject(value)) {
    let out = text;
    const existing = node.items.map((p) => String((p.key as Scalar).value));
    for (const k of existing) if (!(k in value) || value[k] === undefined) out = deleteAt(out, [...path, k]);
    let previous: string | undefined;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out = setAt(out, [...path, k], v, previous);
      previous = k;
    }
    return out;
  }
  // A different shape: replace the pair's lines, keeping the comments above it.
  const extent = pairExtent(text, pair, path);
  return splice(text, extent.start, extent.end, renderPair(String(path[path.length - 1]), value, extent.indent));
}

function deleteAt(text: string, path: YamlPath): string {
  const { map, pair } = nodeAt(text, path);
  if (!pair) return text;
  if (map.flow) throw new YamlEditError(`${path.slice(0, -1).join(".")} is a flow mapping; write it as a block mapping so ml-gitops can remove ${String(path[path.length - 1])}`);
  const extent = pairExtent(text, pair, path);
  return splice(text, extent.commentStart, extent.end, "");
}

function appendAt(text: string, path: YamlPath, value: unknown, after?: string): string {
  const { pair } = nodeAt(text, path);
  const seq = pair?.value;
  if (!pair || !isSeq(seq) || seq.flow || seq.items.length === 0) {
    const current = isSeq(seq) ? (seq.toJSON() as unknown[]) : [];
    return setAt(text, path, [...current, value], after);
  }
  const first = seq.items[0] as Node;
  const firstLine = lineStartOf(text, first.range![0]);
  const dash = text.slice(firstLine, first.range![0]).indexOf("-");
  const extent = pairExtent(text, pair, path);
  return splice(text, extent.end, extent.end, renderItem(value, dash));
}
