import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { clustersOf, environmentClusters, type EnvironmentCluster } from "../../lib/config/environment-clusters";
import { loadDeploymentFile, loadDeployments, type DeploymentContext } from "../../lib/deployments/loader";
import { formatProblem, ValidationError } from "../../lib/errors";
import { copyProject } from "../support/project-copy";
import { CONTEXT, FILE, replaceLine, VALID } from "./fixture";

const CLUSTERS: EnvironmentCluster[] = [
  { stack: "prod-eu-west-1", region: "eu-west-1", file: "stacks/Pulumi.prod-eu-west-1.yaml" },
  { stack: "prod-us-east-1", region: "us-east-1", file: "stacks/Pulumi.prod-us-east-1.yaml" },
];
const WITH_CLUSTERS: DeploymentContext = { ...CONTEXT, clusters: () => CLUSTERS };

const WAVES = `    waves:
      - clusters: [us-east-1]
        soak: 2h
      - clusters: [eu-west-1]
`;
/** VALID (candidate at step 2) with two waves and the candidate in wave 1. */
export const VALID_WAVES = replaceLine(replaceLine(VALID, "    step: 2\n", "    step: 2\n    wave: 1\n"), "      slo: { p99LatencyMs: 5000, errorRatePercent: 1 }\n", `      slo: { p99LatencyMs: 5000, errorRatePercent: 1 }\n${WAVES}`);

function problems(text: string, context: DeploymentContext = WITH_CLUSTERS): string[] {
  try {
    loadDeploymentFile(FILE, text, context);
    return [];
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    return err.problems.map(formatProblem);
  }
}

const F = FILE;

describe("region waves in a declaration", () => {
  it("loads two waves naming the environment's regions, with the candidate's wave", () => {
    const d = loadDeploymentFile(FILE, VALID_WAVES, WITH_CLUSTERS).declaration;
    assert.deepEqual(d.spec.rollout.waves, [{ clusters: ["us-east-1"], soak: "2h" }, { clusters: ["eu-west-1"] }]);
    assert.equal(d.spec.candidate?.wave, 1);
  });

  it("accepts clusters named by stack name as well as by region", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "[eu-west-1]", "[prod-eu-west-1]")), []);
  });

  it("refuses a region no stack of the environment is in, and says which clusters it leaves out", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "[us-east-1]", "[us-east-2]")), [
      `${F}:40:20: spec.rollout.waves[0].clusters[0]: names no cluster of environment production; its clusters are prod-eu-west-1 (eu-west-1), prod-us-east-1 (us-east-1) (got "us-east-2"). Use a region (aws:region of a stack serving production) or a stack name: eu-west-1, us-east-1, prod-eu-west-1, prod-us-east-1.`,
      `${F}:40:7: spec.rollout.waves: leaves prod-us-east-1 (us-east-1) of environment production in no wave, so it would never get the candidate. Add us-east-1 (or the stack name) to a wave.`,
    ]);
  });

  it("refuses a cluster placed in two waves", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "[eu-west-1]", "[eu-west-1, prod-us-east-1]")), [
      `${F}:42:31: spec.rollout.waves[1].clusters[1]: puts prod-us-east-1 (us-east-1) in wave 2, but wave 1 already has it (through "us-east-1"); a cluster is in exactly one wave (got "prod-us-east-1"). Remove it from one of waves 1 and 2.`,
    ]);
  });

  it("refuses a cluster named twice in one wave", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "[us-east-1]", "[us-east-1, prod-us-east-1]")), [
      `${F}:40:31: spec.rollout.waves[0].clusters[1]: names prod-us-east-1 (us-east-1) again; wave 1 already has it through "us-east-1" (got "prod-us-east-1"). Remove one of the two entries.`,
    ]);
  });

  it("refuses an empty wave", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "[eu-west-1]", "[]")), [
      `${F}:42:19: spec.rollout.waves[1].clusters: is empty; wave 2 must name at least one region or stack (got []). Name a region or stack of production (eu-west-1, us-east-1, prod-eu-west-1, prod-us-east-1), or remove the wave.`,
      `${F}:40:7: spec.rollout.waves: leaves prod-eu-west-1 (eu-west-1) of environment production in no wave, so it would never get the candidate. Add eu-west-1 (or the stack name) to a wave.`,
    ]);
  });

  it("refuses a single wave: one wave is every cluster at once", () => {
    const one = replaceLine(VALID_WAVES, "      - clusters: [us-east-1]\n        soak: 2h\n      - clusters: [eu-west-1]\n", "      - clusters: [us-east-1, eu-west-1]\n");
    assert.deepEqual(problems(one), [
      `${F}:40:7: spec.rollout.waves: has 1 wave; waves need at least 2 (one wave is every cluster at once, which is what a rollout without waves does) (got [{"clusters":["us-east-1","eu-west-1"]}]). Add a second wave, or remove spec.rollout.waves.`,
    ]);
  });

  it("refuses a wave before the last without a soak", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "        soak: 2h\n", "")), [
      `${F}:40:9: spec.rollout.waves[0]: has no soak; wave 2 may start only once wave 1 has served the candidate at its last step for the soak time. Add soak: <duration>, e.g. soak: 2h (Argo-style: "30m", "2h", "48h").`,
    ]);
  });

  it("refuses a soak on the last wave", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "      - clusters: [eu-west-1]\n", "      - clusters: [eu-west-1]\n        soak: 1h\n")), [
      `${F}:43:15: spec.rollout.waves[1].soak: is on the last wave, which has no next wave to wait for (its last step completes the promotion) (got "1h"). Remove it; a soak belongs to the wave whose clusters are watched before the next wave starts.`,
    ]);
  });

  it("refuses a soak that is not a duration", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "soak: 2h", "soak: 2 hours")), [
      `${F}:41:15: spec.rollout.waves[0].soak: must be a duration like "30s", "10m" or "1h" (got "2 hours"). Rewrite it in that form.`,
    ]);
  });

  it("refuses an unknown field of a wave, listing the fields it has", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "        soak: 2h\n", "        soak: 2h\n        soakTime: 2h\n")), [
      `${F}:42:9: spec.rollout.waves[0].soakTime: is not a field of spec.rollout.waves[0]. Remove it; the fields of spec.rollout.waves[0] are clusters, soak.`,
    ]);
  });

  it("requires the candidate's wave when waves are declared", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "    wave: 1\n", "")), [
      `${F}:24:5: spec.candidate.wave: is required when spec.rollout.waves is declared: it says which wave the canary is in. Add wave: 1 (ml-gitops promote writes it).`,
    ]);
  });

  it("refuses a candidate wave past the last wave", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "    wave: 1\n", "    wave: 3\n")), [
      `${F}:28:11: spec.candidate.wave: is past the last wave (spec.rollout.waves has 2, numbered 1–2) (got 3). Use a wave between 1 and 2.`,
    ]);
  });

  it("refuses wave 0: waves count from 1", () => {
    assert.deepEqual(problems(replaceLine(VALID_WAVES, "    wave: 1\n", "    wave: 0\n")), [`${F}:28:11: spec.candidate.wave: must be at least 1 (got 0). Change the value to meet the limit.`]);
  });

  it("refuses a candidate wave without waves", () => {
    assert.deepEqual(problems(replaceLine(VALID, "    step: 2\n", "    step: 2\n    wave: 1\n"), CONTEXT), [
      `${F}:28:11: spec.candidate.wave: has no spec.rollout.waves to count in (got 1). Remove it, or declare spec.rollout.waves.`,
    ]);
  });

  it("refuses waves when no stack serves the environment, naming what to add", () => {
    assert.deepEqual(problems(VALID_WAVES, { ...CONTEXT, clusters: () => [] }), [
      `${F}:40:7: spec.rollout.waves: names clusters, but no stack in stacks/ serves environment production. Add the environment's cluster stacks (stacks/Pulumi.<stack>.yaml with ml-gitops:environment: production and aws:region), or remove spec.rollout.waves.`,
    ]);
  });

  it("accepts exactly the candidate waves 1..n for n waves (property)", () => {
    const regions = ["r-1", "r-2", "r-3", "r-4", "r-5"];
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: -2, max: 8 }), (n, wave) => {
        const clusters = regions.slice(0, n).map((region, i) => ({ stack: `s-${i}`, region, file: `stacks/Pulumi.s-${i}.yaml` }));
        const waves = clusters.map((c, i) => `      - clusters: [${c.region}]\n${i < n - 1 ? "        soak: 1h\n" : ""}`).join("");
        const text = replaceLine(replaceLine(VALID, "    step: 2\n", `    step: 2\n    wave: ${wave}\n`), "  rollout:\n", `  rollout:\n    waves:\n${waves}`);
        assert.equal(problems(text, { ...CONTEXT, clusters: () => clusters }).length === 0, wave >= 1 && wave <= n, `wave ${wave} of ${n}`);
      }),
    );
  });

  it("does not read the stacks for a declaration without waves", () => {
    let asked = 0;
    assert.deepEqual(problems(VALID, { ...CONTEXT, clusters: () => (asked++, CLUSTERS) }), []);
    assert.equal(asked, 0);
  });
});

describe("the environment's clusters, read from stacks/ (uses the project's sample stacks)", () => {
  it("maps each environment to its cluster stacks and regions, leaving out the artifact store", () => {
    const root = copyProject();
    const all = environmentClusters(root);
    assert.deepEqual([...all.keys()].sort(), ["production", "staging"]);
    assert.deepEqual(clustersOf(root, "production"), [
      { stack: "prod-eu-west-1", region: "eu-west-1", file: "stacks/Pulumi.prod-eu-west-1.yaml" },
      { stack: "prod-us-east-1", region: "us-east-1", file: "stacks/Pulumi.prod-us-east-1.yaml" },
    ]);
    assert.deepEqual(clustersOf(root, "nowhere"), []);
  });

  it("loads the production sample's waves, and refuses them once a new production cluster is in no wave", () => {
    const root = copyProject();
    const loaded = loadDeployments(root, "production", { defaultKServeMode: "Standard" });
    assert.deepEqual(loaded.find((d) => d.declaration.metadata.name === "llama-3-70b-instruct")?.declaration.spec.rollout.waves, [{ clusters: ["us-east-1"], soak: "4h" }, { clusters: ["eu-west-1"] }]);
    writeFileSync(path.join(root, "stacks", "Pulumi.prod-ap-south-1.yaml"), "config:\n  aws:region: ap-south-1\n  ml-gitops:environment: production\n");
    assert.throws(
      () => loadDeployments(root, "production", { defaultKServeMode: "Standard" }),
      (err: unknown) =>
        err instanceof ValidationError &&
        err.problems.map(formatProblem).some((p) => p.endsWith("spec.rollout.waves: leaves prod-ap-south-1 (ap-south-1) of environment production in no wave, so it would never get the candidate. Add ap-south-1 (or the stack name) to a wave.")),
    );
  });
});
