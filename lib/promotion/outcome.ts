/** How promotion failures map to the CLI's exit codes, in one place for every promotion command. */
import { ValidationError } from "../errors";
import { EXIT, type ExitCode } from "../exit-codes";
import { GitError } from "./git";
import { PromotionRefused } from "./transitions";

/** Refusals exit 1; bad input, an invalid repository and git failures exit 2; anything else is a bug and is rethrown. */
export function exitCodeFor(err: unknown): ExitCode | undefined {
  if (err instanceof PromotionRefused) return EXIT.refused;
  if (err instanceof ValidationError || err instanceof GitError) return EXIT.usage;
  return undefined;
}

/** Writes `ml-gitops <command>: <message>` to stderr and sets the exit code, or rethrows an unexpected error. */
export function reportFailure(command: string, err: unknown, setExit: (code: ExitCode) => void): void {
  const code = exitCodeFor(err);
  if (code === undefined) throw err;
  process.stderr.write(`ml-gitops ${command}: ${(err as Error).message}\n`);
  setExit(code);
}
