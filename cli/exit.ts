/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** A mandatory policy violation, or a promotion step that is refused. */
  refused: 1,
  /** Bad arguments, unreadable input, invalid configuration. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command registers itself on the program and reports its exit code through `setExit`. */
export type RegisterCommand = (
  program: import("commander").Command,
  setExit: (code: ExitCode) => void,
) => void;
