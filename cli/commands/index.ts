/**
 * Every subcommand, light: its name, the term and summary `--help` lists, and how to load it.
 * A command's module (options, help and action) is loaded only when that command runs or its own
 * help is asked for, with `require(...) as typeof import(...)`: a dynamic `import()` would work
 * under tsx but not in dist/ (esbuild keeps it as a native ESM import; test/cli/bin.test.ts runs
 * the built command). So `ml-gitops --help` loads no command, and `status` loads only status.ts.
 * test/cli/lazy-commands.test.ts proves that each entry's term and summary are exactly what its
 * module registers, so the two cannot drift.
 */
import type { RegisterCommand } from "../exit";

export interface CommandEntry {
  readonly name: string;
  /** The command as the program's `--help` lists it: name, `[options]`, arguments. */
  readonly term: string;
  readonly summary: string;
  load(): RegisterCommand;
}

/** In the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "plan",
    term: "plan [options]",
    summary: "plan every stack offline (no credentials) and check it against the policy pack",
    load: () => (require("./plan") as typeof import("./plan")).registerPlan,
  },
  {
    name: "check",
    term: "check [options] [paths...]",
    summary: "check Kubernetes manifests against the ml-gitops policy pack",
    load: () => (require("./check") as typeof import("./check")).registerCheck,
  },
  {
    name: "status",
    term: "status [options]",
    summary: "every model: stable version, canary version, step and canary traffic",
    load: () => (require("./status") as typeof import("./status")).registerStatus,
  },
  {
    name: "promote",
    term: "promote [options] <model>",
    summary: "start the canary of a new model version at the first rollout step",
    load: () => (require("./promote") as typeof import("./promote")).registerPromote,
  },
  {
    name: "advance",
    term: "advance [options] <model>",
    summary: "move a canary to its next step, or complete it after the last step; a KServe canary leaving an analysis step must pass it first",
    load: () => (require("./advance") as typeof import("./advance")).registerAdvance,
  },
  {
    name: "abort",
    term: "abort [options] <model>",
    summary: "abort a canary: drop the candidate, all traffic back to stable",
    load: () => (require("./abort") as typeof import("./abort")).registerAbort,
  },
  {
    name: "rollback",
    term: "rollback [options] <model>",
    summary: "return stable to the previous (or named) promoted release, as a new commit",
    load: () => (require("./rollback") as typeof import("./rollback")).registerRollback,
  },
  {
    name: "history",
    term: "history [options] <model>",
    summary: "the audit log of a model's promotions, read from git commit trailers",
    load: () => (require("./history") as typeof import("./history")).registerHistory,
  },
  {
    name: "verify",
    term: "verify [options]",
    summary: "check that every release and stable change was made by a matching promotion commit",
    load: () => (require("./verify") as typeof import("./verify")).registerVerify,
  },
];

/** Every subcommand's full registration, each loaded when called (for tests and tools that want them all). */
export const commands: readonly RegisterCommand[] = COMMANDS.map((c): RegisterCommand => (program, setExit) => c.load()(program, setExit));
