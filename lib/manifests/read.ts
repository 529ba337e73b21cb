/**
 * Reads Kubernetes manifests from YAML/JSON files as the objects CrossGuard would see, keeping
 * each object's file and line so findings point at the source. Documents that cannot be checked
 * (parse errors, Helm/Go templates, non-objects) are reported as skipped, never fatal.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { resolvesInside } from "../inside";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from "yaml";

export interface ManifestObject {
  file: string;
  line: number;
  object: Record<string, unknown>;
}

export interface Skipped {
  file: string;
  line: number;
  reason: string;
}

export interface ManifestSet {
  files: number;
  objects: ManifestObject[];
  skipped: Skipped[];
}

export class MissingPathError extends Error {}

const EXTENSIONS = [".yaml", ".yml", ".json"];

/** Every manifest file under the paths, directories walked recursively in sorted order. */
export function manifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean, top: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new MissingPathError(`${p}: no such file or directory; pass existing manifest files or directories`);
    }
    // Inside a directory it was given, check never follows a link out of it (a token file, the
    // home directory): refused by name, before anything of the target is read.
    if (!explicit && lstatSync(p).isSymbolicLink() && !resolvesInside(top, p)) {
      throw new MissingPathError(`${p}: is a symbolic link leading outside ${top}; check reads only files inside the directories it is given (pass the target itself to check it)`);
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(p).sort()) walk(join(p, entry), false, explicit ? p : top);
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

/** Parses one file's text: multi-document YAML (JSON is YAML too), `kind: List` expanded. */
export function parseManifests(text: string, file: string): { objects: ManifestObject[]; skipped: Skipped[] } {
  const objects: ManifestObject[] = [];
  const skipped: Skipped[] = [];
  const lines = new LineCounter();
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  for (const doc of parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false })) {
    const start = lineOf((doc.contents as Node | null)?.range?.[0] ?? doc.range[0]);
    if (text.slice(doc.range[0], doc.range[2]).includes("{{")) {
      skipped.push({ file, line: start, reason: "is a template ({{ }}); render it first (helm template, kustomize) and check the output" });
      continue;
    }
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      skipped.push({ file, line: lineOf(err.pos[0]), reason: `does not parse as YAML: ${err.message.split("\n")[0]}` });
      continue;
    }
    if (doc.contents === null) continue;
    const duplicate = duplicateKeyOffset(doc);
    if (duplicate !== undefined) {
      skipped.push({ file, line: lineOf(duplicate), reason: "does not parse as YAML: Map keys must be unique" });
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (!isRecord(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
      skipped.push({ file, line: start, reason: "is not a Kubernetes object (no apiVersion and kind)" });
      continue;
    }
    if (value.kind === "List" && Array.isArray(value.items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get("items", true) : undefined;
      value.items.forEach((item, i) => {
        const node = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        const line = lineOf(node?.range?.[0]);
        if (isRecord(item) && typeof item.apiVersion === "string" && typeof item.kind === "string") objects.push({ file, line, object: item });
        else skipped.push({ file, line, reason: "is a List item that is not a Kubernetes object (no apiVersion and kind)" });
      });
      continue;
    }
    objects.push({ file, line: start, object: value });
  }
  return { objects, skipped };
}

export function readManifests(paths: readonly string[]): ManifestSet {
  const files = manifestFiles(paths);
  const set: ManifestSet = { files: files.length, objects: [], skipped: [] };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new MissingPathError(`${file}: cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    const { objects, skipped } = parseManifests(text, file);
    set.objects.push(...objects);
    set.skipped.push(...skipped);
  }
  return set;
}
