/**
 * A rendered object as a GitOps file. Pure: the ModelDeployment component writes these for
 * its `files` output, and the plan writes the same bytes under `--out` without a component.
 */
import { Document } from "yaml";
import type { KubeObject } from "./model-view";

export interface ManifestFile {
  readonly path: string;
  readonly content: string;
}

/** An object as a GitOps file: a header naming the declaration it came from, then the YAML. */
export function manifestFile(obj: KubeObject, path: string, source: string): ManifestFile {
  const doc = new Document(obj);
  doc.commentBefore = ` Rendered by ml-gitops from ${source}; edit the declaration, not this file.`;
  return { path, content: doc.toString({ lineWidth: 0 }) };
}
