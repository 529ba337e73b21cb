/**
 * A Mermaid flowchart of one model's rollout, for pull-request comments: the canary steps with
 * their weights, pauses and analyses, and where the canary stands now.
 */
import type { ModelDeploymentDeclaration } from "../lib/deployments/types";

function label(step: ModelDeploymentDeclaration["spec"]["rollout"]["steps"][number]): string {
  if (step.setWeight !== undefined) return `${step.setWeight}% traffic`;
  if (step.pause !== undefined) return step.pause.duration ? `pause ${step.pause.duration}` : "pause until advanced";
  return `analysis: ${step.analysis}`;
}

/** The traffic share of the candidate when the canary stands at `index`. */
export function weightAt(declaration: ModelDeploymentDeclaration, index: number): number {
  let weight = 0;
  declaration.spec.rollout.steps.slice(0, index + 1).forEach((s) => {
    if (s.setWeight !== undefined) weight = s.setWeight;
  });
  return weight;
}

export function rolloutDiagram(declaration: ModelDeploymentDeclaration): string {
  const { stable, candidate, rollout } = declaration.spec;
  const lines = ["flowchart LR"];
  lines.push(`  stable(["stable ${stable.version}"])`);
  rollout.steps.forEach((step, i) => {
    const shape = step.analysis !== undefined ? [`{{"`, `"}}`] : step.pause !== undefined ? [`("`, `")`] : [`["`, `"]`];
    lines.push(`  s${i}${shape[0]}${i + 1}. ${label(step)}${shape[1]}`);
  });
  lines.push(`  done(["promoted"])`);
  lines.push(`  stable --> ${rollout.steps.map((_, i) => `s${i}`).join(" --> ")} --> done`);
  for (const [name, a] of Object.entries(rollout.analysis)) {
    lines.push(`  %% analysis ${name}: p99 <= ${a.p99LatencyMs} ms, errors <= ${a.errorRatePercent}% every ${a.interval} x${a.count}`);
  }
  if (candidate) {
    lines.push(`  candidate[/"candidate ${candidate.version} at ${weightAt(declaration, candidate.step)}%"/] -.-> s${candidate.step}`);
    lines.push(`  classDef current fill:#ffd866,stroke:#b58900,stroke-width:2px`);
    lines.push(`  class s${candidate.step} current`);
  }
  return lines.join("\n");
}
