/**
 * model-artifact-immutable reads a model wherever a server is told where its model is, and
 * nowhere else. One pinned fixture (with the unrelated URLs real deployments carry); each test
 * changes one field and asserts the exact message.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { COMMIT, DIGEST, fixture, messages, resourceOf, withField } from "./helpers";
import { commandsOf, shellWords } from "../../policies/lib/predicates/model-source";

const POLICY = "model-artifact-immutable";
const deployment = fixture("vllm-rollout-pinned.yaml");
const check = (o: Record<string, unknown>, config = {}) => messages(POLICY, [resourceOf(o)], config);
const C = "spec.template.spec.containers[0]";
const INIT = "spec.template.spec.initContainers[0]";
const S3_FIX = (prefix: string) => `the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://${prefix}/sha256-<64 hex>/ in an Object Lock bucket.`;
const NO_REV = "is a Hugging Face repository id with no revision, so it follows the default branch";
const args = (deployment as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0]!.args;

describe("model sources: no false alarms", () => {
  it("passes a fully pinned server whose env holds OTel, proxy, HF mirror and redis URLs", () => {
    assert.deepEqual(check(deployment), []);
  });

  for (const [i, name, value] of [
    [0, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4317"],
    [1, "HTTPS_PROXY", "http://proxy.corp:3128"],
    [2, "HF_ENDPOINT", "https://hf-mirror.corp"],
    [3, "REDIS_URL", "redis://cache:6379/0"],
  ] as const) {
    it(`does not read ${name} as a model, even with allowedMutableSchemes empty`, () => {
      assert.deepEqual(check(withField(deployment, `${C}.env[${i}].value`, value), { [POLICY]: { allowedMutableSchemes: [] } }), []);
    });
  }

  it("still reads STORAGE_URI, which KServe reads as the model", () => {
    assert.deepEqual(check(withField(deployment, `${C}.env[4].value`, "s3://models/llama/latest/")), [`${C}.env[4].value "s3://models/llama/latest/" is not pinned: ${S3_FIX("models/llama")}`]);
  });
});

describe("model sources: nowhere to hide", () => {
  it("refuses a bare Hugging Face repo id without --revision", () => {
    const without = args.filter((a) => a !== "--revision" && a !== COMMIT);
    assert.deepEqual(check(withField(deployment, `${C}.args`, without)), [
      `${C}.args[2] "meta-llama/Llama-3.1-8B-Instruct" is not pinned: ${NO_REV}; pin it to a commit with --revision <40 hex commit sha>, or name it as hf://meta-llama/Llama-3.1-8B-Instruct:<40 hex commit sha>.`,
    ]);
  });

  it("refuses a bare repo id at a branch revision", () => {
    assert.deepEqual(check(withField(deployment, `${C}.args[4]`, "main")), [
      `${C}.args[2] "meta-llama/Llama-3.1-8B-Instruct" is not pinned: is a Hugging Face repository id at --revision "main", a branch or tag that can move (only a 40 lowercase hex commit SHA pins); pin it to a commit with --revision <40 hex commit sha>, or name it as hf://meta-llama/Llama-3.1-8B-Instruct:<40 hex commit sha>.`,
    ]);
  });

  it("reads the positional model after a boolean flag", () => {
    assert.deepEqual(check(withField(deployment, `${C}.args[2]`, "s3://models/llama/latest/")), [`${C}.args[2] "s3://models/llama/latest/" is not pinned: ${S3_FIX("models/llama")}`]);
  });

  it("reads --model_id (TGI, KServe huggingfaceserver) and MODEL_ID with REVISION", () => {
    assert.deepEqual(check(withField(deployment, `${C}.args`, ["--model_id", "meta-llama/Llama-3.1-8B-Instruct"])), [
      `${C}.args[1] "meta-llama/Llama-3.1-8B-Instruct" is not pinned: ${NO_REV}; pin it to a commit with --revision <40 hex commit sha>, or name it as hf://meta-llama/Llama-3.1-8B-Instruct:<40 hex commit sha>.`,
    ]);
    const tgi = withField(withField(deployment, `${C}.args`, []), `${C}.env[4]`, { name: "MODEL_ID", value: "bigscience/bloom" });
    assert.deepEqual(check(tgi), [`${C}.env[4].value "bigscience/bloom" is not pinned: ${NO_REV}; pin it to a commit with REVISION <40 hex commit sha>, or name it as hf://bigscience/bloom:<40 hex commit sha>.`]);
    assert.deepEqual(check(withField(tgi, `${C}.env[5]`, { name: "REVISION", value: COMMIT })), []);
  });

  it("reads a LoRA adapter given to --lora-modules, in name=path and JSON forms", () => {
    assert.deepEqual(check(withField(deployment, `${C}.args[6]`, "sql=s3://models/sql-lora/latest/")), [`${C}.args[6] "s3://models/sql-lora/latest/" is not pinned: ${S3_FIX("models/sql-lora")}`]);
    assert.deepEqual(check(withField(deployment, `${C}.args[6]`, '{"name": "sql", "path": "hf://acme/sql-lora:main"}')), [
      `${C}.args[6] "hf://acme/sql-lora:main" is not pinned: has revision "main", a branch or tag that can move (only a 40 lowercase hex commit SHA pins); pin the revision to a commit: hf://acme/sql-lora:<40 hex commit sha>.`,
    ]);
  });

  it("reads a model inside an sh -c script and an init container's download", () => {
    assert.deepEqual(check(withField(deployment, `${INIT}.command[2]`, "aws s3 sync s3://models/llama/latest/ /mnt/models && echo done")), [`${INIT}.command[2] "s3://models/llama/latest/" is not pinned: ${S3_FIX("models/llama")}`]);
    assert.deepEqual(check(withField(deployment, `${INIT}.command[2]`, "hf download meta-llama/Llama-3.1-8B-Instruct --local-dir /mnt/models")), [
      `${INIT}.command[2] "meta-llama/Llama-3.1-8B-Instruct" is not pinned: ${NO_REV}; pin it to a commit with --revision <40 hex commit sha>, or name it as hf://meta-llama/Llama-3.1-8B-Instruct:<40 hex commit sha>.`,
    ]);
    const script = `exec vllm serve 'meta-llama/Llama-3.1-8B-Instruct' --port 8000`;
    assert.deepEqual(check(withField(deployment, `${C}`, { name: "vllm", image: `vllm/vllm-openai@sha256:${DIGEST}`, command: ["/bin/bash", "-c", script] })), [
      `${C}.command[2] "meta-llama/Llama-3.1-8B-Instruct" is not pinned: ${NO_REV}; pin it to a commit with --revision <40 hex commit sha>, or name it as hf://meta-llama/Llama-3.1-8B-Instruct:<40 hex commit sha>.`,
    ]);
  });

  it("reads Triton and TF Serving model paths", () => {
    assert.deepEqual(check(withField(deployment, `${C}.args`, ["tritonserver", "--model-repository=s3://models/triton/latest"])), [`${C}.args[1] "s3://models/triton/latest" is not pinned: ${S3_FIX("models/triton")}`]);
    assert.deepEqual(check(withField(deployment, `${C}.args`, ["tensorflow_model_server", "--model_base_path=gs://models/tf/1"])), [
      `${C}.args[1] "gs://models/tf/1" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as gs://models/tf/sha256-<64 hex>/ in a bucket with a locked retention policy.`,
    ]);
  });
});

describe("model sources in KServe resources", () => {
  const isvc = fixture("inference-service.yaml");

  it("reads predictor.model.storage.path", () => {
    assert.deepEqual(check(withField(withField(isvc, "spec.predictor.model.storageUri", undefined), "spec.predictor.model.storage", { key: "s3-models", path: "llama/latest" })), [
      'spec.predictor.model.storage.path "llama/latest" is not pinned: the path has no sha256 content-digest segment (sha256-<64 lowercase hex>); publish the model under a digest and point at it, e.g. llama/sha256-<64 hex>/.',
    ]);
    assert.deepEqual(check(withField(withField(isvc, "spec.predictor.model.storageUri", undefined), "spec.predictor.model.storage", { key: "s3-models", path: `llama/sha256-${DIGEST}` })), []);
  });

  it("reads workerSpec containers", () => {
    const worker = { containers: [{ name: "w", image: `vllm/vllm-openai@sha256:${DIGEST}`, args: ["--model", "s3://models/llama/latest/"] }] };
    assert.deepEqual(check(withField(isvc, "spec.predictor.workerSpec", worker)), [`spec.predictor.workerSpec.containers[0].args[1] "s3://models/llama/latest/" is not pinned: ${S3_FIX("models/llama")}`]);
  });

  it("reads LLMInferenceService LoRA adapters and LocalModelNamespaceCache", () => {
    const llm = { apiVersion: "serving.kserve.io/v1alpha1", kind: "LLMInferenceService", metadata: { name: "l" }, spec: { model: { uri: `hf://meta-llama/Llama-3-8B:${COMMIT}`, lora: { adapters: [{ name: "sql", uri: "hf://acme/sql-lora" }] } } } };
    assert.deepEqual(check(llm), ['spec.model.lora.adapters[0].uri "hf://acme/sql-lora" is not pinned: has no revision, so it follows the default branch; pin the revision to a commit: hf://acme/sql-lora:<40 hex commit sha>.']);
    const cache = { apiVersion: "serving.kserve.io/v1alpha1", kind: "LocalModelNamespaceCache", metadata: { name: "c", namespace: "team" }, spec: { sourceModelUri: "s3://models/llama/latest/" } };
    assert.deepEqual(check(cache), [`spec.sourceModelUri "s3://models/llama/latest/" is not pinned: ${S3_FIX("models/llama")}`]);
  });
});

describe("shell words", () => {
  it("splits quoted words and command separators", () => {
    assert.deepEqual(shellWords(`a 'b c' "d \\"e\\"" f&&g;h|i`), ["a", "b c", 'd "e"', "f", ";", ";", "g", ";", "h", ";", "i"]);
  });

  it("never loses a word: joining plain words with spaces splits back to them", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9=/:._-]{1,12}$/), { maxLength: 8 }), (words) => {
        assert.deepEqual(shellWords(words.join(" ")), words);
        assert.deepEqual(commandsOf([{ path: "p", value: "sh" }, { path: "p", value: "-c" }, { path: "s", value: words.join(" ") }]).flat().map((w) => w.value), words);
      }),
    );
  });
});

describe("model sources: flags around the positional model", () => {
  const rollout = fixture("vllm-rollout-pinned.yaml");
  const at = (argv: string[]) => check(withField(rollout, `${C}.args`, argv));
  const bare = (i: number) => `${C}.args[${i}] "meta-llama/Llama-3.1-8B-Instruct" is not pinned: ${NO_REV}; pin it to a commit with --revision <40 hex commit sha>, or name it as hf://meta-llama/Llama-3.1-8B-Instruct:<40 hex commit sha>.`;

  it("reads the model after a --no-x flag, which takes no value", () => {
    assert.deepEqual(at(["serve", "--no-enable-prefix-caching", "meta-llama/Llama-3.1-8B-Instruct"]), [bare(2)]);
  });

  it("does not take a known flag's value for the model", () => {
    assert.deepEqual(at(["serve", "--port", "8000", "meta-llama/Llama-3.1-8B-Instruct"]), [bare(3)]);
    assert.deepEqual(at(["serve", "--served-model-name", "acme/llama", "--revision", COMMIT, "/mnt/models"]), []);
  });

  it("judges a model-looking word after a flag it does not know", () => {
    assert.deepEqual(at(["serve", "--some-new-flag", "meta-llama/Llama-3.1-8B-Instruct"]), [bare(2)]);
  });
});

describe("model sources: KServe huggingfaceserver", () => {
  const rollout = fixture("vllm-rollout-pinned.yaml");
  const at = (argv: string[]) => check(withField(rollout, `${C}.args`, argv));

  it("pins --model_id with --model_revision, and names that flag in the fix", () => {
    assert.deepEqual(at(["--model_name=llama", "--model_id=meta-llama/Llama-3.1-8B-Instruct", `--model_revision=${COMMIT}`]), []);
    assert.deepEqual(at(["--model_id=meta-llama/Llama-3.1-8B-Instruct", "--model_revision=main"]), [
      `${C}.args[0] "meta-llama/Llama-3.1-8B-Instruct" is not pinned: is a Hugging Face repository id at --model_revision "main", a branch or tag that can move (only a 40 lowercase hex commit SHA pins); pin it to a commit with --model_revision <40 hex commit sha>, or name it as hf://meta-llama/Llama-3.1-8B-Instruct:<40 hex commit sha>.`,
    ]);
  });
});
