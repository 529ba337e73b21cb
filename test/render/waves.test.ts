import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { EnvironmentCluster } from "../../lib/config/environment-clusters";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import type { LoadedDeployment } from "../../lib/deployments/types";
import { formatSeconds, secondsUntil, soakEndsAt } from "../../lib/deployments/waves";
import { parseDurationSeconds } from "../../lib/predicates/canary-steps";
import { modelView, renderModel, type RenderContext } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, KSERVE_FILE, LLMISVC_FILE, VALID, VALID_KSERVE, VALID_LLMISVC } from "../deployments/fixture";

const US = { stack: "prod-us-east-1", region: "us-east-1" };
const EU = { stack: "prod-eu-west-1", region: "eu-west-1" };
const CLUSTERS: EnvironmentCluster[] = [
  { ...EU, file: "stacks/Pulumi.prod-eu-west-1.yaml" },
  { ...US, file: "stacks/Pulumi.prod-us-east-1.yaml" },
];
const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus:9090" };
const at = (cluster: typeof US): RenderContext => ({ ...CTX, cluster });

/** The fixture with two waves (us-east-1, then eu-west-1) and its candidate in `wave`. */
function withWaves(text: string, wave: number): string {
  const waved = text.replace("  rollout:\n", "  rollout:\n    waves: [{ clusters: [us-east-1], soak: 2h }, { clusters: [eu-west-1] }]\n");
  const block = waved.replace(/^( {4}step: \d+)$/m, `$1\n    wave: ${wave}`);
  const out = block !== waved ? block : waved.replace(/(step: \d+) \}/, `$1, wave: ${wave} }`);
  assert.notEqual(out, waved, "the fixture's candidate step was not found");
  return out;
}

function load(file: string, text: string): LoadedDeployment {
  return loadDeploymentFile(file, text, { ...CONTEXT, clusters: () => CLUSTERS });
}

/** The same declaration with its candidate removed: what a cluster whose wave has not come must serve. */
function minusCandidate(d: LoadedDeployment): LoadedDeployment {
  const declaration = structuredClone(d.declaration);
  delete declaration.spec.candidate;
  return { ...d, declaration };
}

function withStep(d: LoadedDeployment, step: number): LoadedDeployment {
  const declaration = structuredClone(d.declaration);
  declaration.spec.candidate!.step = step;
  return { ...d, declaration };
}

const bytes = (d: LoadedDeployment, ctx: RenderContext) => JSON.stringify(renderModel(d, ctx));

const ENGINES = [
  ["vllm (Argo Rollout)", FILE, VALID],
  ["kserve (InferenceService)", KSERVE_FILE, VALID_KSERVE],
  ["llm-inference-service", LLMISVC_FILE, VALID_LLMISVC],
] as const;

describe("rendering a canary in region waves", () => {
  for (const [engine, file, text] of ENGINES) {
    describe(engine, () => {
      it("renders a cluster whose wave has not come byte for byte as the declaration without its candidate", () => {
        const d = load(file, withWaves(text, 1));
        assert.equal(bytes(d, at(EU)), bytes(minusCandidate(d), at(EU)));
        assert.equal(modelView(d, at(EU)).candidate, undefined);
      });

      it("renders the current wave's clusters at the candidate's step, exactly as without waves", () => {
        const d = load(file, withWaves(text, 1));
        const plain = load(file, text);
        const step = d.declaration.spec.candidate!.step;
        assert.equal(modelView(d, at(US)).candidate?.step, step);
        assert.notEqual(bytes(d, at(US)), bytes(minusCandidate(d), at(US)));
        // The objects are those of the same canary declared without waves (but for the Rollout's
        // rollback window, below).
        assert.equal(bytes(d, at(US)), bytes(plain, CTX).replace('"revisionHistoryLimit":3,', '"revisionHistoryLimit":3,"rollbackWindow":{"revisions":1},'));
      });

      it("keeps a completed wave's clusters on the candidate at its last step, the stable still beside it", () => {
        const d = load(file, withWaves(text, 2));
        const last = d.declaration.spec.rollout.steps.length - 1;
        const view = modelView(d, at(US));
        assert.equal(view.candidate?.step, last);
        assert.equal(view.canaryWeight, 100);
        assert.equal(view.stable.version, d.declaration.spec.stable.version);
        assert.equal(bytes(d, at(US)), bytes(withStep(load(file, text), last), CTX).replace('"revisionHistoryLimit":3,', '"revisionHistoryLimit":3,"rollbackWindow":{"revisions":1},'));
        // …while the wave in progress walks its own steps.
        assert.equal(modelView(d, at(EU)).candidate?.step, d.declaration.spec.candidate!.step);
      });
    });
  }

  it("gives a Rollout with waves a one-revision rollback window, so an abort in a later wave returns a completed wave's clusters to stable without walking the steps again", () => {
    const rolloutOf = (d: LoadedDeployment) => renderModel(d, at(US)).find((o) => o.kind === "Rollout")!.spec as Record<string, unknown>;
    assert.deepEqual(rolloutOf(load(FILE, withWaves(VALID, 2))).rollbackWindow, { revisions: 1 });
    assert.deepEqual(rolloutOf(minusCandidate(load(FILE, withWaves(VALID, 1)))).rollbackWindow, { revisions: 1 });
    assert.equal(rolloutOf(load(FILE, VALID)).rollbackWindow, undefined);
  });

  it("changes nothing for a declaration without waves, whatever cluster it is rendered for", () => {
    for (const [, file, text] of ENGINES) {
      const d = load(file, text);
      assert.equal(bytes(d, at(EU)), bytes(d, CTX));
      assert.equal(bytes(d, at(US)), bytes(d, CTX));
    }
  });

  it("serves the candidate exactly where its wave has been reached, at the step that wave stands on (property)", () => {
    const base = load(FILE, withWaves(VALID, 1));
    const steps = base.declaration.spec.rollout.steps.length;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 0, max: steps - 1 }), fc.nat(), (waves, step, pick) => {
        const wave = (pick % waves) + 1;
        const declaration = structuredClone(base.declaration);
        const clusters = Array.from({ length: waves }, (_, i) => ({ stack: `c${i + 1}`, region: `r-${i + 1}` }));
        declaration.spec.rollout.waves = clusters.map((c, i) => ({ clusters: [c.region], ...(i < waves - 1 ? { soak: "1h" } : {}) }));
        declaration.spec.candidate = { ...declaration.spec.candidate!, step, wave };
        const d = { ...base, declaration };
        clusters.forEach((cluster, i) => {
          const served = modelView(d, at(cluster)).candidate?.step;
          const expected = i + 1 < wave ? steps - 1 : i + 1 === wave ? step : undefined;
          assert.equal(served, expected, `cluster of wave ${i + 1} while the canary is in wave ${wave} at step ${step}`);
        });
      }),
    );
  });
});

describe("soak arithmetic", () => {
  it("ends a soak exactly its duration after the wave completed, and counts down to 0 (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.integer({ min: 1, max: 999 }),
        fc.constantFrom("s", "m", "h"),
        fc.integer({ min: -1_000_000, max: 10_000_000 }),
        (completedSeconds, amount, unit, elapsed) => {
          const soak = parseDurationSeconds(`${amount}${unit}`)!;
          const completed = new Date(completedSeconds * 1000);
          const ends = soakEndsAt(completed, soak);
          assert.equal((ends.getTime() - completed.getTime()) / 1000, soak);
          const now = new Date((completedSeconds + elapsed) * 1000);
          const left = secondsUntil(now, ends);
          assert.equal(left, Math.max(0, soak - elapsed));
          // The advance is allowed exactly when nothing is left.
          assert.equal(left === 0, now.getTime() >= ends.getTime());
        },
      ),
    );
  });

  it("rounds a part-second still to wait up, so an advance is never allowed early", () => {
    const ends = new Date("2026-03-01T14:00:00Z");
    assert.equal(secondsUntil(new Date("2026-03-01T13:59:59.999Z"), ends), 1);
    assert.equal(secondsUntil(ends, ends), 0);
  });

  it("writes a remaining time people read, that adds back up to the seconds (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 * 86400 }), (seconds) => {
        const text = formatSeconds(seconds);
        const unit: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
        const total = text.split(" ").reduce((sum, part) => sum + Number(part.slice(0, -1)) * unit[part.slice(-1)]!, 0);
        assert.equal(total, seconds);
        assert.match(text, /^(?=\d)(\d+d)?( ?\d+h)?( ?\d+m)?( ?\d+s)?$/, "units largest first, each once");
      }),
    );
    assert.equal(formatSeconds(4 * 3600 + 5), "4h 5s");
    assert.equal(formatSeconds(0), "0s");
  });
});
