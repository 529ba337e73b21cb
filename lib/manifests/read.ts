/**
 * Reads Kubernetes manifests from YAML/JSON files as the objects CrossGuard would see, keeping
 * each object's file and line so findings point at the source.
 *
 * Fails closed: a document that cannot be judged (it does not parse, or is not a Kubernetes
 * object) is a failure of the run, never a silent skip. A templated value (`{{ ... }}`, as
 * KServe's own `--model_name={{.Name}}` or a Helm placeholder) is not a reason to skip the
 * document: that one value is unknown, as CrossGuard treats a value unknown during preview (the
 * engine's unknown-string sentinel, so rules skip exactly that value), and the rest is checked.
 */
import { readdirSync, statSync, type Dirent } from "node:fs";
import { resolvesInside } from "../inside";
import { parseFastYaml, parseFastYamlMany, type FastDocument } from "./fast-yaml";
import { readInGroups } from "./read-ahead";
import { join } from "node:path";
import type { Document, Node, ScalarTag, Tags } from "yaml";

/** Files read before their texts are parsed together: a few of parseFastYamlMany's chunks. */
const READ_GROUP = 256;

/** The yaml library, loaded when the fast path (lib/manifests/fast-yaml.ts, js-yaml) declines a file. */
const yaml = (): typeof import("yaml") => require("yaml") as typeof import("yaml");

export interface ManifestObject {
  file: string;
  line: number;
  object: Record<string, unknown>;
}

/** A document that could not be judged; it fails the run. */
export interface Failure {
  file: string;
  line: number;
  reason: string;
}

export interface ManifestSet {
  files: number;
  objects: ManifestObject[];
  failures: Failure[];
}

/** What CrossGuard receives for a string not known during preview (@pulumi/policy proxy.js unknownStringValue). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const TEMPLATE = /\{\{[\s\S]*?\}\}/;

/** True when a string holds a Go/Helm template action, so its rendered value is not known here. */
export function isTemplated(v: string): boolean {
  return TEMPLATE.test(v);
}

/** Whether any string in the value holds a template action. */
function hasTemplate(value: unknown): boolean {
  if (typeof value === "string") return value.includes("{{") && isTemplated(value);
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (typeof value === "object" && value !== null) {
    for (const k in value) if (hasTemplate((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/**
 * False when no string read from `text` can hold `{{`: the text has no `{{` and no backslash.
 * Only a double-quoted scalar's escapes (`\x7b`, `\u007b`, a `\` joining two lines) can make
 * one from other characters; plain, single-quoted and block scalars fold lines with a space or a
 * line break, never gluing two braces together.
 */
export function mayHoldTemplate(text: string): boolean {
  return text.includes("{{") || text.includes("\\");
}

/**
 * The value with every templated string replaced by the unknown sentinel; keys are kept. A value
 * without templates (nearly every object) is returned as it is, not copied.
 */
export function withTemplatesUnknown(value: unknown): unknown {
  return hasTemplate(value) ? replaceTemplates(value) : value;
}

function replaceTemplates(value: unknown): unknown {
  if (typeof value === "string") return isTemplated(value) ? UNKNOWN_STRING : value;
  if (Array.isArray(value)) return value.map(replaceTemplates);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceTemplates(v)]));
  }
  return value;
}

export class MissingPathError extends Error {}

const EXTENSIONS = [".yaml", ".yml", ".json"];

/** Every manifest file under the paths, directories walked recursively in sorted order. */
export function manifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean, top: string, entry?: Dirent): void => {
    // A directory entry that is no link says what it is: no stat per file (10,000 files in a
    // GitOps repository are 10,000 system calls saved). Links and explicit paths are stat'ed.
    let isDirectory: boolean;
    if (entry && !entry.isSymbolicLink()) isDirectory = entry.isDirectory();
    else {
      try {
        isDirectory = statSync(p).isDirectory();
      } catch {
        throw new MissingPathError(`${p}: no such file or directory; pass existing manifest files or directories`);
      }
      // Inside a directory it was given, check never follows a link out of it (a token file, the
      // home directory): refused by name, before anything of the target is read.
      if (!explicit && entry?.isSymbolicLink() && !resolvesInside(top, p)) {
        throw new MissingPathError(`${p}: is a symbolic link leading outside ${top}; check reads only files inside the directories it is given (pass the target itself to check it)`);
      }
    }
    if (isDirectory) {
      const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) walk(join(p, e.name), false, explicit ? p : top, e);
    } else if (explicit || EXTENSIONS.some((e) => p.endsWith(e))) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true, p);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Offset of the first key written twice in one mapping, in time linear in the document's size.
 * The yaml library's own check (`uniqueKeys`) compares each key with every earlier one of its map,
 * which took minutes on a 6 MB ConfigMap; keys here are compared through a Set per map.
 */
export function duplicateKeyOffset(doc: Document.Parsed): number | undefined {
  const { isScalar, visit } = yaml();
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = JSON.stringify(pair.key.value);
        if (seen.has(key)) {
          found = pair.key.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * YAML as kustomize (v5.5, in kubectl 1.32) and so Argo CD and Flux read it, and as the API
 * server's decoder reads it for these cases: merge keys (`<<: *base`) are merged; `02000` is
 * octal (1024) and `1_000` is 1000, as in YAML 1.1; `0o17` and `0x1F` too, as in 1.2; `!!binary`
 * is decoded to its text; `yes`/`on` stay strings and `1:20` is not sexagesimal. Each case is
 * checked against `kubectl kustomize` output in test/manifests/yaml-semantics.test.ts.
 * Argo CD's directory source differs on `yes`/`on` only: it decodes with apimachinery's
 * YAMLOrJSONDecoder (argo-cd@v3.5.1 reposerver/repository/repository.go splitYAMLOrJSON;
 * sigs.k8s.io/yaml v1.6.0 in its go.mod, YAML 1.1 booleans). The renderers never write them.
 */
const LEGACY_OCTAL: ScalarTag = {
  tag: "tag:yaml.org,2002:int",
  default: true,
  test: /^[-+]?0[0-7]+$/,
  identify: () => false,
  resolve: (src: string) => (src.startsWith("-") ? -1 : 1) * parseInt(src.replace(/^[-+]/, ""), 8),
};
const UNDERSCORED_INT: ScalarTag = {
  tag: "tag:yaml.org,2002:int",
  default: true,
  test: /^[-+]?[0-9][0-9]*(_[0-9]+)+$/,
  identify: () => false,
  resolve: (src: string) => Number(src.replace(/_/g, "")),
};
const BINARY: ScalarTag = {
  tag: "tag:yaml.org,2002:binary",
  identify: () => false,
  resolve: (src: string) => Buffer.from(src.replace(/\s+/g, ""), "base64").toString("utf8"),
};
const KUBERNETES_YAML = {
  merge: true,
  customTags: (tags: Tags): Tags => [LEGACY_OCTAL, UNDERSCORED_INT, ...tags, BINARY],
} as const;

function isObject(v: unknown): v is Record<string, unknown> & { apiVersion: string; kind: string } {
  return isRecord(v) && typeof v.apiVersion === "string" && typeof v.kind === "string";
}

/**
 * An object, or the items of a list kind, as kustomize inlines them: `List` and every typed
 * `<Kind>List` (InferenceServiceList...) with an `items` array, nested lists included.
 */
function expandLists(
  value: Record<string, unknown> & { kind: string },
  node: Node | undefined,
  line: number,
  lineOf: (offset: number | undefined) => number,
  file: string,
  objects: ManifestObject[],
  failures: Failure[],
): void {
  if (!(value.kind.endsWith("List") && Array.isArray(value.items))) {
    objects.push({ file, line, object: value });
    return;
  }
  const { isMap, isSeq } = yaml();
  const itemsNode = isMap(node) ? node.get("items", true) : undefined;
  value.items.forEach((item, i) => {
    const itemNode = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
    const itemLine = lineOf(itemNode?.range?.[0]);
    if (isObject(item)) expandLists(item, itemNode, itemLine, lineOf, file, objects, failures);
    else failures.push({ file, line: itemLine, reason: `is a ${value.kind} item that is not a Kubernetes object (no apiVersion and kind), so it cannot be checked` });
  });
}

/**
 * Parses one file's text: multi-document YAML (JSON is YAML too), `kind: List` expanded. Text the
 * fast path reads with certainty (lib/manifests/fast-yaml.ts, js-yaml), holding only objects and
 * no list kind, is read by it; everything else, including every text with a problem, by the
 * `yaml` library exactly as before (`parseManifestsWithYaml`). Both give the same objects and
 * lines (test/manifests/fast-yaml.test.ts).
 */
export function parseManifests(text: string, file: string, fast: FastDocument[] | undefined = parseFastYaml(text)): { objects: ManifestObject[]; failures: Failure[] } {
  if (fast && fast.every((d) => isObject(d.value) && !(d.value.kind.endsWith("List") && Array.isArray(d.value.items)))) {
    const templated = mayHoldTemplate(text);
    return { objects: fast.map((d) => ({ file, line: d.line, object: (templated ? withTemplatesUnknown(d.value) : d.value) as Record<string, unknown> })), failures: [] };
  }
  return parseManifestsWithYaml(text, file);
}

/** The reference reader: the `yaml` library with positions, every problem reported. */
export function parseManifestsWithYaml(text: string, file: string): { objects: ManifestObject[]; failures: Failure[] } {
  const { isCollection, LineCounter, parseAllDocuments, visit } = yaml();
  const objects: ManifestObject[] = [];
  const failures: Failure[] = [];
  const lines = new LineCounter();
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  // uniqueKeys off: the library compares each key with every earlier one (quadratic); see duplicateKeyOffset.
  for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, ...KUBERNETES_YAML, uniqueKeys: false })) {
    const start = lineOf((doc.contents as Node | null)?.range?.[0] ?? doc.range[0]);
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const template = text.slice(doc.range[0], doc.range[2]).includes("{{") ? "; if it is a template, render it first (helm template, kustomize) and check the output" : "";
      failures.push({ file, line: lineOf(err.pos[0]), reason: `does not parse as YAML: ${err.message.split("\n")[0]}${template}` });
      continue;
    }
    if (doc.contents === null) continue;
    const duplicate = duplicateKeyOffset(doc);
    if (duplicate !== undefined) {
      failures.push({ file, line: lineOf(duplicate), reason: "does not parse as YAML: Map keys must be unique" });
      continue;
    }
    // An unquoted `{{ x }}` is a flow mapping used as a key; the API server's decoder refuses it
    // (kubectl: "yaml: invalid map key"), so the document cannot be read as Kubernetes reads it.
    let complexKey: Node | undefined;
    visit(doc, {
      Pair(_, pair) {
        if (isCollection(pair.key)) {
          complexKey = pair.key;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (complexKey !== undefined) {
      failures.push({ file, line: lineOf(complexKey.range?.[0]), reason: "has a mapping as a key (an unquoted {{ template }}?), which Kubernetes' YAML decoder refuses; render the template first, or quote the value" });
      continue;
    }
    // toJS throws on what parsing lets through: an alias to an anchor never set (`*missing`), or
    // more alias expansion than maxAliasCount. A failure of this document, not of the run.
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      failures.push({ file, line: start, reason: `does not parse as YAML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}` });
      continue;
    }
    const value: unknown = withTemplatesUnknown(js);
    if (!isObject(value)) {
      failures.push({ file, line: start, reason: "is not a Kubernetes object (no apiVersion and kind), so it cannot be checked; pass only manifests" });
      continue;
    }
    expandLists(value, doc.contents as Node, start, lineOf, file, objects, failures);
  }
  return { objects, failures };
}

export function readManifests(paths: readonly string[]): ManifestSet {
  const files = manifestFiles(paths);
  const set: ManifestSet = { files: files.length, objects: [], failures: [] };
  // Files are read a group at a time, ahead of the parsing (read-ahead.ts), and each group's
  // texts parsed together (parseFastYamlMany).
  let g = 0;
  for (const read of readInGroups(files, READ_GROUP)) {
    const group = files.slice(g, g + read.length);
    g += read.length;
    const texts = read.map((text, i) => {
      if (typeof text === "string") return text;
      throw new MissingPathError(`${group[i]}: cannot be read (${text.error})`);
    });
    const fast = parseFastYamlMany(texts);
    group.forEach((file, i) => {
      const { objects, failures } = parseManifests(texts[i]!, file, fast[i]);
      for (const o of objects) set.objects.push(o);
      for (const f of failures) set.failures.push(f);
    });
  }
  return set;
}
