/**
 * Promotion commits: a one-line subject for people, and git trailers for machines. The audit log
 * (`ml-gitops history`) is built from the trailers only; the subject is free text and never parsed.
 *
 *     promote llama-3-8b v3.1.0 -> v3.2.0 (production, canary 10%)
 *
 *     Model: llama-3-8b
 *     Environment: production
 *     Action: promote
 *     From-Version: v3.1.0
 *     To-Version: v3.2.0
 *     Step: 1/7
 *     Approved-by: dana.ml-lead
 *     Evaluation: mmlu=0.81, toxicity=0.01
 *
 * A KServe canary that leaves an analysis step records what the gate measured, one trailer per
 * Prometheus asked: `Analysis: slo p99_latency_ms=412<=2500 error_rate=0.002<=0.01 pass`.
 *
 * A declaration with region waves (`spec.rollout.waves`) adds, on every commit of its canary, the
 * wave the commit leaves the canary in (`Wave: 2/3`) and one `Region:` trailer per region the
 * commit changes what is served in (lib/promotion/transitions.ts says which, per action). One
 * trailer per region, like `Approved-by`, so `git log --format=%(trailers:key=Region)` lists them.
 */

export const ACTIONS = ["promote", "advance", "complete", "abort", "rollback"] as const;
export type Action = (typeof ACTIONS)[number];

/** Trailer keys in the order they are written. `Approved-by` repeats, one per approver. */
export const TRAILER_KEYS = ["Model", "Environment", "Action", "From-Version", "To-Version", "Step", "Wave", "Region", "Approved-by", "Evaluation", "Analysis", "Reason", "Reverts"] as const;
export type TrailerKey = (typeof TRAILER_KEYS)[number];

export interface Trailers {
  readonly model: string;
  readonly environment: string;
  readonly action: Action;
  readonly fromVersion?: string;
  readonly toVersion?: string;
  /** 1-based `i/n`. */
  readonly step?: string;
  /** 1-based `w/n`: the region wave the canary is in after the commit (declarations with waves only). */
  readonly wave?: string;
  /** Regions whose serving the commit changes (declarations with waves only). */
  readonly regions?: readonly string[];
  readonly approvedBy?: readonly string[];
  /** Compact `mmlu=0.81, toxicity=0.01`. */
  readonly evaluation?: string;
  /** The analysis gate's evidence, one per Prometheus: `slo p99_latency_ms=412<=2500 error_rate=0.002<=0.01 pass`. */
  readonly analysis?: readonly string[];
  readonly reason?: string;
  /** The commit whose result this one reverts. */
  readonly reverts?: string;
}

/** Trailer values are one line: git would fold a newline into a continuation or end the trailer block. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function formatTrailers(t: Trailers): string {
  const lines: [TrailerKey, string | undefined][] = [
    ["Model", t.model],
    ["Environment", t.environment],
    ["Action", t.action],
    ["From-Version", t.fromVersion],
    ["To-Version", t.toVersion],
    ["Step", t.step],
    ["Wave", t.wave],
    ...(t.regions ?? []).map((r): [TrailerKey, string] => ["Region", r]),
    ...(t.approvedBy ?? []).map((a): [TrailerKey, string] => ["Approved-by", a]),
    ["Evaluation", t.evaluation],
    ...(t.analysis ?? []).map((a): [TrailerKey, string] => ["Analysis", a]),
    ["Reason", t.reason],
    ["Reverts", t.reverts],
  ];
  return lines
    .filter((l): l is [TrailerKey, string] => l[1] !== undefined && oneLine(l[1]) !== "")
    .map(([k, v]) => `${k}: ${oneLine(v)}`)
    .join("\n");
}

export function formatCommitMessage(subject: string, trailers: Trailers): string {
  return `${oneLine(subject)}\n\n${formatTrailers(trailers)}\n`;
}

/** `Key: value` lines as git prints them with `%(trailers:only,unfold)`, keys in their original order. */
export function parseTrailerLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

function isAction(v: string | undefined): v is Action {
  return (ACTIONS as readonly string[]).includes(v ?? "");
}

/** Our trailers from a commit's trailer lines; undefined for commits that are not promotion commits. */
export function readTrailers(lines: readonly [string, string][]): Trailers | undefined {
  // Trailer keys are case-insensitive in git; the last value wins except for Approved-by.
  const get = (key: TrailerKey): string | undefined => {
    const found = lines.filter(([k]) => k.toLowerCase() === key.toLowerCase());
    return found.length > 0 ? found[found.length - 1]![1] : undefined;
  };
  const model = get("Model");
  const environment = get("Environment");
  const action = get("Action");
  if (model === undefined || environment === undefined || !isAction(action)) return undefined;
  const approvedBy = lines.filter(([k]) => k.toLowerCase() === "approved-by").map(([, v]) => v);
  const analysis = lines.filter(([k]) => k.toLowerCase() === "analysis").map(([, v]) => v);
  const regions = lines.filter(([k]) => k.toLowerCase() === "region").map(([, v]) => v);
  const optional = {
    fromVersion: get("From-Version"),
    toVersion: get("To-Version"),
    step: get("Step"),
    wave: get("Wave"),
    evaluation: get("Evaluation"),
    reason: get("Reason"),
    reverts: get("Reverts"),
  };
  const t: Record<string, unknown> = { model, environment, action };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) t[k] = v;
  if (approvedBy.length > 0) t.approvedBy = approvedBy;
  if (analysis.length > 0) t.analysis = analysis;
  if (regions.length > 0) t.regions = regions;
  return t as unknown as Trailers;
}
