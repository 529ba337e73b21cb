/**
 * `ml-gitops status [--env ENV]`: every model, its stable version and its canary: the step it
 * stands at, its traffic share and where that traffic goes, and what gates leaving the step.
 * A model with region waves gets one line per region under the table: the wave it is in, or when
 * it may start (its soak measured from the commit that completed the previous wave).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { DEPLOYMENTS_DIR, loadDeployments } from "../../lib/deployments/loader";
import { reportFailure } from "../../lib/promotion/outcome";
import { analysisGate, thresholdSummary, trafficPath } from "../../lib/analysis/gating";
import { describeStep, weightAt } from "../../lib/promotion/steps";
import { CLI_CONTEXT, interruptedNotice } from "../../lib/promotion/workflow";
import { regionWaves, waveContext, type RegionWave } from "../../lib/promotion/waves";
import { now as clock } from "../../lib/clock";
import { EXIT, type RegisterCommand } from "../exit";

export interface ModelStatus {
  environment: string;
  model: string;
  file: string;
  stable: string;
  canary?: {
    version: string;
    /** 1-based, as people count. */
    step: number;
    steps: number;
    trafficPercent: number;
    /** What the current step does, e.g. `analysis slo`. */
    at: string;
    /** Where the candidate's share goes and who moves it (KServe: the HTTPRoute git owns). */
    route: string;
    /** What must pass before the canary leaves this step, when it is an analysis. */
    gate?: string;
  };
  /** With region waves (`spec.rollout.waves`): where each region (cluster) stands, in wave order. */
  waves?: RegionWave[];
}

export function modelStatuses(root: string, environment?: string, now: Date = clock()): ModelStatus[] {
  const base = path.join(root, DEPLOYMENTS_DIR);
  const environments =
    environment !== undefined ? [environment] : existsSync(base) ? readdirSync(base).filter((e) => statSync(path.join(base, e)).isDirectory()).sort() : [];
  return environments.flatMap((env) =>
    loadDeployments(root, env, CLI_CONTEXT).map((d): ModelStatus => {
      const { spec, metadata } = d.declaration;
      const status: ModelStatus = { environment: env, model: metadata.name, file: d.file, stable: spec.stable.version };
      if (spec.candidate) {
        const steps = spec.rollout.steps;
        const step = steps[spec.candidate.step]!;
        const path = trafficPath(d.declaration, CLI_CONTEXT.defaultKServeMode);
        const analysis = step.analysis !== undefined ? spec.rollout.analysis[step.analysis] : undefined;
        status.canary = {
          version: spec.candidate.version,
          step: spec.candidate.step + 1,
          steps: steps.length,
          trafficPercent: weightAt(steps, spec.candidate.step),
          at: describeStep(step),
          route: `${path.route} (${path.mover})`,
          ...(analysis ? { gate: `${thresholdSummary(analysis)} by ${analysisGate(d.declaration)}` } : {}),
        };
      }
      const context = waveContext(root, d);
      if (context) status.waves = regionWaves(d, context.waves, now, context);
      return status;
    }),
  );
}

function table(rows: readonly ModelStatus[]): string {
  const cells = [
    ["ENVIRONMENT", "MODEL", "STABLE", "CANARY", "STEP", "AT", "GATE", "TRAFFIC", "ROUTE"],
    ...rows.map((r) => [
      r.environment,
      r.model,
      r.stable,
      r.canary?.version ?? "-",
      r.canary ? `${r.canary.step}/${r.canary.steps}` : "-",
      r.canary?.at ?? "-",
      r.canary?.gate ?? "-",
      r.canary ? `${r.canary.trafficPercent}%` : "-",
      r.canary?.route ?? "-",
    ]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

/** Under the table, for each model with region waves: one line per region (cluster). */
export function waveLines(rows: readonly ModelStatus[]): string {
  return rows
    .filter((r) => r.waves !== undefined)
    .map((r) => `\n${r.model} in ${r.environment}, by region:\n${r.waves!.map((w) => `  ${w.cluster}: ${w.text}\n`).join("")}`)
    .join("");
}

export const registerStatus: RegisterCommand = (program: Command, setExit) => {
  program
    .command("status")
    .description("every model: stable version, canary version, step and canary traffic")
    .option("--env <env>", "only this environment (default: every environment)")
    .option("--json", "print the statuses as JSON")
    .option("--root <dir>", "the git repository holding deployments/", process.cwd())
    .action((opts: { env?: string; json?: boolean; root: string }) => {
      try {
        const notice = interruptedNotice(opts.root);
        if (notice) process.stderr.write(`ml-gitops status: warning: ${notice}\n`);
        const rows = modelStatuses(opts.root, opts.env);
        process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${table(rows)}\n${waveLines(rows)}`);
        setExit(EXIT.ok);
      } catch (err) {
        reportFailure("status", err, setExit);
      }
    });
};
