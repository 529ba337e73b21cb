import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { EnvironmentCluster } from "../../lib/config/environment-clusters";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { resolveWaves } from "../../lib/deployments/waves";
import { ValidationError } from "../../lib/errors";
import { now as clock } from "../../lib/clock";
import { planAbort, planAdvance, PromotionRefused, type WaveContext } from "../../lib/promotion/transitions";
import { regionWaves } from "../../lib/promotion/waves";
import { CONTEXT, FILE, VALID } from "../deployments/fixture";

const CLUSTERS: EnvironmentCluster[] = [
  { stack: "prod-eu-west-1", region: "eu-west-1", file: "stacks/Pulumi.prod-eu-west-1.yaml" },
  { stack: "prod-us-east-1", region: "us-east-1", file: "stacks/Pulumi.prod-us-east-1.yaml" },
  { stack: "prod-us-east-1-b", region: "us-east-1", file: "stacks/Pulumi.prod-us-east-1-b.yaml" },
];
const WAVES = "    waves: [{ clusters: [us-east-1], soak: 2h }, { clusters: [eu-west-1] }]\n";

/** VALID (6 steps) in waves, its candidate at `step` of `wave`. */
function declaration(step: number, wave: number) {
  const text = VALID.replace("    step: 2\n", `    step: ${step}\n    wave: ${wave}\n`).replace("  rollout:\n", `  rollout:\n${WAVES}`);
  return loadDeploymentFile(FILE, text, { ...CONTEXT, clusters: () => CLUSTERS });
}
const context = (completed?: WaveContext["completed"]): WaveContext => ({ waves: resolveWaves(declaration(0, 1).declaration.spec.rollout.waves!, CLUSTERS), ...(completed ? { completed } : {}) });
const T = new Date("2026-03-01T10:00:00Z");

function refusal(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PromotionRefused, String(err));
    return err.reasons;
  }
  assert.fail("not refused");
}

describe("advancing across region waves (pure transitions)", () => {
  it("steps within a wave, naming the wave's regions once each (two stacks in us-east-1)", () => {
    const change = planAdvance(declaration(2, 1), T, undefined, context());
    assert.equal(change.subject, "advance llama v2 to step 4/6 (production, wave 1/2 us-east-1, 50%)");
    assert.equal(change.trailers.wave, "1/2");
    assert.deepEqual(change.trailers.regions, ["us-east-1"]);
    assert.deepEqual(change.edits, [{ op: "set", path: ["spec", "candidate", "step"], value: 3 }]);
  });

  it("refuses to start the next wave when no commit records the wave's completion (a hand edit), saying why", () => {
    assert.deepEqual(refusal(() => planAdvance(declaration(5, 1), T, undefined, context())), [
      "no promotion commit records v2 reaching step 6/6 of wave 1/2 (trailers Wave: 1/2 and Step: 6/6 since its promote), so the soak of wave 1 cannot be measured; was the declaration edited by hand? Abort the canary and promote it again, or record the wave's completion with an ml-gitops commit",
    ]);
  });

  it("allows the next wave exactly when the soak has passed, never a second earlier (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -3 * 3600, max: 3 * 3600 }), (offset) => {
        const completed = { commit: "a".repeat(40), at: T };
        const at = new Date(T.getTime() + (2 * 3600 + offset) * 1000);
        if (offset < 0) {
          const [reason] = refusal(() => planAdvance(declaration(5, 1), at, undefined, context(completed)));
          assert.match(reason!, /^wave 1\/2 \(us-east-1\) completed at 2026-03-01T10:00:00Z \(commit aaaaaaaaaaaa\) and soaks for 2h: wave 2\/2 \(eu-west-1\) may start at 2026-03-01T12:00:00Z, in .+; nothing was written, advance again then$/);
        } else {
          const change = planAdvance(declaration(5, 1), at, undefined, context(completed));
          assert.deepEqual(change.edits, [
            { op: "set", path: ["spec", "candidate", "step"], value: 0 },
            { op: "set", path: ["spec", "candidate", "wave"], value: 2 },
          ]);
          assert.equal(change.trailers.wave, "2/2");
          assert.deepEqual(change.trailers.regions, ["eu-west-1"]);
        }
      }),
    );
  });

  it("completes the promotion after the last step of the last wave, in every region", () => {
    const change = planAdvance(declaration(5, 2), T, undefined, context());
    assert.equal(change.action, "complete");
    assert.deepEqual(change.trailers.regions, ["eu-west-1", "us-east-1"]);
  });

  it("aborts every wave that serves the candidate in one change", () => {
    assert.deepEqual(planAbort(declaration(1, 1), "slow", context()).trailers.regions, ["us-east-1"]);
    const abort = planAbort(declaration(1, 2), "slow", context());
    assert.deepEqual(abort.trailers.regions, ["eu-west-1", "us-east-1"]);
    assert.deepEqual(abort.edits, [{ op: "delete", path: ["spec", "candidate"] }]);
  });

  it("says where each cluster stands, naming the stack where a region has two", () => {
    const d = declaration(3, 1);
    assert.deepEqual(
      regionWaves(d, context().waves, T).map((w) => `${w.cluster}: ${w.text}`),
      ["prod-us-east-1 (us-east-1): wave 1/2 step 4/6 (50%)", "prod-us-east-1-b (us-east-1): wave 1/2 step 4/6 (50%)", "eu-west-1: waiting (wave 2/2, starts 2h after wave 1 completes)"],
    );
    assert.deepEqual(
      regionWaves(declaration(0, 2), context().waves, T).map((w) => w.text),
      ["wave 1/2 complete (100%, candidate at its last step)", "wave 1/2 complete (100%, candidate at its last step)", "wave 2/2 step 1/6 (10%)"],
    );
  });
});

describe("the CLI's clock", () => {
  it("is the system clock unless ML_GITOPS_NOW is set", () => {
    const before = Date.now();
    const t = clock({}).getTime();
    assert.ok(t >= before && t <= Date.now());
    assert.equal(clock({ ML_GITOPS_NOW: "2026-03-01T10:00:00Z" }).toISOString(), "2026-03-01T10:00:00.000Z");
    assert.equal(clock({ ML_GITOPS_NOW: "2026-03-01T11:00:00+01:00" }).toISOString(), "2026-03-01T10:00:00.000Z");
  });

  it("refuses a time without an offset or that is not a time, instead of ignoring it", () => {
    for (const value of ["2026-03-01T10:00:00", "yesterday", "2026-13-01T10:00:00Z"]) {
      assert.throws(
        () => clock({ ML_GITOPS_NOW: value }),
        (err: unknown) => err instanceof ValidationError && err.message === `ML_GITOPS_NOW: 1 problem\n  - ML_GITOPS_NOW: is not an ISO 8601 time with an offset (got ${JSON.stringify(value)}). Set it like ML_GITOPS_NOW=2026-01-31T09:00:00Z (it is for tests and replays), or unset it to use the system clock.`,
      );
    }
  });
});
