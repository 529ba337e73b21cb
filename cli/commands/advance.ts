/**
 * `ml-gitops advance MODEL --env ENV`: moves the canary to its next rollout step; after the last
 * step the candidate becomes stable and is recorded in `releases`. One commit per step.
 */
import type { Command } from "commander";
import { reportFailure } from "../../lib/promotion/outcome";
import { planAdvance } from "../../lib/promotion/transitions";
import { runChange } from "../../lib/promotion/workflow";
import { EXIT, type RegisterCommand } from "../exit";
import { printApplied } from "./promote";

export const registerAdvance: RegisterCommand = (program: Command, setExit) => {
  program
    .command("advance")
    .description("move a canary to its next step, or complete it after the last step")
    .argument("<model>", "model name (metadata.name)")
    .requiredOption("--env <env>", "environment: the directory under deployments/")
    .option("--no-commit", "write and stage the change without committing (for a pull request)")
    .option("--sign", "sign the commit with your git signing setup (git commit -S; user.signingkey, gpg.format)")
    .option("--json", "print the result as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .action((model: string, opts: { env: string; commit: boolean; sign?: boolean; json?: boolean; root: string }) => {
      try {
        const now = new Date();
        printApplied(runChange({ root: opts.root, environment: opts.env, model, commit: opts.commit, sign: opts.sign === true, command: "advance" }, (d) => planAdvance(d, now)), opts.json);
        setExit(EXIT.ok);
      } catch (err) {
        reportFailure("advance", err, setExit);
      }
    });
};
