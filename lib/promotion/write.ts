/**
 * Atomic replacement of a declaration: a reader (Argo CD, a CI job, the next command) sees the
 * old file or the new one, never half of it. The temporary file sits in the same directory so the
 * rename stays on one file system.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import * as path from "node:path";

export interface AtomicWriteOptions {
  /** A fixed temporary path (recorded in the promotion journal, so a later run finds it). */
  readonly tmp?: string;
  /** Runs after the temporary file is complete, before the rename (a fault-injection point). */
  readonly beforeRename?: () => void;
}

export function writeFileAtomic(file: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const tmpPath = options.tmp;
  const dir = path.dirname(file);
  const tmp = tmpPath ?? path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  if (tmpPath !== undefined) rmSync(tmpPath, { force: true });
  let mode = 0o644;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    // A new file gets the default mode.
  }
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  options.beforeRename?.();
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
