/**
 * Maps a key path in a parsed declaration back to its line and column in the YAML source, so
 * every problem points at the offending node. A path that does not exist (a missing key) points
 * at the deepest mapping that does: that is where the key has to be added.
 */
import type { Document, DocumentOptions, LineCounter, Node, ParseOptions, SchemaOptions } from "yaml";

/**
 * The yaml library, loaded when a position is first needed: a command that reads only valid
 * declarations (`ml-gitops status`) never loads it (lib/deployments/loader.ts fast path).
 */
const yaml = (): typeof import("yaml") => require("yaml") as typeof import("yaml");

export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type KeyPath = readonly PropertyKey[];

interface Found {
  /** The value node at the path, or the deepest existing ancestor when the path is missing. */
  readonly node: Node | null;
  /** The key node of the last segment, when the path exists and ends in a mapping key. */
  readonly key: Node | null;
  readonly exists: boolean;
}

function find(doc: Document, path: KeyPath): Found {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node = doc.contents as Node | null;
  let key: Node | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return { node, key: null, exists: false };
      key = (pair.key as Node | null) ?? null;
      node = (pair.value as Node | null) ?? null;
      if (node === null) return { node: key, key, exists: true };
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      key = null;
      node = node.items[segment] as Node | null;
    } else {
      return { node, key: null, exists: false };
    }
  }
  return { node, key, exists: true };
}

interface Parsed {
  readonly doc: Document;
  readonly lines: LineCounter;
}

export class SourceMap {
  /**
   * @param parsed the document and its line counter, or how to parse them when a position is
   *   first asked for (`fromText`).
   */
  constructor(
    readonly file: string,
    private parsed: Parsed | (() => Parsed),
  ) {}

  /**
   * Positions in `text`, which is parsed for them (with the options the loader's full path uses)
   * only when a position is first asked for: a valid declaration never pays for it.
   */
  static fromText(file: string, text: string, options: ParseOptions & DocumentOptions & SchemaOptions): SourceMap {
    return new SourceMap(file, () => {
      const { LineCounter, parseDocument } = yaml();
      const lines = new LineCounter();
      return { doc: parseDocument(text, { ...options, lineCounter: lines }), lines };
    });
  }

  private get doc(): Document {
    return this.resolved().doc;
  }

  private get lines(): LineCounter {
    return this.resolved().lines;
  }

  private resolved(): Parsed {
    if (typeof this.parsed === "function") this.parsed = this.parsed();
    return this.parsed;
  }

  private position(node: Node | null): Position {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** Where the value at `path` is written, or the enclosing mapping when it is missing. */
  at(path: KeyPath): Position {
    return this.position(find(this.doc, path).node);
  }

  /** Where the key of `path` is written (for unknown fields), falling back to `at`. */
  keyAt(path: KeyPath): Position {
    const found = find(this.doc, path);
    return this.position(found.key ?? found.node);
  }

  /** `metadata.name` as written, when it is a plain string (for duplicate detection in files with other problems). */
  nameIfAny(): string | undefined {
    const found = find(this.doc, ["metadata", "name"]);
    return found.exists && yaml().isScalar(found.node) && typeof found.node.value === "string" ? found.node.value : undefined;
  }

  /** Key path of the mapping key written at `offset` (for duplicate-key errors), when there is one. */
  keyPathAt(offset: number): PropertyKey[] | undefined {
    let found: PropertyKey[] | undefined;
    const { isPair, isScalar, isSeq, visit } = yaml();
    visit(this.doc, {
      Pair: (_, pair, ancestors) => {
        if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
        const segments: PropertyKey[] = [];
        ancestors.forEach((a, i) => {
          const next = ancestors[i + 1] ?? pair;
          if (isPair(a) && isScalar(a.key)) segments.push(String(a.key.value));
          else if (isSeq(a)) segments.push(a.items.indexOf(next as never));
        });
        found = [...segments, String(pair.key.value)];
        return visit.BREAK;
      },
    });
    return found;
  }

  /** Position of a byte offset, for YAML syntax errors. */
  offset(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }
}
