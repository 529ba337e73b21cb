import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadDeploymentFile, loadDeployments } from "../../lib/deployments/loader";
import { formatProblem, ValidationError } from "../../lib/errors";
import { CONTEXT, FILE, IMAGE, KSERVE_FILE, replaceLine, URI_V1, URI_V2, VALID, VALID_KSERVE } from "./fixture";

/** The formatted problems of a text, or [] when it loads. */
function problems(text: string, file = FILE, context = CONTEXT): string[] {
  try {
    loadDeploymentFile(file, text, context);
    return [];
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    return err.problems.map(formatProblem);
  }
}

const F = FILE;

describe("model declaration loader", () => {
  it("loads a valid declaration with the schema's defaults", () => {
    const loaded = loadDeploymentFile(FILE, VALID, CONTEXT);
    assert.equal(loaded.environment, "production");
    assert.equal(loaded.declaration.metadata.namespace, "models");
    assert.equal(loaded.declaration.spec.rollout.progressDeadlineMinutes, 30);
    assert.deepEqual(loaded.declaration.spec.rollout.analysis.slo, { interval: "1m", count: 5, failureLimit: 1, p99LatencyMs: 5000, errorRatePercent: 1 });
  });

  describe("YAML", () => {
    it("reports a syntax error at its position", () => {
      assert.deepEqual(problems(replaceLine(VALID, "    engine: vllm", "    engine: [vllm")), [
        `${F}:10:5: (yaml): YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML syntax at this position.`,
      ]);
    });

    it("reports an alias to an anchor never set at the alias, instead of crashing", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      count: 4", "      count: *gpus")), [
        `${F}:12:14: (yaml): YAML error: Unresolved alias (the anchor must be set before the alias): gpus. Set the anchor (&name) before the alias (*name) that uses it, or write the value out.`,
      ]);
    });

    it("resolves an alias to an anchor set before it, as Kubernetes tooling does", () => {
      const text = replaceLine(replaceLine(VALID, "      count: 4", "      count: &gpus 4"), "      tensorParallelSize: 4", "      tensorParallelSize: *gpus");
      assert.equal(loadDeploymentFile(FILE, text, CONTEXT).declaration.spec.serving.vllm?.tensorParallelSize, 4);
    });

    it("refuses an alias expansion past the yaml library's limit (a billion-laughs file) with a problem, not a hang", () => {
      const laughs = ["x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
      for (let i = 1; i < 9; i++) laughs.push(`x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
      assert.deepEqual(problems(`${laughs.join("\n")}\n${VALID}`), [
        `${F}:1:1: (yaml): YAML error: Excessive alias count indicates a resource exhaustion attack. Write the values out instead of expanding aliases this many times.`,
      ]);
    });

    it("reports a duplicate key at the second occurrence, with its key path", () => {
      assert.deepEqual(problems(replaceLine(VALID, "  model:\n", "  model:\n    format: sklearn\n")), [
        `${F}:8:5: spec.model.format: is written twice in the same mapping (key "format"). Remove one of them, or merge their values.`,
      ]);
    });
  });

  describe("schema", () => {
    it("reports each unknown field at its key, with a suggestion when one is close", () => {
      const text = replaceLine(replaceLine(VALID, "    format: huggingface", "    format: huggingface\n    fromat: x"), "  serving:\n", "  serving:\n    replica: 2\n    colour: red\n");
      assert.deepEqual(problems(text), [
        `${F}:8:5: spec.model.fromat: is not a field of spec.model. Did you mean "format"?`,
        `${F}:10:5: spec.serving.replica: is not a field of spec.serving. Did you mean "replicas"?`,
        `${F}:11:5: spec.serving.colour: is not a field of spec.serving. Remove it; the fields of spec.serving are engine, mode, runtime, replicas, gpu, resources, securityContext, vllm, cache.`,
      ]);
    });

    it("reports a wrong type at the value", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      count: 4", '      count: "4"')), [
        `${F}:12:14: spec.serving.gpu.count: must be a number (got "4"). Write a number, without quotes.`,
      ]);
    });

    it("reports a missing key at the mapping it belongs in", () => {
      assert.deepEqual(problems(replaceLine(VALID, "    engine: vllm\n", "")), [
        `${F}:9:5: spec.serving.engine: is required. Add engine: one of "vllm", "kserve", "llm-inference-service".`,
      ]);
    });

    it("reports a value outside an enum with the allowed values", () => {
      assert.deepEqual(problems(replaceLine(VALID, "    engine: vllm", "    engine: triton")), [
        `${F}:9:13: spec.serving.engine: must be one of "vllm", "kserve", "llm-inference-service" (got "triton"). Use one of "vllm", "kserve", "llm-inference-service".`,
      ]);
    });

    it("reports an unknown GPU model", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      types: [H100, A100]", "      types: [H100, B200]")), [
        `${F}:13:21: spec.serving.gpu.types[1]: must be one of "T4", "T4G", "A10G", "L4", "L40S", "A100", "A100-80GB", "H100", "H200" (got "B200"). Use one of "T4", "T4G", "A10G", "L4", "L40S", "A100", "A100-80GB", "H100", "H200".`,
      ]);
    });
  });

  describe("canary steps (the policy pack's rules)", () => {
    it("refuses a weight outside 0–100", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      - setWeight: 50", "      - setWeight: 150")), [
        `${F}:33:20: spec.rollout.steps[3].setWeight: weight 150 is outside 0–100 (got 150). Use a percentage between 0 and 100.`,
      ]);
    });

    it("refuses weights that do not strictly increase", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      - setWeight: 50", "      - setWeight: 10")), [
        `${F}:33:20: spec.rollout.steps[3].setWeight: weight 10 repeats the previous weight (got 10). Each setWeight must increase the candidate's share.`,
      ]);
      assert.deepEqual(problems(replaceLine(VALID, "      - setWeight: 50", "      - setWeight: 5")), [
        `${F}:33:20: spec.rollout.steps[3].setWeight: weight 5 is lower than the previous weight 10 (got 5). Weights must not decrease.`,
      ]);
    });

    it("refuses a first weight above maxInitialWeight, 25 by default", () => {
      const text = replaceLine(VALID, "      - setWeight: 10", "      - setWeight: 40");
      assert.deepEqual(problems(text), [
        `${F}:30:20: spec.rollout.steps[0].setWeight: the first weight 40 is above maxInitialWeight 25 (got 40). Start at 25 or less.`,
      ]);
      assert.deepEqual(problems(text, FILE, { ...CONTEXT, canaryRules: { maxInitialWeight: 40 } }), []);
    });

    it("refuses a weight below 100 that is not followed by a pause or analysis", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      - pause: {}\n", "")), [
        `${F}:33:20: spec.rollout.steps[3].setWeight: weight 50 is not followed by a pause or analysis before the next setWeight (got 50). Add a pause or analysis step after it so the candidate is observed at this weight.`,
      ]);
    });

    it("refuses steps without any analysis", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      - analysis: slo\n", "")), [
        `${F}:30:7: spec.rollout.steps: has no analysis step and there is no background analysis. Add an analysis step so a bad candidate is rolled back automatically.`,
      ]);
    });

    it("refuses an analysis step that refers to nothing", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      - analysis: slo", "      - analysis: quality")), [
        `${F}:32:19: spec.rollout.steps[2].analysis: refers to analysis "quality", which spec.rollout.analysis does not define (got "quality"). Use one of "slo", or define "quality" under spec.rollout.analysis.`,
      ]);
    });

    it("refuses a candidate step past the last step", () => {
      assert.deepEqual(problems(replaceLine(VALID, "    step: 2", "    step: 6")), [
        `${F}:27:11: spec.candidate.step: is past the last step (spec.rollout.steps has 6, numbered 0–5) (got 6). Use a step between 0 and 5.`,
      ]);
    });
  });

  describe("GPUs and vLLM", () => {
    it("refuses a GPU count no pool on the stack can satisfy, listing the pools", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      types: [H100, A100]", "      types: [A100, L4]")), [
        `${F}:12:7: spec.serving.gpu: needs 4 × A100 or L4 on one node, which no GPU pool on this stack has: gpu-h100 (H100 × 8), gpu-l4 (L4 × 1) (got {"count":4,"types":["A100","L4"]}). Add a GPU model the stack has to gpu.types, lower gpu.count, or add a pool with enough of these GPUs per node.`,
      ]);
    });

    it("skips the GPU-fit check when the context has no pools", () => {
      const text = replaceLine(VALID, "      types: [H100, A100]", "      types: [A100, L4]");
      assert.deepEqual(problems(text, FILE, { defaultKServeMode: "Standard" }), []);
      assert.deepEqual(problems(text, FILE, { defaultKServeMode: "Standard", gpuPools: [] }), []);
    });

    it("refuses GPUs without GPU types", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      types: [H100, A100]\n", "")), [
        `${F}:12:7: spec.serving.gpu.types: is required when gpu.count is 4. List the GPU models that can serve it, e.g. types: [H100, A100].`,
      ]);
    });

    it("refuses the vllm engine without vllm settings", () => {
      const text = replaceLine(VALID, "    vllm:\n      tensorParallelSize: 4\n      maxModelLen: 8192\n      gpuMemoryUtilization: 0.9\n", "");
      assert.deepEqual(problems(text), [`${F}:9:5: spec.serving.vllm: is required for the vllm engine. Add vllm: {tensorParallelSize, maxModelLen, gpuMemoryUtilization}.`]);
    });

    it("refuses the vllm engine without a serving image", () => {
      const text = replaceLine(VALID, `    image: ${IMAGE}\n  candidate:`, "  candidate:");
      assert.deepEqual(problems(text), [
        `${F}:20:5: spec.stable.image: is required for the vllm engine: the Rollout runs this image. Add image: ${IMAGE}.`,
      ]);
    });

    it("refuses a tensor-parallel size that is not the GPU count", () => {
      assert.deepEqual(problems(replaceLine(VALID, "      tensorParallelSize: 4", "      tensorParallelSize: 2")), [
        `${F}:16:27: spec.serving.vllm.tensorParallelSize: must equal spec.serving.gpu.count (4): vLLM shards the model over exactly that many GPUs of one replica (got 2). Set tensorParallelSize to 4, or gpu.count to 2.`,
      ]);
    });
  });

  describe("engine-specific fields", () => {
    const K = KSERVE_FILE;
    it("refuses A/B routing on the kserve engine", () => {
      const text = replaceLine(VALID_KSERVE, "  rollout:\n", "  routing: { header: x-variant, value: b, candidateWeight: 50 }\n  rollout:\n");
      assert.deepEqual(problems(text, K), [
        `${K}:18:12: spec.routing: is rendered only for the vllm engine, whose stable and canary Services ml-gitops owns (got {"header":"x-variant","value":"b","candidateWeight":50}). Remove spec.routing, or serve the model with engine: vllm.`,
      ]);
    });

    it("refuses vllm settings on the kserve engine", () => {
      const text = replaceLine(VALID_KSERVE, "    cache: { size: 16Gi }\n", "    vllm: { tensorParallelSize: 1, maxModelLen: 4096, gpuMemoryUtilization: 0.9 }\n");
      assert.deepEqual(problems(text, K), [
        `${K}:15:11: spec.serving.vllm: only applies to the vllm and llm-inference-service engines (got {"tensorParallelSize":1,"maxModelLen":4096,"gpuMemoryUtilization":0.9,"dtype":"auto","extraArgs":[]}). Remove it, or set engine: vllm.`,
      ]);
    });

    it("refuses a local model cache for the vllm engine and for CPU models", () => {
      assert.deepEqual(problems(replaceLine(VALID, "    vllm:\n", "    cache: { size: 200Gi }\n    vllm:\n")), [
        `${F}:15:12: spec.serving.cache: is only consumed by KServe InferenceServices; the vllm engine streams the model with vLLM's own loader (got {"size":"200Gi"}). Remove it, or serve the model with engine: kserve.`,
      ]);
      assert.deepEqual(problems(replaceLine(VALID_KSERVE, "    gpu: { count: 1, types: [L4] }\n", ""), K), [
        `${K}:14:12: spec.serving.cache: needs a GPU model: local model caches live on the GPU pools' LocalModelNodeGroups (got {"size":"16Gi"}). Remove it; CPU models are small enough to download at start.`,
      ]);
    });

    it("refuses an artifact vLLM's own loader cannot read", () => {
      const oci = "oci://ghcr.io/acme/llama@sha256:61fc8a896b0a4fbbbdc063bc4b0dbc25ce98e02b5050c24aeb7830ac02039b14";
      assert.deepEqual(problems(replaceLine(VALID, `    uri: ${URI_V2}`, `    uri: ${oci}`)), [
        `${F}:25:10: spec.candidate.uri: uses a scheme vLLM's own loader cannot read (the vllm engine has no storage initializer) (got "${oci}"). Publish the model to s3://, gs:// or hf:// and pin it there.`,
      ]);
    });

    it("loads the KServe fixture", () => {
      assert.deepEqual(problems(VALID_KSERVE, K), []);
    });
  });

  describe("artifacts", () => {
    it("leaves pinning to the policy pack: a mutable URI or a tag-only image loads, and the pack refuses it", () => {
      let text = replaceLine(VALID, `    uri: ${URI_V2}`, "    uri: s3://models/llama/latest/");
      text = replaceLine(text, `    image: ${IMAGE}\n  candidate:`, "    image: vllm/vllm-openai:v0.28.0\n  candidate:");
      assert.deepEqual(problems(text), []);
    });

    it("refuses a candidate whose version is the stable version", () => {
      assert.deepEqual(problems(replaceLine(VALID, "    version: v2", "    version: v1")), [
        `${F}:24:14: spec.candidate.version: is the stable version; a candidate is a new version (got "v1"). Give the candidate its own version label, or remove spec.candidate.`,
      ]);
    });

    it("leaves the promotion record to stable-requires-canary", () => {
      const text = replaceLine(VALID, "  rollout:\n", `  releases:\n    - { version: v0, uri: ${URI_V2}, promotedAt: "2025-01-01T00:00:00Z" }\n  rollout:\n`);
      assert.deepEqual(problems(text), []);
    });

    it("accepts a stable that is an earlier release, as after a rollback", () => {
      const releases = `  releases:\n    - { version: v1, uri: ${URI_V1}, promotedAt: "2025-01-01T00:00:00Z" }\n    - { version: v0, uri: ${URI_V2}, promotedAt: "2025-02-01T00:00:00Z" }\n`;
      assert.deepEqual(problems(replaceLine(VALID, "  rollout:\n", `${releases}  rollout:\n`)), []);
    });
  });

  it("refuses an error-rate threshold for a KServe runtime that counts no failed requests", () => {
    // GIVEN the KServe sample served by the xgboost runtime instead of the Hugging Face one
    const xgboost = VALID_KSERVE.replace("    format: huggingface\n", "    format: xgboost\n").replace("runtime: kserve-huggingfaceserver", "runtime: kserve-xgbserver");
    // THEN its error-rate threshold is refused where it is declared, and the latency one stays
    assert.deepEqual(problems(xgboost, KSERVE_FILE), [
      `${KSERVE_FILE}:27:52: spec.rollout.analysis.slo.errorRatePercent: cannot be measured: the kserve-xgbserver model server exports request latency but no error count (got 1). ` +
        "Remove errorRatePercent and gate this model on p99LatencyMs, or serve it with a runtime that counts failed requests (the huggingface format on KServe, or the vllm engine).",
    ]);
    assert.deepEqual(problems(xgboost.replace("{ p99LatencyMs: 2000, errorRatePercent: 1 }", "{ p99LatencyMs: 2000 }"), KSERVE_FILE), []);
  });

  it("refuses GPU-side thresholds the model's server cannot report, each where it is declared", () => {
    const xgboost = VALID_KSERVE.replace("    format: huggingface\n", "    format: xgboost\n")
      .replace("runtime: kserve-huggingfaceserver", "runtime: kserve-xgbserver")
      .replace("{ p99LatencyMs: 2000, errorRatePercent: 1 }", "{ p99LatencyMs: 2000, minGenerationTokensPerSecond: 30, maxKvCacheUsagePercent: 90 }");
    assert.deepEqual(problems(xgboost, KSERVE_FILE), [
      `${KSERVE_FILE}:27:64: spec.rollout.analysis.slo.minGenerationTokensPerSecond: cannot be measured: the kserve-xgbserver model server runs no vLLM engine, whose metrics this threshold reads (got 30). Remove it, or serve the model with the vllm engine or the huggingface format on KServe.`,
      `${KSERVE_FILE}:27:92: spec.rollout.analysis.slo.maxKvCacheUsagePercent: cannot be measured: the kserve-xgbserver model server runs no vLLM engine, whose metrics this threshold reads (got 90). Remove it, or serve the model with the vllm engine or the huggingface format on KServe.`,
    ]);
    const cpu = VALID_KSERVE.replace("    gpu: { count: 1, types: [L4] }\n", "").replace("{ p99LatencyMs: 2000, errorRatePercent: 1 }", "{ p99LatencyMs: 2000, maxGpuMemoryUsagePercent: 95 }");
    assert.deepEqual(problems(cpu, KSERVE_FILE).filter((p) => p.includes("maxGpuMemoryUsagePercent")), [
      `${KSERVE_FILE}:26:60: spec.rollout.analysis.slo.maxGpuMemoryUsagePercent: cannot be measured: the model uses no GPU (got 95). Remove it, or give the model GPUs in spec.serving.gpu.`,
    ]);
  });

  it("refuses an analysis with no threshold at all", () => {
    const none = VALID_KSERVE.replace("{ p99LatencyMs: 2000, errorRatePercent: 1 }", "{ interval: 1m }");
    assert.equal(problems(none, KSERVE_FILE).length, 1);
    assert.match(problems(none, KSERVE_FILE)[0]!, /spec\.rollout\.analysis\.slo: an analysis needs at least one threshold: p99LatencyMs, errorRatePercent, p99TimeToFirstTokenMs, p99InterTokenLatencyMs, minGenerationTokensPerSecond, maxKvCacheUsagePercent, maxGpuMemoryUsagePercent/);
  });

  it("refuses a file name that is not <metadata.name>.yaml", () => {
    assert.deepEqual(problems(replaceLine(VALID, "  name: llama", "  name: llama-3")), [
      `${F}:4:9: metadata.name: does not match the file name llama.yaml (got "llama-3"). Rename the file to deployments/production/llama-3.yaml, or change metadata.name.`,
    ]);
  });

  describe("a directory of declarations", () => {
    function project(files: Record<string, string>): string {
      const root = mkdtempSync(path.join(tmpdir(), "ml-gitops-loader-"));
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      }
      return root;
    }

    it("collects the problems of every file and throws once", () => {
      const root = project({
        "deployments/production/llama.yaml": replaceLine(VALID, "      count: 4", '      count: "4"'),
        "deployments/production/other.yaml": replaceLine(VALID, "  name: llama", "  name: other").replace("    version: v2", "    version: v1"),
      });
      assert.throws(
        () => loadDeployments(root, "production", CONTEXT),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError);
          assert.deepEqual(err.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.path}`), [
            "deployments/production/llama.yaml:12:14: spec.serving.gpu.count",
            "deployments/production/other.yaml:24:14: spec.candidate.version",
          ]);
          assert.match(err.message, /^model deployments for production: 2 problems\n/);
          return true;
        },
      );
    });

    it("names both positions of a model declared twice", () => {
      const root = project({
        "deployments/production/llama.yaml": VALID,
        "deployments/production/llama.yml": VALID,
      });
      assert.throws(
        () => loadDeployments(root, "production", CONTEXT),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError);
          assert.deepEqual(err.problems.map(formatProblem), [
            `deployments/production/llama.yml:4:9: metadata.name: does not match the file name llama.yml (got "llama"). Rename the file to deployments/production/llama.yaml, or change metadata.name.`,
            `deployments/production/llama.yml:4:9: metadata.name: is also declared in deployments/production/llama.yaml:4:9; a model name is unique within environment production (got "llama"). Rename one of them, or delete the older declaration.`,
          ]);
          return true;
        },
      );
    });

    it("names the environments there are when one is missing", () => {
      const root = project({ "deployments/production/llama.yaml": VALID });
      assert.throws(() => loadDeployments(root, "prod", CONTEXT), {
        message: 'model deployments for prod: 1 problem\n  - deployments/prod: environment: has no directory deployments/prod (got "prod"). Use one of production, or create deployments/prod/.',
      });
    });

    it("loads every sample declaration of the repository against the sample stacks' pools", () => {
      const root = path.resolve(__dirname, "../..");
      const pools = {
        production: [
          { name: "gpu-h100", gpuModel: "H100", gpusPerNode: 8 },
          { name: "gpu-l4", gpuModel: "L4", gpusPerNode: 1 },
          { name: "gpu-a100", gpuModel: "A100", gpusPerNode: 8 },
          { name: "gpu-a10g", gpuModel: "A10G", gpusPerNode: 1 },
        ],
        staging: [
          { name: "gpu-l40s", gpuModel: "L40S", gpusPerNode: 4 },
          { name: "gpu-a10g", gpuModel: "A10G", gpusPerNode: 1 },
        ],
      } as const;
      for (const env of ["production", "staging"] as const) {
        const loaded = loadDeployments(root, env, { defaultKServeMode: "Standard", gpuPools: pools[env] });
        const expected = ["fraud-detector", "llama-3-70b-instruct", "mistral-7b-instruct", ...(env === "staging" ? ["qwen2-5-7b-instruct"] : [])];
        assert.deepEqual(loaded.map((d) => d.declaration.metadata.name), expected);
      }
    });
  });
});
