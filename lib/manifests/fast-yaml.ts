/**
 * The fast YAML path: js-yaml (a well-kept YAML 1.2 parser; 5.5.0, pinned exactly in
 * package.json, the `latest` dist-tag of `npm view js-yaml` on 2026-11-30; it ships its own
 * types, so no @types/js-yaml) reads the
 * text as events with source offsets, and we build the values from them with a schema that
 * resolves plain scalars exactly as the reference does, the `yaml` library as
 * lib/manifests/read.ts (manifests) and lib/deployments/loader.ts (declarations) configure it.
 * js-yaml builds values straight from its events (no Document, no positions), several times
 * faster than `yaml.parseAllDocuments`; bench/RESULTS.md has the numbers.
 *
 * It answers only when it is sure; it returns undefined, and the caller reads the text with the
 * `yaml` library exactly as before, when the text has:
 * - an anchor, an alias or a tag (`&a`, `*a`, `!!binary`): the reference expands aliases with an
 *   alias budget and decodes `!!binary` to text; js-yaml does neither the same way;
 * - a directive (`%YAML`, `%TAG`): they change how tags and versions resolve;
 * - a merge key `<<` (manifests merge it as kustomize does; js-yaml's CORE_SCHEMA keeps it as a key);
 * - a key that is not a string once resolved (`1:`, `true:`, `~:`, a mapping as a key), or
 *   `__proto__`: the reference stringifies such keys its own way, or refuses them;
 * - a key written twice (js-yaml throws "duplicated mapping key"; the reference reports it);
 * - a CR not followed by LF, a tab in indentation, an indented `---`, or a `...` line (see
 *   DIFFERENT_LINES);
 * - anything js-yaml refuses to parse (the reference then reports the problem, with its line).
 * test/manifests/fast-yaml.test.ts compares every answer, objects and lines, with the reference
 * on every rendered GitOps file, hand-written edge cases, generated documents and ../shared/corpus.
 */
import type * as JsYaml from "js-yaml";

export interface FastDocument {
  readonly value: unknown;
  /** 1-based line where the document's content starts, as the reference reports it. */
  readonly line: number;
}

/**
 * Which scalars a plain value resolves to: `core` is the `yaml` library's default (YAML 1.2 core,
 * what the declaration loader uses); `kubernetes` adds read.ts's custom tags (`0755` octal,
 * `1_000`), as manifests are read.
 */
export type PlainSchema = "core" | "kubernetes";

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

/** Returned when a plain scalar is a string. */
const STRING = Symbol("string");

/**
 * A plain scalar's value as the `yaml` library (2.9.1) resolves it: null, bool, int, float of
 * yaml/dist/schema/core/schema.js (`nullTag`, `boolTag`, `intOct`, `int`, `intHex`, `floatNaN`,
 * `floatExp`, `float`), tested in that order, and under `kubernetes` read.ts's LEGACY_OCTAL and
 * UNDERSCORED_INT first. Numbers are parsed as yaml parses them (`parseInt`, `parseFloat`), so
 * `-0` is -0 and a 400-digit integer is Infinity (js-yaml's own intCoreTag and floatCoreTag,
 * js-yaml@5.5.0 src/tag/scalar/int_core.ts and float_core.ts, leave a non-finite number a
 * string: one reason the fast path uses these resolvers and not js-yaml's CORE_SCHEMA tags).
 */
function resolveCore(s: string, schema: PlainSchema): unknown {
  if (s === "" || NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === "t" || s[0] === "T";
  // No number starts with a letter or "~": most strings that got here (names, `true`-like words) stop now.
  const c = s.charCodeAt(0);
  if (c > 0x39 /* 9 */) return STRING;
  if (schema === "kubernetes") {
    if (LEGACY_OCTAL.test(s)) return (s.startsWith("-") ? -1 : 1) * parseInt(s.replace(/^[-+]/, ""), 8);
    if (UNDERSCORED_INT.test(s)) return Number(s.replace(/_/g, ""));
  }
  if (OCTAL.test(s)) return parseInt(s.slice(2), 8);
  if (HEX.test(s)) return parseInt(s.slice(2), 16);
  if (INT.test(s)) return parseInt(s, 10);
  if (INF.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (NAN.test(s)) return NaN;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return STRING;
}

/** Only these first characters can start a null, boolean or number (and "" is null). */
const FIRST_CHARS = ["", ..."0123456789+-.~nNtTfF"];

/** A plain scalar's value, as the `yaml` library resolves it under `schema`. */
export function resolvePlain(s: string, schema: PlainSchema = "kubernetes"): unknown {
  const v = resolveCore(s, schema);
  return v === STRING ? s : v;
}

/**
 * Line structure the two parsers read differently, found by the mutation test of
 * test/manifests/fast-yaml.test.ts: a CR not followed by LF is a line break to js-yaml (YAML 1.2
 * b-carriage-return) but content to the reference; and js-yaml skips the indentation before the
 * first `---` or `...` of a document and takes it as a marker (js-yaml@5.5.0 parseEvents calls
 * skipSeparationSpace before testing for a document marker), where the reference reads an
 * indented `---` as a plain scalar (and refuses it as a key). A document end marker `...` before
 * any document is skipped by js-yaml but is an empty (null) document to the reference, so every
 * `...` line is declined (rare in manifests). A tab in a line's leading whitespace is declined:
 * the reference refuses tabs as indentation in places js-yaml accepts them (a tab-only line after
 * a comment at the end of a mapping). A `---` indented inside a block scalar is declined too: the
 * reference reads it, slower.
 */
const DIFFERENT_LINES = /\r(?!\n)|^ *\t|^[ \t]+---(?:[ \t\r\n]|$)|^[ \t]*\.\.\.(?:[ \t\r\n]|$)/m;

type Loaded = { js: typeof JsYaml; schemas: Record<PlainSchema, JsYaml.Schema> };
let loaded: Loaded | undefined;

/** js-yaml and the two schemas, built on first use (commands that read no YAML never load it). */
function jsYaml(): Loaded {
  if (loaded) return loaded;
  const js = require("js-yaml") as typeof JsYaml;
  const { defineScalarTag, defineMappingTag, NOT_RESOLVED, Schema, strTag, seqTag } = js;
  /**
   * One implicit tag resolves every plain scalar that may be a null, bool or number (js-yaml
   * dispatches implicit tags by first character: js-yaml@5.5.0 src/schema.ts
   * resolveImplicitScalarTag); its tag name does not matter, only the value is kept.
   */
  const plainTag = (schema: PlainSchema) =>
    defineScalarTag(`tag:ml-gitops,2026:plain-${schema}`, {
      implicit: true,
      implicitFirstChars: FIRST_CHARS,
      resolve: (source) => {
        const v = resolveCore(source, schema);
        return v === STRING ? NOT_RESOLVED : v;
      },
      identify: () => false,
    });
  /**
   * Mappings as plain objects, as the reference's toJS gives them, refusing (so the fast path
   * declines) what the reference treats its own way: keys that are not strings, merge keys,
   * `__proto__`. js-yaml checks `has` before `addPair` and throws on a key written twice
   * (js-yaml@5.5.0 src/constructor.ts, "duplicated mapping key").
   */
  const mapTag = defineMappingTag<Record<string, unknown>>("tag:yaml.org,2002:map", {
    create: () => ({}),
    identify: () => false,
    addPair: (map, key, value) => {
      if (typeof key !== "string") return "a key that is not a string is left to the reference reader";
      if (key === "<<" || key === "__proto__") return `key ${key} is left to the reference reader`;
      map[key] = value;
      return "";
    },
    has: (map, key) => typeof key === "string" && Object.prototype.hasOwnProperty.call(map, key),
    keys: (map) => Object.keys(map),
    get: (map, key) => map[String(key)],
  });
  const schema = (s: PlainSchema) => new Schema([strTag, seqTag, mapTag, plainTag(s)]);
  loaded = { js, schemas: { core: schema("core"), kubernetes: schema("kubernetes") } };
  return loaded;
}

/**
 * The documents of `text` with the line each starts on, when the fast path can be sure of them;
 * undefined otherwise (read the text with the `yaml` library then). A text of comments only has
 * no document (as for the reference's callers); an empty document after `---` is declined.
 */
export function parseFastYaml(text: string, schema: PlainSchema = "kubernetes"): FastDocument[] | undefined {
  if (!linesAgree(text)) return undefined;
  const parsed = parseChecked(text, schema);
  return parsed && documentsOf(text, 0, parsed.starts, parsed.values);
}

/** False when the two parsers would read the text's lines differently (DIFFERENT_LINES). */
function linesAgree(text: string): boolean {
  // The regular expression runs only when its cheap preconditions hold (most texts have neither).
  return !((text.includes("\r") || text.includes(" --") || text.includes("...") || text.includes("\t")) && DIFFERENT_LINES.test(text));
}

/**
 * js-yaml's events and values for `source`, with the offset where each document's content
 * starts (its first node), or undefined when js-yaml refuses the text or anything in it is left
 * to the reference: an anchor, alias, tag or directive, or a document with no content. With
 * `within`, every node must also lie inside the range of the file its document starts in
 * (`parseFastYamlMany`'s proof that no file's text was read together with the next one's).
 */
function parseChecked(source: string, schema: PlainSchema, within?: (start: number, end: number) => boolean): { starts: number[]; values: unknown[] } | undefined {
  const { js, schemas } = jsYaml();
  const { EVENT_ID } = js;
  let events: JsYaml.Event[];
  let values: unknown[];
  try {
    events = js.parseEvents(source, {});
  } catch {
    return undefined;
  }
  // One pass over the events: decline on anchors, aliases, tags and directives, and note the
  // offset where each document's content starts (its first node's start).
  const starts: number[] = [];
  let awaitingContent = false;
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        if (e.directives.length > 0) return undefined;
        awaitingContent = true;
        continue;
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.POP:
        // An explicitly started document with no content: the reference reads it as a null
        // document (which read.ts reports), not as no document; left to it.
        if (awaitingContent) return undefined;
        continue;
      default: {
        if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
        const start = e.type === EVENT_ID.SCALAR ? e.valueStart : e.start;
        if (awaitingContent) {
          // A document that is an empty scalar (`---` then nothing): the reference reads a null
          // document at its own line; left to it.
          if (e.type === EVENT_ID.SCALAR && e.valueStart >= e.valueEnd) return undefined;
          starts.push(start);
        }
        if (within && !within(starts[starts.length - 1] ?? -1, e.type === EVENT_ID.SCALAR ? e.valueEnd : start)) return undefined;
        awaitingContent = false;
      }
    }
  }
  try {
    values = js.constructFromEvents(events, { source, schema: schemas[schema] });
  } catch {
    return undefined;
  }
  return values.length === starts.length ? { starts, values } : undefined;
}

/** The documents at `starts` (offsets into a text whose line 1 begins at `from`), with their lines. */
function documentsOf(text: string, from: number, starts: readonly number[], values: readonly unknown[]): FastDocument[] {
  const docs: FastDocument[] = [];
  // Lines counted once, forward, from one document's start to the next.
  let line = 1;
  let at = from;
  for (let d = 0; d < values.length; d++) {
    const start = starts[d]!;
    for (let nl = text.indexOf("\n", at); nl !== -1 && nl < start; nl = text.indexOf("\n", nl + 1)) line++;
    at = start;
    docs.push({ value: values[d], line });
  }
  return docs;
}

/** Texts read by one js-yaml call in `parseFastYamlMany`: big enough to share its setup, small enough that a chunk read again file by file costs little. */
const CHUNK_TEXTS = 64;

/**
 * `texts.map((t) => parseFastYaml(t, schema))`, the same answers (test/manifests/fast-yaml.test.ts
 * compares them), with fewer js-yaml calls: js-yaml builds its parser and constructor state per
 * call, which costs as much as reading a small manifest, and `check` reads thousands of them.
 * Texts are read CHUNK_TEXTS at a time as one stream, each followed by a document end marker
 * `...`, which closes a document as the end of the text would (texts holding a `...` line are
 * declined by DIFFERENT_LINES anyway). A text is read alone, by `parseFastYaml`, when the stream
 * could read it differently than the text alone: it does not end with a line break (a block
 * scalar's last line would gain one) or holds a byte order mark (js-yaml reads one differently at
 * the start of a stream than after a document). A chunk is read again text
 * by text when anything in it is declined or when any node lies outside the text its document
 * starts in (a quote or flow collection left open would run into the next text): what remains is
 * exactly what each text alone reads, since every text starts where a stream starts, between
 * documents.
 */
export function parseFastYamlMany(texts: readonly string[], schema: PlainSchema = "kubernetes"): (FastDocument[] | undefined)[] {
  const out: (FastDocument[] | undefined)[] = new Array<FastDocument[] | undefined>(texts.length);
  let chunk: number[] = [];
  const flush = () => {
    if (chunk.length > 0) readChunk(texts, chunk, schema, out);
    chunk = [];
  };
  texts.forEach((text, i) => {
    if (!linesAgree(text)) out[i] = undefined;
    else if (!text.endsWith("\n") || text.includes("\ufeff")) out[i] = parseFastYaml(text, schema);
    else {
      chunk.push(i);
      if (chunk.length === CHUNK_TEXTS) flush();
    }
  });
  flush();
  return out;
}

/**
 * The index of the text an offset of the stream is in, given each text's starting offset; offsets
 * must be asked for in increasing order (documents come in order), so the search only moves forward.
 */
function textIndex(offsets: readonly number[]): (offset: number) => number {
  let k = 0;
  return (offset) => {
    while (k + 1 < offsets.length && offset >= offsets[k + 1]!) k++;
    return k;
  };
}

function readChunk(texts: readonly string[], chunk: readonly number[], schema: PlainSchema, out: (FastDocument[] | undefined)[]): void {
  const offsets: number[] = [];
  let source = "";
  for (const i of chunk) {
    offsets.push(source.length);
    source += `${texts[i]!}...\n`;
  }
  const ends = offsets.map((o, c) => o + texts[chunk[c]!]!.length);
  // Every node must lie in the text its document starts in.
  const docText = textIndex(offsets);
  const within = (docStart: number, offset: number) => {
    const t = docText(docStart);
    return docStart >= 0 && offset >= offsets[t]! && offset <= ends[t]!;
  };
  const parsed = parseChecked(source, schema, within);
  if (parsed === undefined) {
    for (const i of chunk) out[i] = parseFastYaml(texts[i]!, schema);
    return;
  }
  const textOf = textIndex(offsets);
  const perText: { starts: number[]; values: unknown[] }[] = chunk.map(() => ({ starts: [], values: [] }));
  parsed.starts.forEach((start, d) => {
    const t = perText[textOf(start)]!;
    t.starts.push(start);
    t.values.push(parsed.values[d]);
  });
  chunk.forEach((i, c) => {
    out[i] = documentsOf(source, offsets[c]!, perText[c]!.starts, perText[c]!.values);
  });
}
