import type { RegisterCommand } from "../exit";
import { registerAbort } from "./abort";
import { registerAdvance } from "./advance";
import { registerCheck } from "./check";
import { registerHistory } from "./history";
import { registerPlan } from "./plan";
import { registerPromote } from "./promote";
import { registerRollback } from "./rollback";
import { registerStatus } from "./status";
import { registerVerify } from "./verify";

/** Every subcommand, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [registerPlan, registerCheck, registerStatus, registerPromote, registerAdvance, registerAbort, registerRollback, registerHistory, registerVerify];
