/**
 * `ml-gitops plan`: the offline plan of every stack, the project's main job and the CI gate.
 * Needs no cloud credentials and no Pulumi CLI: the real program runs under the mock runtime.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseStackConfig } from "../../lib/config/stack-config";
import { readStackFile } from "../../lib/config/stack-file";
import { ValidationError } from "../../lib/errors";
import { OutputError, prepareOutputDir } from "../../lib/output-tree";
import { loadPackConfig, type PackConfig } from "../../plan/policy/evaluate";
import { GitError, tryGit } from "../../lib/promotion/git";
import { EXIT, type RegisterCommand } from "../exit";

/** CI systems set CI (GitHub Actions, GitLab, Buildkite, CircleCI...); "false" and "0" mean not CI. */
function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && v !== "" && v !== "false" && v !== "0";
}

/** Environments a planned stack serves with requireSignedCommits: there, promotion commits must be signed. */
function signedEnvironments(root: string, plans: readonly { stack: string }[]): Set<string> {
  const out = new Set<string>();
  for (const p of plans) {
    const file = readStackFile(root, p.stack);
    const config = parseStackConfig(file.config, { stack: p.stack, file: file.file }, file.secretKeys);
    if (config.role === "cluster" && config.gitops.signing) out.add(config.environment);
  }
  return out;
}

/**
 * The promotion-record check of `ml-gitops verify`, as part of the plan: every violation is
 * printed to stderr and counts as a mandatory one. Outside a git checkout there is no history to
 * check; a shallow clone lacks it, which is said and skipped (fetch-depth: 0 enables the check).
 * The verify command is loaded only here: it reads declarations with the yaml library, which a
 * plan without the check never needs.
 */
function verifyHistory(root: string, requireSignaturesIn: ReadonlySet<string>): number {
  const { formatViolation, verifyRepository } = require("./verify") as typeof import("./verify");
  if (!tryGit(root, ["rev-parse", "--show-toplevel"]).ok) return 0;
  const shallow = tryGit(root, ["rev-parse", "--is-shallow-repository"]);
  if (shallow.ok && shallow.stdout.trim() === "true") {
    process.stderr.write("ml-gitops plan: warning: shallow clone, promotion history not verified; fetch the full history (fetch-depth: 0) to verify it\n");
    return 0;
  }
  const violations = verifyRepository(root, { requireSignaturesIn });
  for (const v of violations) process.stderr.write(`ml-gitops plan: MANDATORY promotion-record: ${formatViolation(v)}\n`);
  return violations.length;
}

interface PlanFlags {
  verifyHistory?: boolean;
  stack: string[];
  out?: string;
  json?: boolean;
  policyConfig?: string;
}

export const registerPlan: RegisterCommand = (program: Command, setExit) => {
  program
    .command("plan")
    .description("plan every stack offline (no credentials) and check it against the policy pack")
    .option("-s, --stack <name>", "plan this stack (repeatable); referenced stacks are planned first", (v, all: string[]) => [...all, v], [])
    .option("-o, --out <dir>", "write <dir>/<stack>/plan.json, manifests/, gitops/ and <dir>/summary.md")
    .option("--json", "print the plan documents as JSON instead of the summary")
    .option("--policy-config <file>", "policy pack config, as for pulumi preview --policy-pack-config")
    .option("--verify-history", "also run ml-gitops verify over deployments/ (always on when CI is set, inside a git checkout)")
    .action(async (flags: PlanFlags) => {
      // Loaded here, not at start-up: the plan needs the Pulumi SDK and providers, which every
      // other command (and --help) would otherwise pay for.
      // require, not import(): dist/ is CommonJS, where a dynamic import() is resolved as ESM
      // (extensions required) and would not find these modules.
      const { planStacks } = require("../../plan/plan") as typeof import("../../plan/plan");
      const { ProgramError } = require("../../plan/run-program") as typeof import("../../plan/run-program");
      const { mandatoryCount, planDocument, summaryText, writePlan } = require("../../plan/report") as typeof import("../../plan/report");
      const out = (text: string) => process.stdout.write(`${text}\n`);
      let packConfig: PackConfig = {};
      try {
        if (flags.policyConfig) packConfig = loadPackConfig(flags.policyConfig);
        if (flags.out) prepareOutputDir(flags.out);
        const plans = await planStacks({
          root: process.cwd(),
          stacks: flags.stack,
          packConfig,
          onStack: (p, i, total) => {
            if (flags.json) return;
            const mandatory = p.violations.filter((v) => v.level === "mandatory").length;
            out(`[${i + 1}/${total}] ${p.stack}: ${p.resources.length} resources, ${mandatory} mandatory / ${p.violations.length - mandatory} advisory violations`);
          },
        });
        if (flags.out) writePlan(resolve(flags.out), plans);
        if (flags.json) out(JSON.stringify(plans.map(planDocument), null, 2));
        else {
          for (const p of plans) out(`\n${summaryText(p)}`);
          if (flags.out) out(`\nwrote ${resolve(flags.out)}/summary.md and one directory per stack`);
        }
        const forged = flags.verifyHistory || inCi() ? verifyHistory(process.cwd(), signedEnvironments(process.cwd(), plans)) : 0;
        const mandatory = mandatoryCount(plans) + forged;
        if (!flags.json) out(mandatory === 0 ? `\nplan: ${plans.length} stacks, no mandatory violations` : `\nplan: ${mandatory} mandatory violation(s)`);
        setExit(mandatory === 0 ? EXIT.ok : EXIT.refused);
      } catch (err) {
        if (err instanceof ValidationError || err instanceof ProgramError || err instanceof OutputError || err instanceof GitError) {
          process.stderr.write(`ml-gitops plan: ${err.message}\n`);
          setExit(EXIT.usage);
          return;
        }
        throw err;
      }
    });
};
