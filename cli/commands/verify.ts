/**
 * `ml-gitops verify [--env ENV] [--since REV] [--require-signatures]`: checks that every
 * `releases` entry and every change of `stable` was made by a promotion commit whose trailers
 * match (lib/promotion/verify.ts). Exit 0 clean, 1 on any violation, 2 when git can't answer.
 */
import type { Command } from "commander";
import { assertName } from "../../lib/names";
import { assertRepository, GitError, tryGit } from "../../lib/promotion/git";
import { reportFailure } from "../../lib/promotion/outcome";
import { verifyDeclaration, type VerifyOptions, type VerifyViolation } from "../../lib/promotion/verify";
import { interruptedNotice } from "../../lib/promotion/workflow";
import { EXIT, type RegisterCommand } from "../exit";
import { modelStatuses } from "./status";

/** Every declaration's violations. @throws GitError (shallow clone, unknown --since, git failing) */
export function verifyRepository(root: string, options: VerifyOptions & { environment?: string; requireSignaturesIn?: ReadonlySet<string> } = {}): VerifyViolation[] {
  assertRepository(root);
  const shallow = tryGit(root, ["rev-parse", "--is-shallow-repository"]);
  if (shallow.ok && shallow.stdout.trim() === "true") {
    throw new GitError("this is a shallow clone, so the history that proves each release is missing; fetch it (git fetch --unshallow, or fetch-depth: 0 in actions/checkout) and run again");
  }
  if (options.since !== undefined && !tryGit(root, ["rev-parse", "--verify", "-q", `${options.since}^{commit}`]).ok) {
    throw new GitError(`--since ${options.since} is not a commit of this repository`);
  }
  const out: VerifyViolation[] = [];
  for (const s of modelStatuses(root, options.environment)) {
    const requireSignatures = options.requireSignatures === true || options.requireSignaturesIn?.has(s.environment) === true;
    const found = verifyDeclaration(root, s.file, { model: s.model, environment: s.environment }, { ...(options.since !== undefined && { since: options.since }), requireSignatures });
    if (typeof found === "string") throw new GitError(`git log -- ${s.file} failed: ${found}`);
    out.push(...found);
  }
  return out;
}

export function formatViolation(v: VerifyViolation): string {
  return `${v.file}: ${v.message}`;
}

export const registerVerify: RegisterCommand = (program: Command, setExit) => {
  program
    .command("verify")
    .description("check that every release and stable change was made by a matching promotion commit")
    .option("--env <env>", "only this environment (default: every environment)")
    .option("--since <rev>", "verify every declaration from this commit on (default: from each declaration's first promotion commit)")
    .option("--require-signatures", "promotion commits that change stable or releases must carry a good signature (git verify-commit)")
    .option("--json", "print the violations as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .action((opts: { env?: string; since?: string; requireSignatures?: boolean; json?: boolean; root: string }) => {
      try {
        if (opts.env !== undefined) assertName("environment", "--env", opts.env);
        const notice = interruptedNotice(opts.root);
        if (notice) process.stderr.write(`ml-gitops verify: warning: ${notice}\n`);
        const violations = verifyRepository(opts.root, {
          ...(opts.env !== undefined ? { environment: opts.env } : {}),
          ...(opts.since !== undefined ? { since: opts.since } : {}),
          ...(opts.requireSignatures ? { requireSignatures: true } : {}),
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(violations, null, 2)}\n`);
        else {
          for (const v of violations) process.stdout.write(`${formatViolation(v)}\n`);
          process.stdout.write(violations.length === 0 ? "verify: every release and stable change was made by a matching promotion commit\n" : `verify: ${violations.length} violation(s)\n`);
        }
        setExit(violations.length === 0 ? EXIT.ok : EXIT.refused);
      } catch (err) {
        reportFailure("verify", err, setExit);
      }
    });
};
