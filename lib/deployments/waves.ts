/**
 * Region waves (`spec.rollout.waves`): a production canary that crosses the environment's
 * clusters one wave at a time. Pure: the clusters come from lib/config/environment-clusters.ts,
 * times from the caller.
 *
 *     waves: [{ clusters: [us-east-1], soak: 2h }, { clusters: [eu-west-1] }]
 *     candidate: { ..., step: 3, wave: 1 }
 *
 * Where a cluster stands while `candidate.wave` is w (1-based):
 * - its wave  < w: **completed**: the candidate is rendered at the last step of `rollout.steps`
 *   (its final weight, normally 100%), still as a canary: the stable stays rendered beside it,
 *   so an `abort` in a later wave returns these clusters to stable with no new stable to undo;
 *   the promotion completes (stable = candidate) everywhere at once, with the last step of the
 *   last wave.
 * - its wave == w: **current**: the candidate at `candidate.step`, exactly as without waves.
 * - its wave  > w: **waiting**: rendered exactly as if there were no candidate.
 *
 * Each wave walks every step of `rollout.steps`. The wave's last step completes it; the next
 * `ml-gitops advance` starts the next wave at step 0, once the completed wave's `soak` has passed
 * since the commit that completed it.
 */
import { parseDurationSeconds } from "../predicates/canary-steps";
import type { Candidate, DeclarationSpec } from "./schema";

/** A cluster serving an environment, as read from its stack file (lib/config/environment-clusters.ts). */
export interface EnvironmentCluster {
  /** Stack name, e.g. `prod-us-east-1`. */
  readonly stack: string;
  /** `aws:region` of the stack, e.g. `us-east-1`. */
  readonly region: string;
  /** The stack file, relative to the project root. */
  readonly file: string;
}

/** What a renderer or a status line knows about the cluster it is for. */
export interface ClusterRef {
  readonly stack: string;
  readonly region: string;
}

export interface ResolvedWave {
  /** 1-based. */
  readonly number: number;
  readonly clusters: readonly EnvironmentCluster[];
  /** Regions of the wave's clusters, sorted, each once. */
  readonly regions: readonly string[];
  /** How long the wave's clusters serve the candidate at its last step before the next wave starts; absent on the last wave. */
  readonly soak?: string;
  readonly soakSeconds?: number;
}

type DeclaredWaves = NonNullable<DeclarationSpec["rollout"]["waves"]>;

/** Whether a wave entry (`us-east-1` or `prod-us-east-1`) names the cluster. */
export function namesCluster(entry: string, cluster: ClusterRef): boolean {
  return entry === cluster.region || entry === cluster.stack;
}

/** `prod-us-east-1 (us-east-1)`, for messages. */
export function clusterLabel(c: ClusterRef): string {
  return `${c.stack} (${c.region})`;
}

/** One problem of `spec.rollout.waves` or `spec.candidate.wave`, positioned by key path. */
export interface WaveProblem {
  readonly at: readonly PropertyKey[];
  readonly message: string;
  readonly fix: string;
  readonly value?: { readonly value: unknown };
}

/**
 * Everything wrong with the declared waves of a declaration in `environment`, served by
 * `clusters`: every cluster in exactly one wave, no entry naming nothing, no empty wave, at least
 * two waves, a soak on every wave but the last and none on the last; and the candidate's wave.
 */
export function waveProblems(spec: DeclarationSpec, environment: string, clusters: readonly EnvironmentCluster[]): WaveProblem[] {
  const waves = spec.rollout.waves;
  const out: WaveProblem[] = [];
  const candidate = spec.candidate;
  if (waves === undefined) {
    if (candidate?.wave !== undefined) {
      out.push({ at: ["spec", "candidate", "wave"], message: "has no spec.rollout.waves to count in", fix: "remove it, or declare spec.rollout.waves", value: { value: candidate.wave } });
    }
    return out;
  }
  const at = ["spec", "rollout", "waves"] as const;
  if (waves.length < 2) {
    out.push({
      at,
      message: `has ${waves.length} wave${waves.length === 1 ? "" : "s"}; waves need at least 2 (one wave is every cluster at once, which is what a rollout without waves does)`,
      fix: "add a second wave, or remove spec.rollout.waves",
      value: { value: waves },
    });
  }
  if (clusters.length === 0) {
    out.push({
      at,
      message: `names clusters, but no stack in stacks/ serves environment ${environment}`,
      fix: `add the environment's cluster stacks (stacks/Pulumi.<stack>.yaml with ml-gitops:environment: ${environment} and aws:region), or remove spec.rollout.waves`,
    });
  }
  const known = [...new Set(clusters.map((c) => c.region))].sort().concat(clusters.map((c) => c.stack));
  const owner = new Map<string, { wave: number; entry: string }>();
  waves.forEach((wave, w) => {
    if (wave.clusters.length === 0) {
      out.push({ at: [...at, w, "clusters"], message: `is empty; wave ${w + 1} must name at least one region or stack`, fix: `name a region or stack of ${environment} (${known.join(", ") || "none"}), or remove the wave`, value: { value: wave.clusters } });
    }
    wave.clusters.forEach((entry, e) => {
      const matched = clusters.filter((c) => namesCluster(entry, c));
      if (matched.length === 0 && clusters.length > 0) {
        out.push({
          at: [...at, w, "clusters", e],
          message: `names no cluster of environment ${environment}; its clusters are ${clusters.map(clusterLabel).join(", ")}`,
          fix: `use a region (aws:region of a stack serving ${environment}) or a stack name: ${known.join(", ")}`,
          value: { value: entry },
        });
      }
      for (const c of matched) {
        const first = owner.get(c.stack);
        if (first === undefined) {
          owner.set(c.stack, { wave: w + 1, entry });
          continue;
        }
        out.push({
          at: [...at, w, "clusters", e],
          message:
            first.wave === w + 1
              ? `names ${clusterLabel(c)} again; wave ${w + 1} already has it through "${first.entry}"`
              : `puts ${clusterLabel(c)} in wave ${w + 1}, but wave ${first.wave} already has it (through "${first.entry}"); a cluster is in exactly one wave`,
          fix: first.wave === w + 1 ? "remove one of the two entries" : `remove it from one of waves ${first.wave} and ${w + 1}`,
          value: { value: entry },
        });
      }
    });
    const last = w === waves.length - 1;
    if (last && wave.soak !== undefined) {
      out.push({ at: [...at, w, "soak"], message: "is on the last wave, which has no next wave to wait for (its last step completes the promotion)", fix: "remove it; a soak belongs to the wave whose clusters are watched before the next wave starts", value: { value: wave.soak } });
    } else if (!last && wave.soak === undefined && waves.length >= 2) {
      out.push({
        at: [...at, w],
        message: `has no soak; wave ${w + 2} may start only once wave ${w + 1} has served the candidate at its last step for the soak time`,
        fix: 'add soak: <duration>, e.g. soak: 2h (Argo-style: "30m", "2h", "48h")',
      });
    }
  });
  const unplaced = clusters.filter((c) => !owner.has(c.stack));
  if (unplaced.length > 0 && waves.length > 0) {
    out.push({
      at,
      message: `leaves ${unplaced.map(clusterLabel).join(", ")} of environment ${environment} in no wave, so ${unplaced.length === 1 ? "it" : "they"} would never get the candidate`,
      fix: `add ${unplaced.map((c) => c.region).join(", ")} (or the stack name) to a wave`,
    });
  }
  if (candidate !== undefined) {
    if (candidate.wave === undefined) {
      out.push({ at: ["spec", "candidate", "wave"], message: "is required when spec.rollout.waves is declared: it says which wave the canary is in", fix: "add wave: 1 (ml-gitops promote writes it)" });
    } else if (candidate.wave > waves.length) {
      out.push({
        at: ["spec", "candidate", "wave"],
        message: `is past the last wave (spec.rollout.waves has ${waves.length}, numbered 1–${waves.length})`,
        fix: `use a wave between 1 and ${waves.length}`,
        value: { value: candidate.wave },
      });
    }
  }
  return out;
}

/** The declared waves with their clusters, for a declaration `waveProblems` accepted. */
export function resolveWaves(waves: DeclaredWaves, clusters: readonly EnvironmentCluster[]): ResolvedWave[] {
  return waves.map((wave, i) => {
    const members = clusters.filter((c) => wave.clusters.some((entry) => namesCluster(entry, c)));
    const soakSeconds = wave.soak !== undefined ? parseDurationSeconds(wave.soak) : undefined;
    return {
      number: i + 1,
      clusters: members,
      regions: [...new Set(members.map((c) => c.region))].sort(),
      ...(wave.soak !== undefined ? { soak: wave.soak } : {}),
      ...(soakSeconds !== undefined ? { soakSeconds } : {}),
    };
  });
}

/** The 1-based wave of a cluster, or undefined when no wave names it (a declaration the loader refused). */
export function waveOfCluster(waves: DeclaredWaves, cluster: ClusterRef): number | undefined {
  const i = waves.findIndex((w) => w.clusters.some((entry) => namesCluster(entry, cluster)));
  return i === -1 ? undefined : i + 1;
}

export type WaveState = "completed" | "current" | "waiting";

/** Where one cluster stands in the canary: undefined without waves or without a candidate. */
export function clusterWaveState(spec: DeclarationSpec, cluster: ClusterRef): { wave: number; total: number; state: WaveState } | undefined {
  const waves = spec.rollout.waves;
  const candidate = spec.candidate;
  if (waves === undefined || candidate === undefined) return undefined;
  const wave = waveOfCluster(waves, cluster);
  if (wave === undefined) throw new Error(`${clusterLabel(cluster)} is in no wave of spec.rollout.waves; the loader refuses such a declaration`);
  const current = candidate.wave ?? 1;
  return { wave, total: waves.length, state: wave < current ? "completed" : wave === current ? "current" : "waiting" };
}

/**
 * The candidate as one cluster serves it: unchanged without waves (or without a cluster in view,
 * e.g. a render with no stack); at the last step in a completed wave; none in a waiting wave.
 */
export function candidateOnCluster<C extends Candidate>(spec: DeclarationSpec & { readonly candidate?: C }, cluster: ClusterRef | undefined): C | undefined {
  const candidate = spec.candidate;
  if (candidate === undefined || cluster === undefined || spec.rollout.waves === undefined) return candidate;
  const where = clusterWaveState(spec, cluster)!;
  if (where.state === "waiting") return undefined;
  if (where.state === "completed") return { ...candidate, step: spec.rollout.steps.length - 1 };
  return candidate;
}

/** When the soak of a wave completed at `completedAt` ends. */
export function soakEndsAt(completedAt: Date, soakSeconds: number): Date {
  return new Date(completedAt.getTime() + soakSeconds * 1000);
}

/** Whole seconds left until `end`, never negative. */
export function secondsUntil(now: Date, end: Date): number {
  return Math.max(0, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

/** `1h 5m 3s`, `45m`, `0s`: a remaining time for people, exact to the second. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) parts.push(`${d}d`);
  if (h > 0) parts.push(`${h}h`);
  if (m > 0) parts.push(`${m}m`);
  if (sec > 0 || parts.length === 0) parts.push(`${sec}s`);
  return parts.join(" ");
}
