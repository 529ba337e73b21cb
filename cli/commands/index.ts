import type { RegisterCommand } from "../exit";

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [];
