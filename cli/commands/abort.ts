/** `ml-gitops abort MODEL --env ENV --reason TEXT`: drops the candidate; all traffic returns to stable, in every region wave at once. */
import type { Command } from "commander";
import { reportFailure } from "../../lib/promotion/outcome";
import { planAbort } from "../../lib/promotion/transitions";
import { runChange } from "../../lib/promotion/workflow";
import { waveContext } from "../../lib/promotion/waves";
import { EXIT, type RegisterCommand } from "../exit";
import { printApplied } from "./promote";

export const registerAbort: RegisterCommand = (program: Command, setExit) => {
  program
    .command("abort")
    .description("abort a canary: drop the candidate, all traffic back to stable")
    .argument("<model>", "model name (metadata.name)")
    .requiredOption("--env <env>", "environment: the directory under deployments/")
    .requiredOption("--reason <text>", "why the canary is aborted (kept in the audit log)")
    .option("--no-commit", "write and stage the change without committing (for a pull request)")
    .option("--sign", "sign the commit with your git signing setup (git commit -S; user.signingkey, gpg.format)")
    .option("--json", "print the result as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .action((model: string, opts: { env: string; reason: string; commit: boolean; sign?: boolean; json?: boolean; root: string }) => {
      try {
        printApplied(runChange({ root: opts.root, environment: opts.env, model, commit: opts.commit, sign: opts.sign === true, command: "abort" }, (d) => planAbort(d, opts.reason, waveContext(opts.root, d))), opts.json);
        setExit(EXIT.ok);
      } catch (err) {
        reportFailure("abort", err, setExit);
      }
    });
};
