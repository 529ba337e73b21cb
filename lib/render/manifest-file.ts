/**
 * A rendered object as a GitOps file. Pure: the ModelDeployment component writes these for
 * its `files` output, and the plan writes the same bytes under `--out` without a component.
 */
import type { KubeObject } from "./model-view";

export interface ManifestFile {
  readonly path: string;
  readonly content: string;
}

/** An object as a GitOps file: a header naming the declaration it came from, then the YAML. */
export function manifestFile(obj: KubeObject, path: string, source: string): ManifestFile {
  // Loaded on first use: a plan that writes no files never needs the yaml library.
  const { Document } = require("yaml") as typeof import("yaml");
  const doc = new Document(obj);
  doc.commentBefore = ` Rendered by ml-gitops from ${source}; edit the declaration, not this file.`;
  return { path, content: doc.toString({ lineWidth: 0 }) };
}

/**
 * The line an object's content starts on in its file: after the header comment and the blank
 * line the yaml library writes after it (test/render/manifest-file.test.ts holds it to
 * `manifestFile`'s output).
 */
export const FIRST_CONTENT_LINE = 3;
