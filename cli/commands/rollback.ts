/**
 * `ml-gitops rollback MODEL --env ENV [--to VERSION]`: returns stable to the previous (or the
 * named) release as a new commit. History is never rewritten; the commit names the commit whose
 * result it reverts (`Reverts:`), found through the audit log.
 */
import type { Command } from "commander";
import { commitThatMadeStable, readAudit } from "../../lib/promotion/audit";
import { reportFailure } from "../../lib/promotion/outcome";
import { planRollback, rollbackTarget } from "../../lib/promotion/transitions";
import { runChange } from "../../lib/promotion/workflow";
import { EXIT, type RegisterCommand } from "../exit";
import { printApplied } from "./promote";

interface RollbackOptions {
  env: string;
  to?: string;
  reason?: string;
  commit: boolean;
  sign?: boolean;
  json?: boolean;
  root: string;
}

export const registerRollback: RegisterCommand = (program: Command, setExit) => {
  program
    .command("rollback")
    .description("return stable to the previous (or named) promoted release, as a new commit")
    .argument("<model>", "model name (metadata.name)")
    .requiredOption("--env <env>", "environment: the directory under deployments/")
    .option("--to <version>", "the release to return to (default: the one promoted before the current stable)")
    .option("--reason <text>", "why (kept in the audit log)")
    .option("--no-commit", "write and stage the change without committing (for a pull request)")
    .option("--sign", "sign the commit with your git signing setup (git commit -S; user.signingkey, gpg.format)")
    .option("--json", "print the result as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .action((model: string, opts: RollbackOptions) => {
      try {
        let warning: string | undefined;
        const applied = runChange({ root: opts.root, environment: opts.env, model, commit: opts.commit, sign: opts.sign === true, command: "rollback" }, (d) => {
          const target = rollbackTarget(d, opts.to);
          const stable = d.declaration.spec.stable.version;
          const made = commitThatMadeStable(readAudit(opts.root, { model, environment: opts.env }), stable);
          if (!made) warning = `no promotion commit for ${stable} found in history (it predates ml-gitops); the commit has no Reverts trailer`;
          return planRollback(d, target, { ...(made ? { reverts: made.commit } : {}), ...(opts.reason !== undefined ? { reason: opts.reason } : {}) });
        });
        if (warning) process.stderr.write(`ml-gitops rollback: warning: ${warning}\n`);
        printApplied(applied, opts.json);
        setExit(EXIT.ok);
      } catch (err) {
        reportFailure("rollback", err, setExit);
      }
    });
};
