/**
 * The project's root directory (the one holding its package.json), found from this module's own
 * location. Modules run from the sources (`lib/...` under tsx) and from the compiled tree
 * (`dist/lib/...`), at different depths, so a fixed `../..` would be right in only one of them.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

export function projectRootFrom(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) throw new Error(`no package.json above ${dir}: cannot find the ml-gitops project root`);
  }
}

export const PROJECT_ROOT = projectRootFrom(__dirname);
