/**
 * What the loader refuses for the llm-inference-service engine: each test changes one field of a
 * valid declaration and asserts the exact problem (file:line:column, key, value, fix).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { formatProblem, ValidationError } from "../../lib/errors";
import { CONTEXT, LLMISVC_FILE as L, REV_2, replaceLine, VALID_LLMISVC } from "./fixture";

function problems(text: string): string[] {
  try {
    loadDeploymentFile(L, text, CONTEXT);
    return [];
  } catch (err) {
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    return err.problems.map(formatProblem);
  }
}

describe("llm-inference-service declarations", () => {
  it("loads the valid fixture", () => {
    assert.deepEqual(problems(VALID_LLMISVC), []);
  });

  it("refuses a model format vLLM cannot serve", () => {
    assert.deepEqual(problems(replaceLine(VALID_LLMISVC, "    format: huggingface", "    format: sklearn")), [
      `${L}:8:13: spec.model.format: cannot be served by the llm-inference-service engine: it runs vLLM, which serves huggingface and vllm models (got "sklearn"). Use format: huggingface, or serve the model with engine: kserve.`,
    ]);
  });

  it("refuses a replica range: an LLMInferenceService runs a fixed count", () => {
    assert.deepEqual(problems(replaceLine(VALID_LLMISVC, "    replicas: { min: 2, max: 2 }", "    replicas: { min: 1, max: 3 }")), [
      `${L}:12:15: spec.serving.replicas: must have min equal to max for the llm-inference-service engine: an LLMInferenceService runs a fixed replica count unless KServe's workload-variant-autoscaler is installed (spec.scaling) (got {"min":1,"max":3}). Set min and max to the replicas the model needs, e.g. { min: 3, max: 3 }.`,
    ]);
  });

  it("refuses a URI scheme KServe's LLMInferenceService controller cannot fetch", () => {
    const gs = `gs://models/qwen/sha256-${"a".repeat(64)}/`;
    assert.deepEqual(problems(replaceLine(VALID_LLMISVC, `uri: "hf://Qwen/Qwen2.5-7B-Instruct:${REV_2}"`, `uri: "${gs}"`)), [
      `${L}:16:36: spec.candidate.uri: uses a scheme KServe's LLMInferenceService controller cannot fetch (got "${gs}"). Publish the model to hf://, s3://, oci://, oci+native://, pvc:// and pin it there.`,
    ]);
  });

  it("refuses a version whose object name would not fit the pods' app.kubernetes.io/name label", () => {
    // A 59-character version is a valid label; with "qwen-" in front it is 64.
    const version = `v1.1-${"x".repeat(54)}`;
    const [problem] = problems(replaceLine(VALID_LLMISVC, "{ version: v1.1,", `{ version: ${version},`));
    assert.equal(
      problem,
      `${L}:16:25: spec.candidate.version: makes the LLMInferenceService name qwen-v1-1-${"x".repeat(54)} (64 characters), longer than the 63 KServe puts in its pods' app.kubernetes.io/name label (got "${version}"). Shorten the version label or metadata.name so that <name>-<version slug> fits in 63 characters.`,
    );
  });

  it("refuses a tensor parallel size other than the GPUs per replica", () => {
    const text = replaceLine(VALID_LLMISVC, "    resources: { cpu: \"6\", memory: 24Gi }\n", "    resources: { cpu: \"6\", memory: 24Gi }\n    vllm: { tensorParallelSize: 2, maxModelLen: 8192, gpuMemoryUtilization: 0.9 }\n");
    assert.deepEqual(problems(text), [
      `${L}:15:33: spec.serving.vllm.tensorParallelSize: must equal spec.serving.gpu.count (1): vLLM shards the model over exactly that many GPUs of one replica (got 2). Set tensorParallelSize to 1, or gpu.count to 2.`,
    ]);
  });

  it("refuses InferenceService-only settings: mode, runtime, cache, and A/B routing", () => {
    const text = replaceLine(
      replaceLine(VALID_LLMISVC, "    engine: llm-inference-service\n", "    engine: llm-inference-service\n    mode: Standard\n    runtime: kserve-huggingfaceserver\n    cache: { size: 16Gi }\n"),
      "  rollout:\n",
      "  routing: { header: x-variant, value: b, candidateWeight: 50 }\n  rollout:\n",
    );
    assert.deepEqual(problems(text), [
      `${L}:12:11: spec.serving.mode: is a KServe InferenceService deployment mode; an LLMInferenceService has none (got "Standard"). Remove it, or serve the model with engine: kserve.`,
      `${L}:13:14: spec.serving.runtime: names a ServingRuntime; an LLMInferenceService runs vLLM from KServe's LLM template (got "kserve-huggingfaceserver"). Remove it, or serve the model with engine: kserve.`,
      `${L}:14:12: spec.serving.cache: is only consumed by KServe InferenceServices (LocalModelCache) (got {"size":"16Gi"}). Remove it, or serve the model with engine: kserve.`,
      `${L}:20:12: spec.routing: is rendered only for the vllm engine, whose stable and canary Services ml-gitops owns (got {"header":"x-variant","value":"b","candidateWeight":50}). Remove it, or serve the model with engine: vllm.`,
    ]);
  });

  it("accepts the token-latency thresholds, and refuses them where no vLLM engine runs", () => {
    const sklearn = `apiVersion: ml-gitops.dev/v1alpha1
kind: ModelDeployment
metadata:
  name: fraud
spec:
  model: { format: sklearn }
  serving:
    engine: kserve
    replicas: { min: 1, max: 2 }
    resources: { cpu: "1", memory: 2Gi }
  stable: { version: v1, uri: "s3://models/fraud/sha256-${"a".repeat(64)}/" }
  rollout:
    steps: [{ setWeight: 10 }, { analysis: slo }, { setWeight: 100 }]
    analysis:
      slo: { p99LatencyMs: 100, p99TimeToFirstTokenMs: 500, p99InterTokenLatencyMs: 50 }
`;
    const file = "deployments/staging/fraud.yaml";
    let found: string[] = [];
    try {
      loadDeploymentFile(file, sklearn, CONTEXT);
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      found = err.problems.map(formatProblem);
    }
    assert.deepEqual(found, [
      `${file}:15:56: spec.rollout.analysis.slo.p99TimeToFirstTokenMs: cannot be measured: the KServe model server runs no vLLM engine, whose metrics this threshold reads (got 500). Remove it, or serve the model with the vllm engine or the huggingface format on KServe.`,
      `${file}:15:85: spec.rollout.analysis.slo.p99InterTokenLatencyMs: cannot be measured: the KServe model server runs no vLLM engine, whose metrics this threshold reads (got 50). Remove it, or serve the model with the vllm engine or the huggingface format on KServe.`,
    ]);
  });
});
