/**
 * The pack over KServe's LLM path: an LLMInferenceService canary is two objects (stable and
 * candidate, one per version) in one routing group. Each test changes one field of the compliant
 * pair (test/fixtures/policies/llm-inference-service-*.yaml) and asserts the exact message.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel } from "../../lib/render/model-manifests";
import { CONTEXT, LLMISVC_FILE, replaceLine, VALID_LLMISVC } from "../deployments/fixture";
import { DIGEST, fixture, messages, resourceOf, violations, withField } from "./helpers";

const stable = fixture("llm-inference-service-stable.yaml");
const candidate = fixture("llm-inference-service-candidate.yaml");
const pair = (s = stable, c = candidate) => [resourceOf(s, "stable"), resourceOf(c, "candidate")];
const CANARY = "model-canary-required";
const IMAGES = "serving-image-digest";
const ARTIFACT = "model-artifact-immutable";
const HARDENED = "model-workload-hardened";
const STEPS = 'metadata.annotations["ml-gitops.dev/canary-step-weights"]';
const GROUP_AT = 'the LLMInferenceServices of routing group "qwen" in namespace "models"';

describe("policy pack: LLMInferenceService", () => {
  it("accepts the compliant stable/candidate pair under every rule", () => {
    assert.deepEqual(violations(CANARY, pair()).concat(violations(IMAGES, pair()), violations(ARTIFACT, pair()), violations(HARDENED, pair())), []);
  });

  describe("model-canary-required", () => {
    it("refuses a candidate weight other than the declared step's setWeight", () => {
      const v = violations(CANARY, pair(withField(stable, "spec.router.route.weight", 80), withField(candidate, "spec.router.route.weight", 20)));
      assert.deepEqual(v.map((x) => [x.level, x.name, x.message]), [
        ["mandatory", "stable", 'spec.router.route.weight is 80 on stable v2.5-2025-04, but the candidate v2.5-2025-06 is declared at weight 10 (annotation ml-gitops.dev/canary-step-weights is "10"), so the stable\'s share is 90; set it to 90 so the pair sums to 100'],
        ["mandatory", "candidate", 'spec.router.route.weight is 20 on candidate v2.5-2025-06, but its declared step sets weight 10 (annotation ml-gitops.dev/canary-step-weights is "10"); set it to 10, or move the canary with ml-gitops advance'],
      ]);
    });

    it("refuses a candidate whose step record is not a list of weights", () => {
      assert.deepEqual(messages(CANARY, pair(stable, withField(candidate, STEPS, "ten"))), [
        'spec.router.route.weight is 10 on candidate v2.5-2025-06, but annotation ml-gitops.dev/canary-step-weights is "ten", not the comma-separated weights the candidate has stepped through; render it from its declaration (deployments/<environment>/<model>.yaml) so the weight is the declared step\'s',
      ]);
    });

    it("refuses a candidate above maxInitialWeight that was not stepped there", () => {
      const c = withField(withField(candidate, "spec.router.route.weight", 50), STEPS, "50");
      assert.deepEqual(messages(CANARY, pair(withField(withField(stable, "spec.router.route.weight", 50), STEPS, "50"), c)), [
        'spec.router.route.weight is 50, above maxInitialWeight 25, and annotation ml-gitops.dev/canary-step-weights ("50") does not show it was stepped there; start at 25 or less and record each step, e.g. ml-gitops.dev/canary-step-weights: "25,50"',
      ]);
      const stepped = (r: Record<string, unknown>) => withField(r, STEPS, "10,50");
      assert.deepEqual(messages(CANARY, pair(stepped(withField(stable, "spec.router.route.weight", 50)), stepped(withField(candidate, "spec.router.route.weight", 50)))), []);
    });

    it("refuses route weights that do not sum to 100, once for the group", () => {
      const v = violations(CANARY, pair(withField(withField(stable, "spec.router.route.weight", 95), "metadata.annotations", {}), withField(candidate, "metadata.annotations", {})));
      assert.deepEqual(v.map((x) => [x.name, x.message]), [
        ["stable", `${GROUP_AT} have weights qwen-v2-5-2025-04: 95, qwen-v2-5-2025-06: 10, summing to 105; KServe splits traffic in proportion to them, so no version gets the share written: make them sum to 100 (stable 100 − w, candidate w)`],
      ]);
    });

    it("refuses a third version in the group", () => {
      const third = withField(withField(withField(candidate, "metadata.name", "qwen-v2-4"), "spec.router.route.weight", 0), "metadata.labels", {});
      assert.deepEqual(messages(CANARY, [...pair(), resourceOf(third, "third")]), [
        `${GROUP_AT} are 3 versions (qwen-v2-5-2025-04: 90, qwen-v2-5-2025-06: 10, qwen-v2-4: 0); a canary is one stable and one candidate, so delete the versions that no longer serve`,
      ]);
    });

    it("refuses versions serving different model names, which KServe leaves out of each other's routes", () => {
      assert.deepEqual(messages(CANARY, pair(stable, withField(candidate, "spec.model.name", "qwen-ft"))), [
        `${GROUP_AT} serve different model names (qwen-v2-5-2025-04: ["Qwen/Qwen2.5-7B-Instruct"], qwen-v2-5-2025-06: ["qwen-ft"]), so KServe routes each to the members serving its own names only and the traffic split never happens; give every version the same spec.model.name and LoRA adapter names`,
      ]);
    });

    it("refuses a weight without a group and a group without a weight, as KServe's webhook does", () => {
      assert.deepEqual(messages(CANARY, [resourceOf(withField(candidate, "spec.router.route.group", undefined))]), [
        'spec.router.route.weight is 10, but spec.router.route.group is not set, and KServe refuses a weight without a group ("weight requires group"); set group to the name the stable and candidate versions share',
      ]);
      assert.deepEqual(messages(CANARY, [resourceOf(withField(candidate, "spec.router.route.weight", undefined))]), [
        'spec.router.route.group is "qwen", but spec.router.route.weight is not set, and KServe refuses a group without a weight ("group requires weight"); set weight to this version\'s share in percent',
      ]);
    });

    it("refuses a weight outside 0–100", () => {
      assert.deepEqual(messages(CANARY, [resourceOf(withField(candidate, "spec.router.route.weight", 1000))]), [
        "spec.router.route.weight is 1000, outside 0–100; give each version of the routing group its share in percent, the shares summing to 100",
      ]);
    });

    it("judges a hand-written pair (no record) by the group alone", () => {
      const bare = (r: Record<string, unknown>) => withField(withField(r, "metadata.annotations", undefined), "metadata.labels", undefined);
      assert.deepEqual(messages(CANARY, pair(bare(stable), bare(candidate))), []);
      assert.equal(messages(CANARY, pair(bare(withField(stable, "spec.router.route.weight", 9)), bare(candidate))).length, 1);
    });

    it("accepts what the renderer writes at every step, including before the first setWeight (property)", () => {
      const CTX = { kserveMode: "Standard" as const, storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
      const pauseFirst = replaceLine(VALID_LLMISVC, "      - setWeight: 10\n", "      - pause: { duration: 5m }\n      - setWeight: 10\n");
      fc.assert(
        fc.property(fc.boolean(), fc.integer({ min: 0, max: 6 }), (opensWithPause, step) => {
          const text = replaceLine(opensWithPause ? pauseFirst : VALID_LLMISVC, "step: 4 }", `step: ${Math.min(step, opensWithPause ? 6 : 5)} }`);
          const objects = renderModel(loadDeploymentFile(LLMISVC_FILE, text, CONTEXT), CTX).map((o, i) => resourceOf(o as unknown as Record<string, unknown>, `o${i}`));
          return messages(CANARY, objects).length === 0;
        }),
        { numRuns: 30 },
      );
    });

    it("accepts every declared step whose pair sums to 100, and refuses every other candidate weight (property)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 100 }), (declared, written) => {
          const at = (r: Record<string, unknown>, w: number) => withField(withField(r, "spec.router.route.weight", w), STEPS, String(declared));
          const got = messages(CANARY, pair(at(stable, 100 - written), at(candidate, written)));
          return written === declared ? got.length === 0 : got.some((m) => m.includes(`its declared step sets weight ${declared}`));
        }),
        { numRuns: 60 },
      );
    });
  });

  describe("serving-image-digest", () => {
    for (const path of ["spec.template.containers[0].image", "spec.router.scheduler.template.containers[0].image", "spec.worker.containers[0].image", "spec.prefill.template.containers[0].image", "spec.prefill.worker.initContainers[0].image"]) {
      it(`refuses a tag-only image at ${path}`, () => {
        const c = withField(withField(candidate, path.replace(/\.image$/, ".name"), "main"), path, "ghcr.io/llm-d/llm-d:v0.3.0");
        assert.deepEqual(messages(IMAGES, [resourceOf(c)]), [`${path} "ghcr.io/llm-d/llm-d:v0.3.0" uses the tag :v0.3.0 without a digest, and tags can be pushed again; pin it by digest: ghcr.io/llm-d/llm-d:v0.3.0@sha256:<64 hex>.`]);
      });
    }

    it("judges the images of an LLMInferenceServiceConfig preset, which KServe merges into the services using it", () => {
      const preset = { apiVersion: "serving.kserve.io/v1alpha2", kind: "LLMInferenceServiceConfig", metadata: { name: "p" }, spec: { template: { containers: [{ name: "main", image: "ghcr.io/llm-d/llm-d:latest" }] } } };
      assert.deepEqual(messages(IMAGES, [resourceOf(preset)]), ['spec.template.containers[0].image "ghcr.io/llm-d/llm-d:latest" uses the :latest tag, which moves with every push; pin it by digest: ghcr.io/llm-d/llm-d@sha256:<64 hex>.']);
    });
  });

  describe("model-artifact-immutable", () => {
    it("refuses a mutable spec.model.uri", () => {
      assert.deepEqual(messages(ARTIFACT, [resourceOf(withField(candidate, "spec.model.uri", "hf://Qwen/Qwen2.5-7B-Instruct"))]), [
        'spec.model.uri "hf://Qwen/Qwen2.5-7B-Instruct" is not pinned: has no revision, so it follows the default branch; pin the revision to a commit: hf://Qwen/Qwen2.5-7B-Instruct:<40 hex commit sha>.',
      ]);
    });
    it("refuses a mutable LoRA adapter URI", () => {
      const c = withField(candidate, "spec.model.lora.adapters[0]", { name: "support", uri: "s3://models/qwen-lora/latest/" });
      assert.equal(messages(ARTIFACT, [resourceOf(c)]).length, 1);
      assert.match(messages(ARTIFACT, [resourceOf(c)])[0]!, /^spec\.model\.lora\.adapters\[0\]\.uri "s3:\/\/models\/qwen-lora\/latest\/"/);
    });
    it("accepts a digest-addressed S3 prefix", () => {
      assert.deepEqual(messages(ARTIFACT, [resourceOf(withField(candidate, "spec.model.uri", `s3://models/qwen/sha256-${DIGEST}/`))]), []);
    });
  });

  describe("model-workload-hardened", () => {
    it("judges the model container of spec.template, not the scheduler", () => {
      const c = withField(candidate, "spec.template.containers[0].securityContext.allowPrivilegeEscalation", true);
      assert.deepEqual(messages(HARDENED, [resourceOf(c)]), ["spec.template.containers[0].securityContext.allowPrivilegeEscalation is not false; set it to false"]);
      // The llm-d scheduler is KServe's router, not a model server: its bare container is not judged.
      assert.deepEqual(messages(HARDENED, [resourceOf(withField(candidate, "spec.router.scheduler.template.containers[0].securityContext", { privileged: true }))]), []);
    });
  });

  describe("stable-requires-canary, on an llm-inference-service declaration", () => {
    const sample = parse(readFileSync(join(__dirname, "../../deployments/staging/qwen2-5-7b-instruct.yaml"), "utf8")) as Record<string, unknown>;
    const declaration = (d: Record<string, unknown>) => ({ urn: "urn:md", type: MODEL_DEPLOYMENT_TYPE, name: "qwen2-5-7b-instruct", props: { declaration: d } });
    it("accepts the staging sample, and refuses a stable edited in by hand", () => {
      assert.deepEqual(messages("stable-requires-canary", [declaration(sample)]), []);
      assert.deepEqual(messages("stable-requires-canary", [declaration(withField(sample, "spec.stable.uri", "hf://Qwen/Qwen2.5-7B-Instruct:" + "b".repeat(40)))]), [
        `declaration.spec.stable (v2.5-2025-04, hf://Qwen/Qwen2.5-7B-Instruct:${"b".repeat(40)}) is not a promoted release: release v2.5-2025-04 was promoted as (v2.5-2025-04, hf://Qwen/Qwen2.5-7B-Instruct:a09a35458c702b33eeacc393d103063234e8bc28). Promote it with ml-gitops promote and advance through the canary instead of editing spec.stable by hand.`,
      ]);
    });
  });
});
