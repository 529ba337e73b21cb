/**
 * `ml-gitops history MODEL [--env ENV]`: the model's audit log from git, newest first. Built from
 * commit trailers only (see lib/promotion/message.ts), never from subjects or bodies.
 */
import type { Command } from "commander";
import { readAudit, type AuditEntry } from "../../lib/promotion/audit";
import { assertName } from "../../lib/names";
import { assertRepository } from "../../lib/promotion/git";
import { reportFailure } from "../../lib/promotion/outcome";
import { interruptedNotice } from "../../lib/promotion/workflow";
import { EXIT, type RegisterCommand } from "../exit";

export function formatEntry(e: AuditEntry): string {
  const parts = [
    e.date,
    e.author,
    e.environment,
    e.action,
    `${e.fromVersion ?? "?"} -> ${e.toVersion ?? "?"}`,
    e.step !== undefined ? `step ${e.step}` : undefined,
    e.wave !== undefined ? `wave ${e.wave}` : undefined,
    e.regions !== undefined ? `${e.regions.length === 1 ? "region" : "regions"} ${e.regions.join(", ")}` : undefined,
    e.approvedBy !== undefined ? `approved by ${e.approvedBy.join(", ")}` : undefined,
    e.evaluation !== undefined ? `evaluation ${e.evaluation}` : undefined,
    e.reason !== undefined ? `reason: ${e.reason}` : undefined,
    e.reverts !== undefined ? `reverts ${e.reverts.slice(0, 12)}` : undefined,
    `commit ${e.commit.slice(0, 12)}`,
    e.signature === "none" ? undefined : `signature ${e.signature}`,
  ];
  return parts.filter((p) => p !== undefined).join("  ");
}

export const registerHistory: RegisterCommand = (program: Command, setExit) => {
  program
    .command("history")
    .description("the audit log of a model's promotions, read from git commit trailers")
    .argument("<model>", "model name (metadata.name)")
    .option("--env <env>", "only this environment (default: every environment)")
    .option("--json", "print the entries as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .action((model: string, opts: { env?: string; json?: boolean; root: string }) => {
      try {
        if (opts.env !== undefined) assertName("environment", "--env", opts.env);
        assertRepository(opts.root);
        const notice = interruptedNotice(opts.root);
        if (notice) process.stderr.write(`ml-gitops history: warning: ${notice}\n`);
        const entries = readAudit(opts.root, { model, ...(opts.env !== undefined ? { environment: opts.env } : {}) });
        if (opts.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        else if (entries.length === 0) process.stdout.write(`no promotion commits for ${model}${opts.env ? ` in ${opts.env}` : ""}\n`);
        else for (const e of entries) process.stdout.write(`${formatEntry(e)}\n`);
        setExit(EXIT.ok);
      } catch (err) {
        reportFailure("history", err, setExit);
      }
    });
};
