/**
 * A Mermaid flowchart of one model's rollout, for pull-request comments: the canary steps with
 * their weights, pauses and analyses, who gates each analysis and where the traffic really goes,
 * and where the canary stands now.
 */
import { analysisGate, thresholdSummary, trafficPath } from "../lib/analysis/gating";
import type { ParsedDeclaration } from "../lib/deployments/schema";

type Step = ParsedDeclaration["spec"]["rollout"]["steps"][number];

function label(step: Step, d: ParsedDeclaration): string {
  if (step.setWeight !== undefined) return `${step.setWeight}% traffic`;
  if (step.pause !== undefined) return step.pause.duration ? `pause ${step.pause.duration}` : "pause until advanced";
  const a = d.spec.rollout.analysis[step.analysis!];
  return `analysis: ${step.analysis}<br/>${a ? `${thresholdSummary(a)}<br/>` : ""}gate: ${analysisGate(d)}`;
}

/** The traffic share of the candidate when the canary stands at `index`. */
export function weightAt(declaration: ParsedDeclaration, index: number): number {
  let weight = 0;
  declaration.spec.rollout.steps.slice(0, index + 1).forEach((s) => {
    if (s.setWeight !== undefined) weight = s.setWeight;
  });
  return weight;
}

export function rolloutDiagram(declaration: ParsedDeclaration, kserveMode: "Standard" | "Knative" = "Standard"): string {
  const { stable, candidate, rollout } = declaration.spec;
  const path = trafficPath(declaration, kserveMode);
  const lines = ["flowchart LR"];
  lines.push(`  stable(["stable ${stable.version}"])`);
  rollout.steps.forEach((step, i) => {
    const shape = step.analysis !== undefined ? [`{{"`, `"}}`] : step.pause !== undefined ? [`("`, `")`] : [`["`, `"]`];
    lines.push(`  s${i}${shape[0]}${i + 1}. ${label(step, declaration)}${shape[1]}`);
  });
  lines.push(`  done(["promoted"])`);
  lines.push(`  stable --> ${rollout.steps.map((_, i) => `s${i}`).join(" --> ")} --> done`);
  for (const [name, a] of Object.entries(rollout.analysis)) {
    lines.push(`  %% analysis ${name}: ${thresholdSummary(a)} every ${a.interval} x${a.count}`);
  }
  lines.push(`  traffic[/"traffic: ${path.route}<br/>moved by ${path.mover}"/] -.- s0`);
  if (candidate) {
    lines.push(`  candidate[/"candidate ${candidate.version} at ${weightAt(declaration, candidate.step)}%"/] -.-> s${candidate.step}`);
    lines.push(`  classDef current fill:#ffd866,stroke:#b58900,stroke-width:2px`);
    lines.push(`  class s${candidate.step} current`);
  }
  return lines.join("\n");
}
