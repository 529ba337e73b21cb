/** A valid declaration, line by line, so each test changes one line and knows its position. */
import type { DeploymentContext } from "../../lib/deployments/loader";

export const FILE = "deployments/production/llama.yaml";
export const IMAGE = "vllm/vllm-openai:v0.28.0@sha256:61fc8a896b0a4fbbbdc063bc4b0dbc25ce98e02b5050c24aeb7830ac02039b14";
export const URI_V1 = "s3://models/llama/sha256-1111111111111111111111111111111111111111111111111111111111111111/";
export const URI_V2 = "s3://models/llama/sha256-2222222222222222222222222222222222222222222222222222222222222222/";

export const VALID = `apiVersion: ml-gitops.dev/v1alpha1
kind: ModelDeployment
metadata:
  name: llama
spec:
  model:
    format: huggingface
  serving:
    engine: vllm
    replicas: { min: 1, max: 2 }
    gpu:
      count: 4
      types: [H100, A100]
    resources: { cpu: "32", memory: 320Gi }
    vllm:
      tensorParallelSize: 4
      maxModelLen: 8192
      gpuMemoryUtilization: 0.9
  stable:
    version: v1
    uri: ${URI_V1}
    image: ${IMAGE}
  candidate:
    version: v2
    uri: ${URI_V2}
    image: ${IMAGE}
    step: 2
  rollout:
    steps:
      - setWeight: 10
      - pause: { duration: 10m }
      - analysis: slo
      - setWeight: 50
      - pause: {}
      - setWeight: 100
    analysis:
      slo: { p99LatencyMs: 5000, errorRatePercent: 1 }
`;

export const CONTEXT: DeploymentContext = {
  defaultKServeMode: "Standard",
  gpuPools: [
    { name: "gpu-h100", gpuModel: "H100", gpusPerNode: 8 },
    { name: "gpu-l4", gpuModel: "L4", gpusPerNode: 1 },
  ],
};

/** VALID with one line replaced (exact text match; fails loudly when the line is not there). */
export function replaceLine(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture has no line ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

export const KSERVE_FILE = "deployments/staging/mistral.yaml";
export const HF_V1 = "hf://mistralai/Mistral-7B-Instruct-v0.3:1111111111111111111111111111111111111111";
export const HF_V2 = "hf://mistralai/Mistral-7B-Instruct-v0.3:2222222222222222222222222222222222222222";

/** A small LLM on one GPU via KServe, with a candidate on step 4 (the pause at 25%). */
export const VALID_KSERVE = `apiVersion: ml-gitops.dev/v1alpha1
kind: ModelDeployment
metadata:
  name: mistral
  team: bots
spec:
  model:
    format: huggingface
  serving:
    engine: kserve
    runtime: kserve-huggingfaceserver
    replicas: { min: 1, max: 3 }
    gpu: { count: 1, types: [L4] }
    resources: { cpu: "6", memory: 24Gi }
    cache: { size: 16Gi }
  stable: { version: v1.0, uri: "${HF_V1}" }
  candidate: { version: v1.1, uri: "${HF_V2}", step: 4 }
  rollout:
    steps:
      - setWeight: 10
      - pause: { duration: 10m }
      - analysis: slo
      - setWeight: 25
      - pause: {}
      - setWeight: 100
    analysis:
      slo: { p99LatencyMs: 2000, errorRatePercent: 1 }
`;

export const LLMISVC_FILE = "deployments/staging/qwen.yaml";
export const REV_1 = "1".repeat(40);
export const REV_2 = "2".repeat(40);

/** A 7B model on one L4 per replica, with a candidate on step 4 (the pause at 25%). */
export const VALID_LLMISVC = `apiVersion: ml-gitops.dev/v1alpha1
kind: ModelDeployment
metadata:
  name: qwen
  team: bots
spec:
  model:
    format: huggingface
    servedName: Qwen/Qwen2.5-7B-Instruct
  serving:
    engine: llm-inference-service
    replicas: { min: 2, max: 2 }
    gpu: { count: 1, types: [L4] }
    resources: { cpu: "6", memory: 24Gi }
  stable: { version: v1.0, uri: "hf://Qwen/Qwen2.5-7B-Instruct:${REV_1}" }
  candidate: { version: v1.1, uri: "hf://Qwen/Qwen2.5-7B-Instruct:${REV_2}", step: 4 }
  rollout:
    steps:
      - setWeight: 10
      - pause: { duration: 10m }
      - analysis: tokens
      - setWeight: 25
      - pause: {}
      - setWeight: 100
    analysis:
      tokens: { p99TimeToFirstTokenMs: 800, p99InterTokenLatencyMs: 100, errorRatePercent: 1 }
`;

/** A training block for VALID whose output is VALID's candidate (line numbers follow "  rollout:"). */
export const TRAINER_IMAGE = `registry.example.com/acme/trainer:1.0@sha256:${"3".repeat(64)}`;
export const DATASET_URI = `s3://datasets/support/sha256-${"4".repeat(64)}/`;
export const TRAINING = `  training:
    image: ${TRAINER_IMAGE}
    args: [--epochs=3]
    gpu: { count: 8, types: [H100] }
    resources: { cpu: "64", memory: 900Gi }
    datasetUri: ${DATASET_URI}
    outputUri: ${URI_V2}
`;
/** VALID with TRAINING, just before spec.rollout. */
export const VALID_TRAINING = replaceLine(VALID, "  rollout:\n", `${TRAINING}  rollout:\n`);
