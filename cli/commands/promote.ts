/**
 * `ml-gitops promote MODEL --env ENV --version V --uri URI`: starts the canary of a new candidate
 * at the first rollout step, after checking its artifacts, its evaluation results and its
 * approvals. One commit (or, with --no-commit, a staged change for a pull request).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { ValidationError } from "../../lib/errors";
import { parseEvaluation } from "../../lib/promotion/evaluation-file";
import { reportFailure } from "../../lib/promotion/outcome";
import { now as clock } from "../../lib/clock";
import { planPromote } from "../../lib/promotion/transitions";
import { waveContext } from "../../lib/promotion/waves";
import { runChange, type Applied } from "../../lib/promotion/workflow";
import { EXIT, type RegisterCommand } from "../exit";

interface PromoteOptions {
  env: string;
  version: string;
  uri: string;
  image?: string;
  approvedBy: string[];
  evaluation?: string;
  commit: boolean;
  sign?: boolean;
  json?: boolean;
  root: string;
  policyConfig?: string;
}

/** --policy-config, else the repository's policies/config.json when it has one, else the pack's defaults. */
function artifactOptions(opts: PromoteOptions): ReturnType<typeof import("../../plan/policy/config").artifactOptionsOf> {
  // Loaded when promote runs: the pack config's validator (ajv) is not worth loading for --help.
  // require, not import(): dist/ is CommonJS, where import() resolves as ESM and would not find it.
  const { artifactOptionsOf, loadPackConfig } = require("../../plan/policy/config") as typeof import("../../plan/policy/config");
  const file = opts.policyConfig ?? path.join(opts.root, "policies", "config.json");
  return artifactOptionsOf(opts.policyConfig !== undefined || existsSync(file) ? loadPackConfig(path.resolve(file)) : {});
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function readEvaluation(file: string): ReturnType<typeof parseEvaluation> {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), "utf8");
  } catch (err) {
    throw new ValidationError(`evaluation results ${file}`, [{ file, path: "--evaluation", value: file, message: `cannot be read: ${(err as Error).message}`, fix: "Pass the JSON file the evaluation job wrote" }]);
  }
  return parseEvaluation(text, file);
}

/** One line for people; `--json` prints the same facts as an object. */
export function describeApplied(a: Applied): string {
  if (a.commit !== undefined) return `${a.subject}\ncommitted ${a.commit.slice(0, 12)}\n`;
  // The trailers are the record: a commit without them is a hand edit to history and verify.
  return `${a.subject}\nstaged ${a.file} (not committed); commit it with this message, keeping the trailers (git commit -F <file>), and merge it without squashing:\n\n${a.message ?? ""}`;
}

export function printApplied(a: Applied, json: boolean | undefined): void {
  process.stdout.write(json ? `${JSON.stringify(a, null, 2)}\n` : describeApplied(a));
}

export const registerPromote: RegisterCommand = (program: Command, setExit) => {
  program
    .command("promote")
    .description("start the canary of a new model version at the first rollout step")
    .argument("<model>", "model name (metadata.name)")
    .requiredOption("--env <env>", "environment: the directory under deployments/")
    .requiredOption("--version <version>", "version label of the candidate, e.g. v3.2.0")
    .requiredOption("--uri <uri>", "immutable artifact URI (content digest, commit SHA or image digest)")
    .option("--image <image>", "serving image pinned by digest (default: the stable's image)")
    .option("--approved-by <name>", "an approver from spec.promotion.approvals.approvers (repeatable)", collect, [])
    .option("--evaluation <file>", 'evaluation results JSON: { "metrics": { "<metric>": <number> } }')
    .option("--no-commit", "write and stage the change without committing (for a pull request)")
    .option("--sign", "sign the commit with your git signing setup (git commit -S; user.signingkey, gpg.format)")
    .option("--json", "print the result as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .option("--policy-config <file>", "policy pack config whose model-artifact-immutable options (allowedBuckets) the URI must meet (default: <root>/policies/config.json when present)")
    .action(async (model: string, opts: PromoteOptions) => {
      try {
        const evaluation = opts.evaluation !== undefined ? readEvaluation(opts.evaluation) : undefined;
        // The same predicate and config as the pack, so promote never commits what plan refuses.
        const options = artifactOptions(opts);
        const now = clock();
        const applied = runChange({ root: opts.root, environment: opts.env, model, commit: opts.commit, sign: opts.sign === true, command: "promote" }, (d) =>
          planPromote(d, { version: opts.version, uri: opts.uri, ...(opts.image !== undefined ? { image: opts.image } : {}), approvedBy: opts.approvedBy, artifactOptions: options, ...(evaluation !== undefined ? { evaluation } : {}) }, now, waveContext(opts.root, d)),
        );
        printApplied(applied, opts.json);
        setExit(EXIT.ok);
      } catch (err) {
        reportFailure("promote", err, setExit);
      }
    });
};
