/**
 * What the promotion commands need to know about a declaration's region waves beyond the file:
 * the clusters each wave names (stacks/), and when the canary's current wave was completed (git).
 *
 * A wave is completed by the commit that moved the candidate to the last step of
 * `rollout.steps` in it (trailers `Wave: w/n` and `Step: k/k`: an `advance`, or the `promote`
 * itself when there is one step). Its committer time starts the soak: the committer time is when
 * the change entered the branch's history (a rebased or cherry-picked commit gets a new one),
 * and the file has no time of its own to trust.
 */
import { clustersOf } from "../config/environment-clusters";
import type { LoadedDeployment } from "../deployments/types";
import { clusterWaveState, formatSeconds, resolveWaves, secondsUntil, soakEndsAt, type ClusterRef, type ResolvedWave } from "../deployments/waves";
import { GitError, head, tryGit } from "./git";
import { parseTrailerLines, readTrailers } from "./message";
import { stepLabel, weightAt } from "./steps";
import { timestamp, type WaveContext } from "./transitions";

/** The declaration's waves with their clusters; undefined when it declares none. */
export function wavesOf(root: string, d: LoadedDeployment): ResolvedWave[] | undefined {
  const waves = d.declaration.spec.rollout.waves;
  return waves === undefined ? undefined : resolveWaves(waves, clustersOf(root, d.environment));
}

const FIELD = "\x1f";
const RECORD = "\x1e";

/**
 * The commit that completed the candidate's current wave, newest first, looking no further back
 * than the commit that promoted this candidate (an earlier, aborted canary of the same version
 * does not count). Undefined when the wave is not completed yet or no commit records it.
 * @throws GitError when git log fails.
 */
export function waveCompletion(root: string, d: LoadedDeployment, total: number): { commit: string; at: Date } | undefined {
  const { spec, metadata } = d.declaration;
  const candidate = spec.candidate;
  if (candidate === undefined) return undefined;
  const steps = spec.rollout.steps.length;
  const wave = `${candidate.wave ?? 1}/${total}`;
  const last = stepLabel(steps - 1, steps);
  const r = tryGit(root, ["log", `--format=%H${FIELD}%cI${FIELD}%(trailers:only,unfold)${RECORD}`, "--", d.file]);
  if (!r.ok) {
    if (head(root) === undefined) return undefined;
    throw new GitError(`git log failed: ${r.stderr.trim()}`);
  }
  for (const record of r.stdout.split(RECORD)) {
    const [commit, committed, trailerText] = record.replace(/^\n/, "").split(FIELD);
    if (!commit || committed === undefined || trailerText === undefined) continue;
    const t = readTrailers(parseTrailerLines(trailerText));
    if (!t || t.model !== metadata.name || t.environment !== d.environment || t.toVersion !== candidate.version) continue;
    if ((t.action === "promote" || t.action === "advance") && t.wave === wave && t.step === last) return { commit, at: new Date(committed) };
    if (t.action === "promote") return undefined;
  }
  return undefined;
}

/** Waves and, for a canary at the last step of a wave that is not the last, when that wave was completed. */
export function waveContext(root: string, d: LoadedDeployment): WaveContext | undefined {
  const waves = wavesOf(root, d);
  if (waves === undefined) return undefined;
  const c = d.declaration.spec.candidate;
  const atLastStep = c !== undefined && c.step === d.declaration.spec.rollout.steps.length - 1;
  const completed = atLastStep ? waveCompletion(root, d, waves.length) : undefined;
  return { waves, ...(completed ? { completed } : {}) };
}

export interface RegionWave {
  /** `us-east-1`, or `prod-us-east-1 (us-east-1)` when the environment has several clusters in that region. */
  readonly cluster: string;
  readonly stack: string;
  readonly region: string;
  readonly wave: number;
  readonly waves: number;
  readonly state: "serving" | "completed" | "waiting" | "ready" | "stable";
  /** One line for people, e.g. `wave 1/2 step 3/9 (25%)` or `waiting (wave 2/2, soak until 2026-…Z, 1h 5m left)`. */
  readonly text: string;
}

/**
 * Where each cluster of a declaration with waves stands, for `status` and the plan's summary:
 * serving the candidate in the current wave, completed (candidate at its last step), waiting
 * for its wave, or ready (its wave may start: the soak has passed). `context.completed` and `now`
 * give the soak's end; without them a waiting wave says how long it soaks instead.
 */
export function regionWaves(d: LoadedDeployment, waves: readonly ResolvedWave[], now: Date, context?: WaveContext): RegionWave[] {
  const { spec } = d.declaration;
  const steps = spec.rollout.steps;
  const all = waves.flatMap((w) => w.clusters);
  const crowded = new Set(all.filter((c, i) => all.findIndex((o) => o.region === c.region) !== i).map((c) => c.region));
  return waves.flatMap((w) =>
    w.clusters.map((c): RegionWave => {
      const cluster = crowded.has(c.region) ? `${c.stack} (${c.region})` : c.region;
      const base = { cluster, stack: c.stack, region: c.region, wave: w.number, waves: waves.length };
      const where = clusterWaveState(spec, c as ClusterRef);
      if (where === undefined) return { ...base, state: "stable", text: `stable (wave ${w.number}/${waves.length})` };
      const candidate = spec.candidate!;
      if (where.state === "completed") return { ...base, state: "completed", text: `wave ${w.number}/${waves.length} complete (${weightAt(steps, steps.length - 1)}%, candidate at its last step)` };
      if (where.state === "current") {
        return { ...base, state: "serving", text: `wave ${w.number}/${waves.length} step ${stepLabel(candidate.step, steps.length)} (${weightAt(steps, candidate.step)}%)` };
      }
      const previous = waves[w.number - 2]!;
      const soakingNow = w.number === (candidate.wave ?? 1) + 1 && candidate.step === steps.length - 1;
      if (soakingNow && context?.completed) {
        const ends = soakEndsAt(context.completed.at, previous.soakSeconds ?? 0);
        const left = secondsUntil(now, ends);
        if (left === 0) return { ...base, state: "ready", text: `ready (wave ${w.number}/${waves.length}, soak ended ${timestamp(ends)}; ml-gitops advance starts it)` };
        return { ...base, state: "waiting", text: `waiting (wave ${w.number}/${waves.length}, soak until ${timestamp(ends)}, ${formatSeconds(left)} left)` };
      }
      return { ...base, state: "waiting", text: `waiting (wave ${w.number}/${waves.length}, starts ${previous.soak} after wave ${previous.number} completes)` };
    }),
  );
}
