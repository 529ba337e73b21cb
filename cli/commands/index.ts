import type { RegisterCommand } from "../exit";
import { registerCheck } from "./check";
import { registerPlan } from "./plan";

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [registerPlan, registerCheck];
