/**
 * Exit codes shared by every command. They live in lib/ because pure logic decides them
 * (lib/promotion/outcome.ts maps a refusal or an invalid input to one); cli/ re-exports them.
 */
export const EXIT = {
  ok: 0,
  /** A mandatory policy violation, or a promotion step that is refused. */
  refused: 1,
  /** Bad arguments, unreadable input, invalid configuration. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
