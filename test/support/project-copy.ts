/** A throwaway copy of the project's stacks and declarations, for tests that edit them. */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "../..");

export function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), "ml-gitops-"));
  for (const entry of ["Pulumi.yaml", "stacks", "deployments"]) {
    cpSync(join(PROJECT_ROOT, entry), join(root, entry), { recursive: true });
  }
  return root;
}
