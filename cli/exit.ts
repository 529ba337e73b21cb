import type { ExitCode } from "../lib/exit-codes";

export { EXIT, type ExitCode } from "../lib/exit-codes";

/** A command registers itself on the program and reports its exit code through `setExit`. */
export type RegisterCommand = (
  program: import("commander").Command,
  setExit: (code: ExitCode) => void,
) => void;
