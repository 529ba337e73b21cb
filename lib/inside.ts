/**
 * Reads stay inside the repository: a symbolic link whose target lies outside it (a token file,
 * another checkout) is refused before it is read, so nothing of the target reaches a message.
 */
import { realpathSync } from "node:fs";
import * as path from "node:path";

/** Whether `file` (which exists) resolves, links followed, to a path inside `root`. */
export function resolvesInside(root: string, file: string): boolean {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return false;
  }
  const rel = path.relative(realpathSync(root), real);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
