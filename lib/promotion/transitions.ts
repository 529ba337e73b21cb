/**
 * The promotion state machine, as pure functions from a loaded declaration to a change: the
 * YAML edits, the commit subject and the trailers. Nothing here reads files or runs git.
 *
 *     (no candidate) --promote--> candidate at step 0 --advance--> ... step n-1 --advance--> complete:
 *                                        |                                        stable = candidate,
 *                                        +--abort--> (no candidate)               appended to releases
 *     stable = releases[k] --rollback [--to V]--> stable = releases[k-1] (or V); releases unchanged
 *
 * Refusals are collected and thrown together as `PromotionRefused` (exit 1).
 */
import type { Artifact, Engine, LoadedDeployment, Release } from "../deployments/types";
import type { ArtifactUriOptions } from "../predicates/artifact-uri";
import { approvalRefusals, artifactRefusals, criteriaMisses, evaluationSummary, type Metrics } from "./checks";
import { oneLine, type Action, type Trailers } from "./message";
import { stepLabel, weightAt } from "./steps";
import { formatSeconds, secondsUntil, soakEndsAt, type ResolvedWave } from "../deployments/waves";
import type { Edit } from "./yaml-edit";

export class PromotionRefused extends Error {
  readonly subject: string;
  readonly reasons: readonly string[];
  constructor(subject: string, reasons: readonly string[]) {
    super(`${subject}: refused\n${reasons.map((r) => `  - ${r}`).join("\n")}`);
    this.name = "PromotionRefused";
    this.subject = subject;
    this.reasons = reasons;
  }
}

/** What a command does to one declaration. */
export interface Change {
  readonly action: Action;
  readonly edits: readonly Edit[];
  readonly subject: string;
  readonly trailers: Trailers;
  /** Traffic share of the candidate after the change (0 when none). */
  readonly canaryWeightPercent: number;
}

const STABLE = ["spec", "stable"] as const;
const CANDIDATE = ["spec", "candidate"] as const;

/** Seconds precision: the schema's datetime and people reading the file need no milliseconds. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function artifactOf(a: Artifact): Artifact {
  return a.image !== undefined ? { version: a.version, uri: a.uri, image: a.image } : { version: a.version, uri: a.uri };
}

function who(d: LoadedDeployment): string {
  return `${d.declaration.metadata.name} in ${d.environment}`;
}

function refuseIf(d: LoadedDeployment, action: Action, reasons: readonly string[]): void {
  if (reasons.length > 0) throw new PromotionRefused(`${action} ${who(d)}`, reasons);
}

function canaryInProgress(d: LoadedDeployment): string | undefined {
  const c = d.declaration.spec.candidate;
  if (!c) return undefined;
  const steps = d.declaration.spec.rollout.steps;
  const waves = d.declaration.spec.rollout.waves;
  const wave = waves !== undefined ? ` of wave ${c.wave ?? 1}/${waves.length}` : "";
  return `${c.version} is in canary at step ${stepLabel(c.step, steps.length)}${wave} (${weightAt(steps, c.step)}%)`;
}

/**
 * The region waves of a declaration that declares them, with their clusters
 * (lib/promotion/waves.ts wavesOf), and for an advance the commit that completed the canary's
 * current wave, found in git by its trailers: the soak is measured from its committer time.
 */
export interface WaveContext {
  readonly waves: readonly ResolvedWave[];
  readonly completed?: { readonly commit: string; readonly at: Date };
}

/** `1/2 us-east-1`, for subjects. */
function waveLabel(wave: ResolvedWave, total: number): string {
  return `wave ${wave.number}/${total} ${wave.regions.join(", ")}`;
}

/** The waves, for a declaration that declares them; a caller that forgot them is a bug, not bad input. */
function wavesFor(d: LoadedDeployment, context: WaveContext | undefined): readonly ResolvedWave[] | undefined {
  if (d.declaration.spec.rollout.waves === undefined) return undefined;
  if (context === undefined || context.waves.length !== d.declaration.spec.rollout.waves.length) {
    throw new Error(`${who(d)} declares spec.rollout.waves; plan its change with its resolved waves`);
  }
  return context.waves;
}

/** Every region of waves 1..w, sorted, each once: where the candidate is served in wave w. */
function regionsUpTo(waves: readonly ResolvedWave[], w: number): string[] {
  return [...new Set(waves.slice(0, w).flatMap((x) => x.regions))].sort();
}

export interface PromoteInput {
  readonly version: string;
  readonly uri: string;
  /** @default the stable's image: a weights-only release keeps the serving image. */
  readonly image?: string;
  readonly approvedBy: readonly string[];
  /** Results from `--evaluation`; absent means no metric was measured. */
  readonly evaluation?: Metrics;
  /** The pack config's model-artifact-immutable options (allowedBuckets...), so promote refuses what plan would. */
  readonly artifactOptions?: ArtifactUriOptions;
}

export function planPromote(d: LoadedDeployment, input: PromoteInput, now: Date, waveContext?: WaveContext): Change {
  const { spec, metadata } = d.declaration;
  const waves = wavesFor(d, waveContext);
  const model = metadata.name;
  const reasons: string[] = [];
  const inCanary = canaryInProgress(d);
  if (inCanary) reasons.push(`${inCanary}; advance it to completion or abort it before promoting another candidate`);
  if (input.version === spec.stable.version) {
    reasons.push(`${input.version} is already stable in ${d.environment}; promote a new version, or use ml-gitops rollback to return to an earlier one`);
  } else {
    const released = spec.releases.find((r) => r.version === input.version);
    if (released) {
      reasons.push(`${input.version} was already released (promoted ${released.promotedAt}); to serve it again use ml-gitops rollback ${model} --env ${d.environment} --to ${input.version}`);
    }
  }
  const image = input.image ?? spec.stable.image;
  reasons.push(...artifactRefusals(input.uri, image, input.artifactOptions));
  const metrics = input.evaluation ?? {};
  reasons.push(...criteriaMisses(spec.promotion.criteria, metrics));
  reasons.push(...approvalRefusals(spec.promotion.approvals, input.approvedBy));
  refuseIf(d, "promote", reasons);

  const approvedBy = [...new Set(input.approvedBy)];
  const candidate: Record<string, unknown> = { version: input.version, uri: input.uri };
  if (image !== undefined) candidate.image = image;
  candidate.step = 0;
  if (waves) candidate.wave = 1;
  candidate.startedAt = timestamp(now);
  candidate.approvedBy = approvedBy;
  if (input.evaluation !== undefined) candidate.evaluation = { ...input.evaluation };
  const steps = spec.rollout.steps;
  const weight = weightAt(steps, 0);
  return {
    action: "promote",
    edits: [
      { op: "set", path: CANDIDATE, value: candidate, after: "stable" },
      // The fine-tune writes exactly the artifact being promoted (lib/deployments/schema.ts trainingSchema).
      ...(spec.training !== undefined ? [{ op: "set" as const, path: ["spec", "training", "outputUri"], value: input.uri }] : []),
    ],
    subject: `promote ${model} ${spec.stable.version} -> ${input.version} (${d.environment}, ${waves ? `${waveLabel(waves[0]!, waves.length)}, ` : ""}canary ${weight}%)`,
    trailers: {
      model,
      environment: d.environment,
      action: "promote",
      fromVersion: spec.stable.version,
      toVersion: input.version,
      step: stepLabel(0, steps.length),
      ...(waves ? { wave: `1/${waves.length}`, regions: waves[0]!.regions } : {}),
      approvedBy,
      ...(input.evaluation !== undefined ? { evaluation: evaluationSummary(input.evaluation) } : {}),
    },
    canaryWeightPercent: weight,
  };
}

/**
 * What the KServe analysis gate found for the step being left: which step and candidate it
 * measured (the declaration is read again under the commit, and must still be there), and the
 * evidence for the `Analysis:` trailers.
 */
export interface GateEvidence {
  readonly step: number;
  readonly candidateVersion: string;
  readonly trailers: readonly string[];
}

/**
 * Whose analysis steps `ml-gitops advance` runs: every engine whose canary moves only by commits.
 * Argo Rollouts runs the vllm engine's in the cluster; KServe (InferenceService or
 * LLMInferenceService) runs none, so its steps are gated here.
 */
export const GATED_BY_ADVANCE: { readonly [e in Engine]: boolean } = { vllm: false, kserve: true, "llm-inference-service": true };

/**
 * The step an advance leaves must pass its analysis first when the cluster cannot run it: KServe
 * canaries move only by these commits, so `ml-gitops advance` runs the analysis (lib/analysis/
 * gate.ts). vLLM Rollouts run theirs in the cluster (Argo Rollouts). The analysis name, or
 * undefined when the step needs no gate here.
 */
export function gatedAnalysis(d: LoadedDeployment): string | undefined {
  const { spec } = d.declaration;
  if (!GATED_BY_ADVANCE[spec.serving.engine] || !spec.candidate) return undefined;
  return spec.rollout.steps[spec.candidate.step]?.analysis;
}

/**
 * The next step, or after the last one: the candidate becomes stable and is recorded as a release.
 * With region waves, the last step of a wave is followed by the next wave's first step, once the
 * completed wave's soak has passed since the commit that completed it (`waveContext.completed`);
 * only the last step of the last wave completes the promotion.
 */
export function planAdvance(d: LoadedDeployment, now: Date, gate?: GateEvidence, waveContext?: WaveContext): Change {
  const { spec, metadata } = d.declaration;
  const model = metadata.name;
  const candidate = spec.candidate;
  if (!candidate) {
    throw new PromotionRefused(`advance ${who(d)}`, [`no canary in progress (stable is ${spec.stable.version}); start one with ml-gitops promote`]);
  }
  const waves = wavesFor(d, waveContext);
  const steps = spec.rollout.steps;
  const analysisName = gatedAnalysis(d);
  if (analysisName !== undefined && (gate === undefined || gate.step !== candidate.step || gate.candidateVersion !== candidate.version)) {
    throw new PromotionRefused(`advance ${who(d)}`, [
      gate === undefined
        ? `step ${stepLabel(candidate.step, steps.length)} is analysis ${analysisName}, and no passing analysis was measured; run ml-gitops advance with --prometheus`
        : `the declaration changed while the analysis ran (measured ${gate.candidateVersion} at step ${stepLabel(gate.step, steps.length)}, now ${candidate.version} at step ${stepLabel(candidate.step, steps.length)}); nothing was written, run advance again`,
    ]);
  }
  const evidence = analysisName !== undefined && gate ? { analysis: [...gate.trailers] } : {};
  const base = { model, environment: d.environment, fromVersion: spec.stable.version, toVersion: candidate.version, ...evidence };
  const next = candidate.step + 1;
  const w = candidate.wave ?? 1;
  const wave = waves?.[w - 1];
  if (next < steps.length) {
    const weight = weightAt(steps, next);
    const inWave = waves && wave ? { wave: `${w}/${waves.length}`, regions: wave.regions } : {};
    return {
      action: "advance",
      edits: [{ op: "set", path: [...CANDIDATE, "step"], value: next }],
      subject: `advance ${model} ${candidate.version} to step ${stepLabel(next, steps.length)} (${d.environment}, ${waves && wave ? `${waveLabel(wave, waves.length)}, ` : ""}${weight}%)`,
      trailers: { ...base, action: "advance", step: stepLabel(next, steps.length), ...inWave },
      canaryWeightPercent: weight,
    };
  }
  if (waves && wave && w < waves.length) return startNextWave(d, now, waves, wave, waveContext?.completed, base);
  const release: Release = { ...artifactOf(candidate), promotedAt: timestamp(now) };
  return {
    action: "complete",
    edits: [
      { op: "set", path: STABLE, value: artifactOf(candidate) },
      { op: "append", path: ["spec", "releases"], value: release, after: "candidate" },
      { op: "delete", path: CANDIDATE },
    ],
    subject: `complete ${model} ${candidate.version} (${d.environment})`,
    // With waves, completing changes the stable in every region at once.
    trailers: { ...base, action: "complete", ...(waves ? { wave: `${waves.length}/${waves.length}`, regions: regionsUpTo(waves, waves.length) } : {}) },
    canaryWeightPercent: 0,
  };
}

/** After the last step of wave `done`: the next wave at step 0, once `done`'s soak has passed. */
function startNextWave(
  d: LoadedDeployment,
  now: Date,
  waves: readonly ResolvedWave[],
  done: ResolvedWave,
  completed: WaveContext["completed"],
  base: Omit<Trailers, "action">,
): Change {
  const { spec, metadata } = d.declaration;
  const candidate = spec.candidate!;
  const steps = spec.rollout.steps;
  const upcoming = waves[done.number]!;
  const total = waves.length;
  const subject = `advance ${who(d)}`;
  if (completed === undefined) {
    throw new PromotionRefused(subject, [
      `no promotion commit records ${candidate.version} reaching step ${stepLabel(steps.length - 1, steps.length)} of wave ${done.number}/${total} (trailers Wave: ${done.number}/${total} and Step: ${stepLabel(steps.length - 1, steps.length)} since its promote), so the soak of wave ${done.number} cannot be measured; was the declaration edited by hand? Abort the canary and promote it again, or record the wave's completion with an ml-gitops commit`,
    ]);
  }
  const ends = soakEndsAt(completed.at, done.soakSeconds ?? 0);
  const left = secondsUntil(now, ends);
  if (left > 0) {
    throw new PromotionRefused(subject, [
      `wave ${done.number}/${total} (${done.regions.join(", ")}) completed at ${timestamp(completed.at)} (commit ${completed.commit.slice(0, 12)}) and soaks for ${done.soak}: wave ${upcoming.number}/${total} (${upcoming.regions.join(", ")}) may start at ${timestamp(ends)}, in ${formatSeconds(left)}; nothing was written, advance again then`,
    ]);
  }
  const weight = weightAt(steps, 0);
  return {
    action: "advance",
    edits: [
      { op: "set", path: [...CANDIDATE, "step"], value: 0 },
      { op: "set", path: [...CANDIDATE, "wave"], value: upcoming.number },
    ],
    subject: `advance ${metadata.name} ${candidate.version} to ${waveLabel(upcoming, total)} step ${stepLabel(0, steps.length)} (${d.environment}, ${weight}%)`,
    trailers: { ...base, action: "advance", step: stepLabel(0, steps.length), wave: `${upcoming.number}/${total}`, regions: upcoming.regions },
    canaryWeightPercent: weight,
  };
}

/** With region waves, every wave that serves the candidate (the current one and those before it) returns to stable in this one commit. */
export function planAbort(d: LoadedDeployment, reason: string, waveContext?: WaveContext): Change {
  const { spec, metadata } = d.declaration;
  const waves = wavesFor(d, waveContext);
  const candidate = spec.candidate;
  const why = oneLine(reason);
  const reasons: string[] = [];
  if (!candidate) reasons.push(`no canary in progress (stable is ${spec.stable.version}); there is nothing to abort`);
  if (why === "") reasons.push("--reason is empty; say why the canary is aborted, it is kept in the audit log");
  refuseIf(d, "abort", reasons);
  const c = candidate!;
  const steps = spec.rollout.steps;
  return {
    action: "abort",
    edits: [{ op: "delete", path: CANDIDATE }],
    subject: `abort ${metadata.name} ${c.version} (${d.environment}): ${why}`,
    trailers: {
      model: metadata.name,
      environment: d.environment,
      action: "abort",
      fromVersion: c.version,
      toVersion: spec.stable.version,
      step: stepLabel(c.step, steps.length),
      ...(waves ? { wave: `${c.wave ?? 1}/${waves.length}`, regions: regionsUpTo(waves, c.wave ?? 1) } : {}),
      reason: why,
    },
    canaryWeightPercent: 0,
  };
}

/** The release a rollback returns to: `to`, or the one promoted before the current stable. */
export function rollbackTarget(d: LoadedDeployment, to: string | undefined): Release {
  const { spec, metadata } = d.declaration;
  const reasons: string[] = [];
  const inCanary = canaryInProgress(d);
  if (inCanary) reasons.push(`${inCanary}; abort it first with ml-gitops abort ${metadata.name} --env ${d.environment} --reason TEXT`);
  const versions = spec.releases.map((r) => r.version);
  const listed = versions.length > 0 ? versions.join(", ") : "none";
  let target: Release | undefined;
  if (to !== undefined) {
    target = spec.releases.find((r) => r.version === to);
    if (!target) reasons.push(`${to} is not a promoted release (releases: ${listed}); roll back to one of them`);
    else if (to === spec.stable.version) reasons.push(`${to} is already stable; nothing to roll back`);
  } else {
    const at = spec.releases.findIndex((r) => r.version === spec.stable.version);
    if (at === -1) reasons.push(`stable ${spec.stable.version} is not in releases (${listed}), so there is no "previous" release; name one with --to`);
    else if (at === 0) reasons.push(`there is no release before ${spec.stable.version} (releases: ${listed}); nothing to roll back to`);
    else target = spec.releases[at - 1];
  }
  refuseIf(d, "rollback", reasons);
  return target!;
}

/** `reverts`: the commit that made the current stable stable, found in history by the caller. */
export function planRollback(d: LoadedDeployment, target: Release, options: { reverts?: string; reason?: string } = {}): Change {
  const { spec, metadata } = d.declaration;
  const why = options.reason !== undefined ? oneLine(options.reason) : "";
  return {
    action: "rollback",
    edits: [{ op: "set", path: STABLE, value: artifactOf(target) }],
    subject: `rollback ${metadata.name} ${spec.stable.version} -> ${target.version} (${d.environment})`,
    trailers: {
      model: metadata.name,
      environment: d.environment,
      action: "rollback",
      fromVersion: spec.stable.version,
      toVersion: target.version,
      ...(why !== "" ? { reason: why } : {}),
      ...(options.reverts !== undefined ? { reverts: options.reverts } : {}),
    },
    canaryWeightPercent: 0,
  };
}
