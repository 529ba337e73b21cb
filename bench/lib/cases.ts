/** A benchmark run as a fresh child process, repeated in rounds with every other child case. */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ChildRun, ChildSpec } from "./proc";

/** tsx by absolute URL: `--import tsx` resolves against the cwd, and generated roots have no node_modules. */
export const TSX = pathToFileURL(require.resolve("tsx")).href;

/**
 * The command users run (`bin/ml-gitops`, which `npm run plan` runs too): the CLI compiled to
 * dist/, under plain node. The bench builds dist/ once in its setup, so no case pays for a build.
 */
export const BIN = join(__dirname, "..", "..", "bin", "ml-gitops");

export interface ChildCase extends ChildSpec {
  readonly id: string;
  readonly label: string;
  /** Throws when the run did not do what the case measures (wrong exit code, wrong stacks...). */
  verify(run: ChildRun): void;
}

export function expectStatus(run: ChildRun, allowed: readonly number[], what: string): void {
  if (run.status === null || !allowed.includes(run.status)) {
    throw new Error(`${what}: exit status ${run.status}, expected ${allowed.join(" or ")}\n${run.stderr.slice(-2000)}`);
  }
}
