/** A throwaway copy of the project's stacks and declarations, for tests that edit them. */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/project-root";

export { PROJECT_ROOT };

export function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), "ml-gitops-"));
  for (const entry of ["Pulumi.yaml", "stacks", "deployments"]) {
    cpSync(join(PROJECT_ROOT, entry), join(root, entry), { recursive: true });
  }
  return root;
}
