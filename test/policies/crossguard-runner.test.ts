/**
 * The pack under the real CrossGuard runner (test/support/crossguard-runner.ts): started from
 * policies/ as `pulumi preview --policy-pack policies` starts it, configured with
 * policies/config.json, and judged over gRPC. Its verdicts must equal the offline evaluation
 * (plan/policy/evaluate.ts) that `plan` and `check` use, for every sample stack and for injected
 * violations. One runner process for the whole file: it compiles the pack once (~20 s).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { evaluatePolicies, type PackConfig, type PolicyResource } from "../../plan/policy/evaluate";
import { planStacks, toPolicyResource, gitopsObjectsOf } from "../../plan/plan";
import { toPolicyResource as manifestResource } from "../../lib/manifests/resources";
import { parseManifests, readManifests } from "../../lib/manifests/read";
import { join } from "node:path";
import { CrossGuardRunner, packConfigFile, type PolicyInfo, type RunnerViolation } from "../support/crossguard-runner";
import { PROJECT_ROOT } from "../support/project-copy";
import { DIGEST, UNKNOWN_STRING, withField } from "./helpers";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import { declarationInput, declarationOf } from "../../lib/predicates/model-deployment-props";

interface Verdict {
  policy: string;
  level: string;
  urn: string;
  message: string;
}

const key = (v: Verdict) => `${v.urn}\u0000${v.policy}\u0000${v.level}\u0000${v.message}`;
const sorted = (vs: Verdict[]) => [...vs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

let runner: CrossGuardRunner;
let policies: PolicyInfo[];
const config: PackConfig = packConfigFile();
const stacks: { stack: string; resources: PolicyResource[]; gitops: PolicyResource[] }[] = [];

/** What the engine would show: the runner prefixes the description; a resource policy's urn is the resource's. */
async function viaRunner(resources: readonly PolicyResource[]): Promise<Verdict[]> {
  const description = new Map(policies.map((p) => [p.name, p.description]));
  const strip = (v: RunnerViolation, urn: string): Verdict => {
    const prefix = `${description.get(v.policy)}\n`;
    assert.ok(v.message.startsWith(prefix), `runner message of ${v.policy} does not start with its description: ${v.message}`);
    return { policy: v.policy, level: v.level, urn: v.urn || urn, message: v.message.slice(prefix.length) };
  };
  const out: Verdict[] = [];
  for (const r of resources) for (const v of await runner.analyze(r)) out.push(strip(v, r.urn));
  for (const v of await runner.analyzeStack(resources)) out.push(strip(v, ""));
  return sorted(out);
}

function offline(resources: readonly PolicyResource[]): Verdict[] {
  return sorted(evaluatePolicies(resources, config).map(({ policy, level, urn, message }) => ({ policy, level, urn, message })));
}

describe("the policy pack under the real CrossGuard runner", () => {
  before(async () => {
    const [started, plans] = await Promise.all([
      CrossGuardRunner.start({ stack: "runner-test" }),
      planStacks({ root: PROJECT_ROOT, packConfig: config }),
    ]);
    runner = started;
    for (const p of plans) {
      stacks.push({ stack: p.stack, resources: p.resources.map(toPolicyResource), gitops: gitopsObjectsOf(p.gitops).map(manifestResource) });
    }
    const info = await runner.info();
    policies = info.policies;
    await runner.configure(policies, config);
  });
  after(async () => {
    await runner?.stop();
  });

  it("loads from policies/ and serves every policy of the pack with its own level", async () => {
    const info = await runner.info();
    assert.equal(info.name, "ml-gitops");
    const { policies: pack } = await import("../../policies/pack");
    assert.deepEqual(
      info.policies.map((p) => [p.name, p.enforcementLevel]),
      pack.map((p) => [p.name, p.enforcementLevel ?? "mandatory"]),
    );
  });

  it("gives every sample stack's resources the verdicts of the offline evaluation", async () => {
    assert.ok(stacks.length >= 4, `expected the sample stacks, got ${stacks.map((s) => s.stack).join(", ")}`);
    for (const s of stacks) {
      assert.deepEqual(await viaRunner(s.resources), offline(s.resources), `stack ${s.stack}`);
    }
  });

  it("gives every sample stack's GitOps objects the verdicts of the offline evaluation", async () => {
    for (const s of stacks) {
      assert.ok(s.gitops.length > 0 || s.stack === "artifacts", `stack ${s.stack} renders no GitOps objects`);
      assert.deepEqual(await viaRunner(s.gitops), offline(s.gitops), `stack ${s.stack}`);
    }
  });

  it("reports injected violations exactly as the offline evaluation does", async () => {
    const cluster = stacks.find((s) => s.gitops.some((r) => r.type.endsWith(":Rollout")) && s.gitops.some((r) => r.type.endsWith(":InferenceService")));
    assert.ok(cluster, "no sample stack renders both a Rollout and an InferenceService");
    const isvc = cluster.gitops.find((r) => r.type.endsWith(":InferenceService"))!;
    const rollout = cluster.gitops.find((r) => r.type.endsWith(":Rollout"))!;
    const nodeGroup = cluster.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")!;
    const model = cluster.resources.find((r) => r.type === MODEL_DEPLOYMENT_TYPE && typeof r.props.declaration === "string")!;
    const injected: PolicyResource[] = [
      { ...isvc, urn: `${isvc.urn}-latest`, props: withField(isvc.props, "spec.predictor.model.storageUri", "s3://acme-ml-models-us-east-1/fraud/latest/") },
      { ...isvc, urn: `${isvc.urn}-elsewhere`, props: withField(isvc.props, "spec.predictor.model.storageUri", `s3://someone-elses-bucket/fraud/sha256-${DIGEST}/`) },
      { ...isvc, urn: `${isvc.urn}-unknown`, props: withField(isvc.props, "spec.predictor.model.storageUri", UNKNOWN_STRING) },
      { ...rollout, urn: `${rollout.urn}-tag`, props: withField(rollout.props, "spec.template.spec.containers[0].image", "vllm/vllm-openai:latest") },
      { ...rollout, urn: `${rollout.urn}-nosteps`, props: withField(rollout.props, "spec.strategy.canary.steps", [{ setWeight: 50 }]) },
      { ...nodeGroup, urn: `${nodeGroup.urn}-untainted`, props: withField(nodeGroup.props, "taints", []) },
      // A ModelDeployment's declaration arrives as the JSON text the component registers.
      { ...model, urn: `${model.urn}-unpinned`, props: { ...model.props, declaration: declarationInput(withField(declarationOf(model.props) as object, "spec.stable.uri", "s3://acme-ml-models-us-east-1/fraud/latest/")) } },
    ];
    const expected = offline(injected);
    assert.ok(expected.some((v) => v.urn === `${model.urn}-unpinned` && v.policy === "model-artifact-immutable"), JSON.stringify(expected, null, 2));
    assert.ok(expected.filter((v) => v.level === "mandatory").length >= 4, `the injected resources should violate mandatory rules: ${JSON.stringify(expected, null, 2)}`);
    assert.deepEqual(await viaRunner(injected), expected);
  });

  it("judges an LLMInferenceService canary, member by member and as a routing group, as the offline evaluation does", async () => {
    const cluster = stacks.find((s) => s.gitops.filter((r) => r.type.endsWith(":LLMInferenceService")).length === 2);
    assert.ok(cluster, "no sample stack renders an LLMInferenceService canary (stable and candidate)");
    const [older, newer] = cluster.gitops.filter((r) => r.type.endsWith(":LLMInferenceService"));
    const member = (r: PolicyResource, suffix: string, path: string, value: unknown): PolicyResource => ({ ...r, urn: `${r.urn}-${suffix}`, props: withField(r.props, path, value) });
    const pairs: PolicyResource[][] = [
      [older!, newer!],
      // The candidate moved without its declaration: its own weight and the group's sum are wrong.
      [older!, member(newer!, "weight", "spec.router.route.weight", 20)],
      [member(older!, "names", "spec.model.name", "other"), newer!],
      [older!, member(newer!, "scheduler", "spec.router.scheduler.template.containers", [{ name: "main", image: "ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0" }])],
      [older!, member(newer!, "uri", "spec.model.uri", "hf://Qwen/Qwen2.5-7B-Instruct")],
    ];
    const fired = new Set<string>();
    for (const resources of pairs) {
      const expected = offline(resources);
      for (const v of expected) fired.add(`${v.urn.split("-").pop()} ${v.policy}`);
      assert.deepEqual(await viaRunner(resources), expected);
    }
    // The group's messages go to its first member: the stable (…-v2-5-2025-04), renamed or not.
    assert.deepEqual([...fired].sort(), ["04 model-canary-required", "names model-canary-required", "scheduler serving-image-digest", "uri model-artifact-immutable", "weight model-canary-required"]);
    assert.equal(offline(pairs[1]!).filter((v) => v.policy === "model-canary-required").length, 2, "the candidate's weight and the group's sum");
  });

  it("judges a manifest of each class check reads as check does", async () => {
    const fixtures = readManifests([join(PROJECT_ROOT, "test/fixtures/policies")]).objects.map(manifestResource);
    const classes = parseManifests(CLASSES, "classes.yaml");
    assert.deepEqual(classes.failures, []);
    const resources = [...fixtures, ...classes.objects.map(manifestResource)];
    const expected = offline(resources);
    const fired = new Set(expected.map((v) => `${v.urn.split(":").pop()} ${v.policy}`));
    for (const want of [
      "templated model-artifact-immutable",
      "hf-bare model-artifact-immutable",
      "no-steps model-canary-required",
      "deployment model-serving-canary-capable",
      "models argocd-app-sync-safe",
      "merged serving-image-digest",
    ]) assert.ok([...fired].some((f) => f.endsWith(want)), `${want} did not fire: ${[...fired].join(", ")}`);
    assert.deepEqual(expected.filter((v) => v.urn.endsWith(":false-alarms")), [], "a URL that is not a model was judged as one");
    assert.deepEqual(await viaRunner(resources), expected);
  });
});

const DIGEST_64 = "a".repeat(64);
/** One manifest per class of issue 13, as check reads them (templates unknown, merge keys merged). */
const CLASSES = `apiVersion: v1
kind: Pod
metadata: {name: templated}
spec:
  containers:
    - name: kserve-container
      image: "kserve/huggingfaceserver:{{ .Values.tag }}"
      args: ["--model_name={{.Name}}", "--model_id", "s3://models/llama/latest/"]
---
apiVersion: v1
kind: Pod
metadata: {name: false-alarms}
spec:
  containers:
    - name: vllm
      image: vllm/vllm-openai@sha256:${DIGEST_64}
      args: [serve, "s3://acme-ml-models-us-east-1/llama/sha256-${DIGEST_64}/", --otlp-traces-endpoint=http://otel:4317]
      env:
        - {name: HTTPS_PROXY, value: "http://proxy:3128"}
        - {name: REDIS_URL, value: "redis://cache:6379"}
---
apiVersion: v1
kind: Pod
metadata: {name: hf-bare}
spec:
  containers:
    - {name: vllm, image: "vllm/vllm-openai@sha256:${DIGEST_64}", command: [sh, -c, "vllm serve --trust-remote-code meta-llama/Llama-3.1-8B"]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: no-steps}
spec:
  progressDeadlineSeconds: 1800
  strategy: {canary: {canaryService: c, stableService: s, steps: [], analysis: {}}}
  template: {spec: {containers: [{name: v, image: "vllm/vllm-openai@sha256:${DIGEST_64}"}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: deployment}
spec:
  replicas: 1
  template: {spec: {containers: [{name: v, image: "vllm/vllm-openai@sha256:${DIGEST_64}"}]}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: models}
spec:
  source: {path: clusters/prod/models}
  syncPolicy: {automated: {enabled: false, prune: true, selfHeal: true}, syncOptions: [ServerSideApply=true]}
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceServiceList
items:
  - apiVersion: serving.kserve.io/v1beta1
    kind: InferenceService
    metadata: {name: merged, annotations: {serving.kserve.io/deploymentMode: Standard}}
    spec:
      predictor:
        model:
          <<: {image: "vllm/vllm-openai:latest", storageUri: "s3://acme-ml-models-us-east-1/m/sha256-${DIGEST_64}/"}
          modelFormat: {name: huggingface}
`;
