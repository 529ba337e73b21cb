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
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isCollection, isMap, isSeq, LineCounter, parseAllDocuments, visit, type Node } from "yaml";

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

/** The value with every templated string replaced by the unknown sentinel; keys are kept. */
export function withTemplatesUnknown(value: unknown): unknown {
  if (typeof value === "string") return isTemplated(value) ? UNKNOWN_STRING : value;
  if (Array.isArray(value)) return value.map(withTemplatesUnknown);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTemplatesUnknown(v)]));
  }
  return value;
}

export class MissingPathError extends Error {}

const EXTENSIONS = [".yaml", ".yml", ".json"];

/** Every manifest file under the paths, directories walked recursively in sorted order. */
export function manifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new MissingPathError(`${p}: no such file or directory; pass existing manifest files or directories`);
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(p).sort()) walk(join(p, entry), false);
    } else if (explicit || EXTENSIONS.some((e) => p.endsWith(e))) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses one file's text: multi-document YAML (JSON is YAML too), `kind: List` expanded. */
export function parseManifests(text: string, file: string): { objects: ManifestObject[]; failures: Failure[] } {
  const objects: ManifestObject[] = [];
  const failures: Failure[] = [];
  const lines = new LineCounter();
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false })) {
    const start = lineOf((doc.contents as Node | null)?.range?.[0] ?? doc.range[0]);
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const template = text.slice(doc.range[0], doc.range[2]).includes("{{") ? "; if it is a template, render it first (helm template, kustomize) and check the output" : "";
      failures.push({ file, line: lineOf(err.pos[0]), reason: `does not parse as YAML: ${err.message.split("\n")[0]}${template}` });
      continue;
    }
    if (doc.contents === null) continue;
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
    const value: unknown = withTemplatesUnknown(doc.toJS({ maxAliasCount: 1000 }));
    if (!isRecord(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
      failures.push({ file, line: start, reason: "is not a Kubernetes object (no apiVersion and kind), so it cannot be checked; pass only manifests" });
      continue;
    }
    if (value.kind === "List" && Array.isArray(value.items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get("items", true) : undefined;
      value.items.forEach((item, i) => {
        const node = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        const line = lineOf(node?.range?.[0]);
        if (isRecord(item) && typeof item.apiVersion === "string" && typeof item.kind === "string") objects.push({ file, line, object: item });
        else failures.push({ file, line, reason: "is a List item that is not a Kubernetes object (no apiVersion and kind), so it cannot be checked" });
      });
      continue;
    }
    objects.push({ file, line: start, object: value });
  }
  return { objects, failures };
}

export function readManifests(paths: readonly string[]): ManifestSet {
  const files = manifestFiles(paths);
  const set: ManifestSet = { files: files.length, objects: [], failures: [] };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new MissingPathError(`${file}: cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    const { objects, failures } = parseManifests(text, file);
    set.objects.push(...objects);
    set.failures.push(...failures);
  }
  return set;
}
