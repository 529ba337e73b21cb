/**
 * `ml-gitops advance MODEL --env ENV`: moves the canary to its next rollout step; after the last
 * step the candidate becomes stable and is recorded in `releases`. One commit per step.
 *
 * A KServe canary leaving an analysis step is gated here (Argo Rollouts gates vLLM canaries in
 * the cluster): the step's analysis runs against every `--prometheus` given, and only a pass is
 * committed, with the measurements as `Analysis:` trailers. A fail or an inconclusive result
 * (no traffic reached the candidate) refuses with exit 1 and writes nothing; a Prometheus that
 * cannot answer is exit 2.
 *
 * With region waves (`spec.rollout.waves`) the steps are walked once per wave; after a wave's last
 * step the next advance starts the next wave, once the finished wave's soak has passed since the
 * commit that finished it (lib/promotion/waves.ts). The gate measures the current wave's clusters:
 * name their Prometheus only.
 */
import type { Command } from "commander";
import { evidenceTrailers, runGate, type GateResult } from "../../lib/analysis/gate";
import { PrometheusError } from "../../lib/analysis/prometheus";
import { prometheusAddress } from "../../lib/contracts/monitoring";
import { ValidationError } from "../../lib/errors";
import { reportFailure } from "../../lib/promotion/outcome";
import { stepLabel } from "../../lib/promotion/steps";
import { gatedAnalysis, planAdvance, PromotionRefused, type GateEvidence } from "../../lib/promotion/transitions";
import { findDeployment, runChange } from "../../lib/promotion/workflow";
import { waveContext, wavesOf } from "../../lib/promotion/waves";
import { now as clock } from "../../lib/clock";
import { EXIT, type RegisterCommand } from "../exit";
import { printApplied } from "./promote";

/** Where the gate finds Prometheus when `--prometheus` is not given: a comma-separated list. */
export const PROMETHEUS_ENV = "ML_GITOPS_PROMETHEUS";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The addresses to query, by the contracts' one rule (lib/contracts/monitoring.ts prometheusAddress). @throws ValidationError */
function prometheusUrls(flags: readonly string[]): string[] {
  const fromEnv = (process.env[PROMETHEUS_ENV] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const [urls, path] = flags.length > 0 ? [flags, "--prometheus"] : [fromEnv, PROMETHEUS_ENV];
  const checked = urls.map((u) => prometheusAddress(u, path, "http://127.0.0.1:9090 (kubectl -n monitoring port-forward svc/kube-prometheus-stack-prometheus 9090)"));
  const problems = checked.flatMap((c) => ("problem" in c ? [c.problem] : []));
  if (problems.length > 0) throw new ValidationError("advance", problems);
  return checked.flatMap((c) => ("address" in c ? [c.address] : []));
}

/** Runs the gate for the step being left, or returns undefined when the step needs none. @throws PromotionRefused, ValidationError, PrometheusError */
async function gate(root: string, env: string, model: string, flags: readonly string[]): Promise<GateEvidence | undefined> {
  const d = findDeployment(root, env, model);
  const analysis = gatedAnalysis(d);
  const candidate = d.declaration.spec.candidate;
  if (analysis === undefined || !candidate) return undefined;
  const steps = d.declaration.spec.rollout.steps.length;
  const urls = prometheusUrls(flags);
  // With region waves only the current wave's clusters serve the candidate at this step: the
  // other clusters' Prometheus would see no candidate traffic (an inconclusive analysis).
  const waves = wavesOf(root, d);
  const wave = waves?.[(candidate.wave ?? 1) - 1];
  const whichClusters = waves && wave ? `wave ${wave.number}/${waves.length} of ${env} (${wave.clusters.map((c) => `${c.stack} in ${c.region}`).join(", ")}), and only those` : env;
  if (urls.length === 0) {
    throw new ValidationError(`advance ${model} in ${env}`, [
      {
        path: "--prometheus",
        message: `step ${stepLabel(candidate.step, steps)} is analysis ${analysis}, which ml-gitops runs for KServe canaries, and no Prometheus was named`,
        fix: `Name each cluster's Prometheus serving ${whichClusters}: --prometheus URL (repeatable) or ${PROMETHEUS_ENV}=URL[,URL]; for example kubectl -n monitoring port-forward svc/kube-prometheus-stack-prometheus 9090 and --prometheus http://127.0.0.1:9090.`,
      },
    ]);
  }
  const result: GateResult = await runGate(d.declaration, candidate, analysis, urls);
  const trailers = evidenceTrailers(result);
  if (result.verdict !== "Successful") {
    const why =
      result.verdict === "Failed"
        ? `analysis ${analysis} failed: the candidate breaks its thresholds`
        : `analysis ${analysis} is inconclusive: no traffic reached ${candidate.version} in the analysis window (an empty or NaN measurement is neither a pass nor a failure); send it traffic, or abort`;
    throw new PromotionRefused(`advance ${model} in ${env}`, [`${why}; nothing was written`, ...trailers.map((t) => `measured: ${t}`)]);
  }
  return { step: candidate.step, candidateVersion: candidate.version, trailers };
}

export const registerAdvance: RegisterCommand = (program: Command, setExit) => {
  program
    .command("advance")
    .description("move a canary to its next step, or complete it after the last step; a KServe canary leaving an analysis step must pass it first")
    .argument("<model>", "model name (metadata.name)")
    .requiredOption("--env <env>", "environment: the directory under deployments/")
    .option("--prometheus <url>", `Prometheus the KServe analysis gate queries, one per cluster serving the environment (repeatable; default: $${PROMETHEUS_ENV}, comma-separated)`, collect, [])
    .option("--no-commit", "write and stage the change without committing (for a pull request)")
    .option("--sign", "sign the commit with your git signing setup (git commit -S; user.signingkey, gpg.format)")
    .option("--json", "print the result as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .action(async (model: string, opts: { env: string; prometheus: string[]; commit: boolean; sign?: boolean; json?: boolean; root: string }) => {
      try {
        const evidence = await gate(opts.root, opts.env, model, opts.prometheus);
        const now = clock();
        printApplied(runChange({ root: opts.root, environment: opts.env, model, commit: opts.commit, sign: opts.sign === true, command: "advance" }, (d) => planAdvance(d, now, evidence, waveContext(opts.root, d))), opts.json);
        setExit(EXIT.ok);
      } catch (err) {
        if (err instanceof PrometheusError) {
          process.stderr.write(`ml-gitops advance: ${err.message}; nothing was written. The analysis could not run, so the canary stays where it is.\n`);
          setExit(EXIT.usage);
          return;
        }
        reportFailure("advance", err, setExit);
      }
    });
};
