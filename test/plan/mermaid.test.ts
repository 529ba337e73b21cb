import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { declarationSchema } from "../../lib/deployments/schema";
import { rolloutDiagram, weightAt } from "../../plan/mermaid";

const declaration = declarationSchema.parse({
  apiVersion: "ml-gitops.dev/v1alpha1",
  kind: "ModelDeployment",
  metadata: { name: "llama" },
  spec: {
    model: { format: "huggingface" },
    serving: { engine: "kserve", replicas: { min: 1, max: 2 }, resources: { cpu: "4", memory: "16Gi" } },
    stable: { version: "v1", uri: "s3://m/sha256-" + "a".repeat(64) + "/" },
    candidate: { version: "v2", uri: "s3://m/sha256-" + "b".repeat(64) + "/", step: 2 },
    rollout: {
      steps: [{ setWeight: 10 }, { pause: { duration: "10m" } }, { analysis: "slo" }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }],
      analysis: { slo: { p99LatencyMs: 800, errorRatePercent: 1 } },
    },
  },
});

describe("rollout diagram", () => {
  it("draws every step in order and marks where the canary stands", () => {
    assert.equal(
      rolloutDiagram(declaration),
      [
        "flowchart LR",
        '  stable(["stable v1"])',
        '  s0["1. 10% traffic"]',
        '  s1("2. pause 10m")',
        '  s2{{"3. analysis: slo<br/>p99 <= 800 ms, errors <= 1%<br/>gate: ml-gitops advance --prometheus"}}',
        '  s3["4. 50% traffic"]',
        '  s4("5. pause until advanced")',
        '  s5["6. 100% traffic"]',
        '  done(["promoted"])',
        "  stable --> s0 --> s1 --> s2 --> s3 --> s4 --> s5 --> done",
        "  %% analysis slo: p99 <= 800 ms, errors <= 1% every 1m x5",
        '  traffic[/"traffic: HTTPRoute llama → llama-v2-predictor<br/>moved by git (ml-gitops advance)"/] -.- s0',
        '  candidate[/"candidate v2 at 10%"/] -.-> s2',
        "  classDef current fill:#ffd866,stroke:#b58900,stroke-width:2px",
        "  class s2 current",
      ].join("\n"),
    );
  });

  it("says who moves a Knative or vLLM canary's traffic and who gates its analyses", () => {
    assert.match(rolloutDiagram(declaration, "Knative"), /traffic: Knative route: canaryTrafficPercent → latest revision<br\/>moved by git \(ml-gitops advance\)/);
    const vllm = { ...declaration, spec: { ...declaration.spec, serving: { ...declaration.spec.serving, engine: "vllm" as const } } };
    const diagram = rolloutDiagram(vllm);
    assert.match(diagram, /gate: Argo Rollouts AnalysisRun/);
    assert.match(diagram, /traffic: HTTPRoute llama → llama-canary<br\/>moved by Argo Rollouts \(Gateway API plugin\)/);
  });

  it("reports the weight in force at each step", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => weightAt(declaration, i)), [10, 10, 10, 50, 50, 100]);
  });
});
