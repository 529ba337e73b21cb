import type { RegisterCommand } from "../exit";
import { registerCheck } from "./check";

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [registerCheck];
