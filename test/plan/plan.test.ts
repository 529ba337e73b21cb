import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { crdsAvailable, validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { loadPackConfig } from "../../plan/policy/evaluate";
import { planStacks, type StackPlan } from "../../plan/plan";
import { countsByType, summaryMarkdown, writePlan } from "../../plan/report";
import { copyProject, PROJECT_ROOT } from "../support/project-copy";
import { versionSlug } from "../../lib/render/inference-service";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: any };

const CRDS = crdsAvailable() ? false : "../shared/crds not found: CRD validation of the plan skipped";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? files(join(dir, e)) : [join(dir, e)]));
}

/** Resource counts of every sample stack, by type: a change to what a stack creates shows here. */
const CLUSTER_COMMON = {
  "aws:ec2/launchTemplate:LaunchTemplate": 2,
  "aws:eks/cluster:Cluster": 1,
  "aws:eks/nodeGroup:NodeGroup": 2,
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
  "aws:iam/role:Role": 3,
  "aws:iam/rolePolicy:RolePolicy": 1,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 4,
  "aws:kms/key:Key": 1,
  "kubernetes:core/v1:Namespace": 6,
  // The GitOps credentials and the Hugging Face token of the predictors.
  "kubernetes:core/v1:Secret": 2,
  "kubernetes:core/v1:ServiceAccount": 1,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": 1,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": 1,
  "ml-gitops:platform:ClusterAccess": 1,
  "ml-gitops:platform:DcgmExporter": 1,
  "ml-gitops:platform:GpuNodePool": 2,
  "ml-gitops:platform:ModelReaderRole": 1,
  "ml-gitops:platform:Monitoring": 1,
  "ml-gitops:serving:ArgoRollouts": 1,
  "ml-gitops:serving:KServe": 1,
  "ml-gitops:serving:ModelDeployment": 3,
  "pulumi:providers:kubernetes": 1,
  "pulumi:pulumi:Stack": 1,
  // The artifact store's outputs, read (not managed) by every cluster.
  "pulumi:pulumi:StackReference": 1,
  // Gateway API CRDs and the Gateway models' routes attach to.
  "kubernetes:yaml/v2:ConfigFile": 1,
  "kubernetes:gateway.networking.k8s.io/v1:Gateway": 1,
  "ml-gitops:serving:GatewayApi": 1,
};
const ARGOCD = {
  "kubernetes:argoproj.io/v1alpha1:AppProject": 1,
  "kubernetes:argoproj.io/v1alpha1:Application": 1,
  "kubernetes:helm.sh/v3:Release": 9,
  "ml-gitops:gitops:ArgoCd": 1,
  "ml-gitops:platform:NvidiaDevicePlugin": 1,
};
/**
 * Production caches mistral-7b (L4, A10G, L40S). eu-west-1 has an AL2023 A10G pool: one
 * LocalModelNodeGroup (gpu-a10g) and the two LocalModel charts. us-east-1's only matching pool
 * (L4) is Bottlerocket, where the cache's agent cannot run: no group, no charts, no cache.
 */
const LOCAL_MODEL_CACHE = {
  "kubernetes:serving.kserve.io/v1alpha1:LocalModelNodeGroup": 1,
  "kubernetes:helm.sh/v3:Release": 11,
  // The download jobs' namespace, its default ServiceAccount (IRSA, S3, HF token) and the token there.
  "kubernetes:core/v1:Namespace": 7,
  "kubernetes:core/v1:ServiceAccountPatch": 1,
  "kubernetes:core/v1:Secret": 3,
};
const EXPECTED_COUNTS: Record<string, Record<string, number>> = {
  artifacts: {
    "aws:iam/role:Role": 1,
    "aws:iam/rolePolicy:RolePolicy": 1,
    "aws:kms/alias:Alias": 3,
    "aws:kms/key:Key": 3,
    "aws:s3/bucket:Bucket": 3,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 3,
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": 3,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 3,
    "aws:s3/bucketPolicy:BucketPolicy": 3,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 3,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": 1,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 3,
    "aws:s3/bucketVersioning:BucketVersioning": 3,
    "ml-gitops:platform:ArtifactStore": 1,
    "ml-gitops:platform:ModelBucket": 3,
    "pulumi:providers:aws": 3,
    "pulumi:pulumi:Stack": 1,
  },
  "prod-eu-west-1": { ...CLUSTER_COMMON, ...ARGOCD, ...LOCAL_MODEL_CACHE },
  "prod-us-east-1": { ...CLUSTER_COMMON, ...ARGOCD },
  "staging-us-west-2": {
    ...CLUSTER_COMMON,
    // staging also serves qwen2-5-7b-instruct, the LLMInferenceService sample, so it installs
    // KServe's kserve-llmisvc-crd and kserve-llmisvc-resources charts too
    "ml-gitops:serving:ModelDeployment": 4,
    // Its l40s pool is Karpenter's (reserved capacity with fallback): one managed node group
    // left, and Karpenter itself: the chart, its namespace, the controller role (IRSA) with
    // upstream's six policies, the node role with its four managed policies and access entry,
    // the interruption queue with its policy and five EventBridge rules, the discovery tag on
    // the cluster security group, and the pool's EC2NodeClass and NodePool.
    "aws:ec2/launchTemplate:LaunchTemplate": 1,
    "aws:eks/nodeGroup:NodeGroup": 1,
    "ml-gitops:platform:GpuNodePool": 1,
    "ml-gitops:platform:Karpenter": 1,
    "ml-gitops:platform:KarpenterGpuPool": 1,
    "aws:iam/role:Role": 5,
    "aws:iam/rolePolicy:RolePolicy": 7,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 8,
    "aws:eks/accessEntry:AccessEntry": 1,
    "aws:sqs/queue:Queue": 1,
    "aws:sqs/queuePolicy:QueuePolicy": 1,
    "aws:cloudwatch/eventRule:EventRule": 5,
    "aws:cloudwatch/eventTarget:EventTarget": 5,
    "aws:ec2/tag:Tag": 1,
    // flux-system comes with Flux's release manifest, not as a resource of its own.
    "kubernetes:core/v1:Namespace": 6,
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": 1,
    "kubernetes:karpenter.sh/v1:NodePool": 1,
    "kubernetes:helm.sh/v3:Release": 10,
    // Gateway API CRDs, and Flux's release manifest.
    "kubernetes:yaml/v2:ConfigFile": 2,
    // The models, and the training Jobs' path (qwen2-5-7b-instruct trains its candidate); the stack
    // renders no GPU-infrastructure path for Flux to sync.
    "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization": 2,
    "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository": 1,
    "ml-gitops:gitops:Flux": 1,
  },
};

describe("offline plan of the sample stacks", () => {
  let plans: StackPlan[];
  const plan = (stack: string) => plans.find((p) => p.stack === stack)!;
  before(async () => {
    plans = await planStacks({ root: PROJECT_ROOT });
  });

  it("plans the artifact store first, then every cluster that references it", () => {
    assert.deepEqual(plans.map((p) => p.stack), ["artifacts", "prod-eu-west-1", "prod-us-east-1", "staging-us-west-2"]);
  });

  it("registers the expected resources per type on every stack", () => {
    for (const p of plans) {
      assert.deepEqual(Object.fromEntries(countsByType(p)), EXPECTED_COUNTS[p.stack], p.stack);
    }
  });

  it("finds no mandatory policy violation", () => {
    const mandatory = plans.flatMap((p) => p.violations.filter((v) => v.level === "mandatory").map((v) => `${p.stack}: ${v.policy}: ${v.message}`));
    assert.deepEqual(mandatory, []);
  });

  it("passes the project's pack config, which makes every hygiene rule mandatory", async () => {
    const strict = await planStacks({ root: PROJECT_ROOT, packConfig: loadPackConfig(join(PROJECT_ROOT, "policies/config.json")) });
    assert.deepEqual(strict.flatMap((p) => p.violations.map((v) => `${p.stack}: ${v.level} ${v.policy}: ${v.message}`)), []);
  });

  it("renders the environment's declarations on each cluster", () => {
    assert.deepEqual(plan("prod-us-east-1").models.map((m) => m.declaration.metadata.name).sort(), ["fraud-detector", "llama-3-70b-instruct", "mistral-7b-instruct"]);
    assert.ok(plan("staging-us-west-2").models.every((m) => m.file.startsWith("deployments/staging/")));
  });

  it("serves each cluster from its region's replica of the artifact store", () => {
    for (const [stack, region] of [["prod-eu-west-1", "eu-west-1"], ["staging-us-west-2", "us-west-2"], ["prod-us-east-1", "us-east-1"]] as const) {
      // The serving role's policy (staging's Karpenter controller has role policies too).
      const policy = plan(stack).resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.startsWith("model-reader"))!;
      const document = JSON.parse(String(policy.props.policy)) as { Statement: { Resource: string | string[] }[] };
      const buckets = new Set(document.Statement.flatMap((s) => [s.Resource].flat()).filter((r) => r.startsWith("arn:aws:s3:::")).map((r) => r.split("/")[0]));
      assert.deepEqual([...buckets], [`arn:aws:s3:::acme-ml-models-${region}`], stack);
      const uris = plan(stack).gitopsFiles.flatMap((f) => [...f.content.matchAll(/s3:\/\/([a-z0-9.-]+)\//g)].map((m) => m[1]));
      assert.ok(uris.length > 0, `${stack} renders s3 URIs`);
      assert.deepEqual([...new Set(uris)], [`acme-ml-models-${region}`], stack);
    }
  });

  it("replicates the primary bucket to one replica per serving region, each hardened", () => {
    const artifacts = plan("artifacts");
    const buckets = artifacts.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.props.bucket).sort();
    assert.deepEqual(buckets, ["acme-ml-models-eu-west-1", "acme-ml-models-us-east-1", "acme-ml-models-us-west-2"]);
    const [replication] = artifacts.resources.filter((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    const rules = replication!.props.rules as { destination: { bucket: string }; deleteMarkerReplication: { status: string } }[];
    assert.deepEqual(rules.map((r) => r.destination.bucket).sort(), ["arn:aws:s3:::acme-ml-models-eu-west-1", "arn:aws:s3:::acme-ml-models-us-west-2"]);
    assert.ok(rules.every((r) => r.deleteMarkerReplication.status === "Disabled"));
    assert.deepEqual(Object.keys((artifacts.outputs.store as { buckets: object }).buckets).sort(), ["eu-west-1", "us-east-1", "us-west-2"]);
  });

  it("places each GPU pool only in zones that offer its instance types", () => {
    const pool = plan("prod-us-east-1").resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name.startsWith("gpu-h100"))!;
    // p5.48xlarge is offered in us-east-1a, 1c and 1d, not in 1b.
    assert.deepEqual(pool.props.subnetIds, ["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001c", "subnet-0e1a5c0de0000001d"]);
    const a100 = plan("prod-eu-west-1").resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name.startsWith("gpu-a100"))!;
    assert.deepEqual(a100.props.subnetIds, ["subnet-0e0e5c0de0000002a", "subnet-0e0e5c0de0000002c"]);
  });

  it("provisions staging's l40s pool through Karpenter in its reservation, on-demand only as declared fallback", () => {
    const staging = plan("staging-us-west-2").resources;
    const nodePool = staging.find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")!;
    const nodeClass = staging.find((r) => r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")!;
    const spec = nodePool.props.spec as { template: { spec: { requirements: { key: string; values: string[] }[] } }; limits: Record<string, string> };
    assert.deepEqual(spec.template.spec.requirements.find((r) => r.key === "karpenter.sh/capacity-type")!.values, ["reserved", "on-demand"]);
    assert.deepEqual(spec.limits, { nodes: "2", "nvidia.com/gpu": "8" });
    const classSpec = nodeClass.props.spec as Record<string, unknown>;
    assert.deepEqual(classSpec.capacityReservationSelectorTerms, [{ tags: { "acme.dev/reservation": "ml-staging-l40s" } }]);
    assert.deepEqual(classSpec.securityGroupSelectorTerms, [{ tags: { "karpenter.sh/discovery": "ml-staging-usw2" } }]);
    const tag = staging.find((r) => r.type === "aws:ec2/tag:Tag")!;
    assert.deepEqual([tag.props.key, tag.props.value], ["karpenter.sh/discovery", "ml-staging-usw2"]);
    const release = staging.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.name === "karpenter")!;
    assert.equal(release.props.chart, "oci://public.ecr.aws/karpenter/karpenter");
    assert.equal(release.props.version, "1.14.1");
    // Both are among the manifests the strict CRD test below validates.
    assert.deepEqual(plan("staging-us-west-2").manifests.filter((m) => m.apiVersion.startsWith("karpenter")).map((m) => m.kind).sort(), ["EC2NodeClass", "NodePool"]);
    // Only staging installs Karpenter.
    assert.deepEqual(plans.filter((p) => p.resources.some((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool")).map((p) => p.stack), ["staging-us-west-2"]);
  });

  it("renders custom resources that validate strictly against the upstream CRDs", { skip: CRDS }, () => {
    const objects = plans.flatMap((p) => [
      ...p.manifests.map((o) => ({ where: `${p.stack} ${o.kind}/${o.metadata.name}`, object: o })),
      ...p.gitopsFiles.flatMap((f) => parseAllDocuments(f.content).map((d) => ({ where: `${p.stack} ${f.path}`, object: d.toJSON() as { apiVersion: string; kind: string } }))),
    ]);
    // Custom resources only: built-in *.k8s.io groups (RBAC, networking) have no CRD; Gateway API
    // (gateway.networking.k8s.io, v1.5.1 in ../shared/crds/gateway-api) does, and is checked.
    const custom = objects.filter(({ object }) => object.apiVersion.includes(".") && (object.apiVersion.startsWith("gateway.networking.k8s.io/") || !/^[a-z.]*\bk8s\.io\//.test(object.apiVersion)));
    assert.ok(custom.length >= 20, `expected the sample stacks to render custom resources, found ${custom.length}`);
    const errors = custom.flatMap(({ where, object }) => validateAgainstCrds(object).map((e) => `${where}: ${e}`));
    assert.deepEqual(errors, []);
  });

  it("serves production llama-3-70b-instruct's canary only in its first region wave: us-east-1 at step 5, eu-west-1 byte for byte as with no candidate", async () => {
    // GIVEN the sample's canary in wave 1 of [us-east-1] then [eu-west-1]
    const filesOf = (p: StackPlan) => p.gitopsFiles.filter((f) => f.path.includes("/llama-3-70b-instruct/") || f.path.includes("llama-3-70b-instruct"));
    const rolloutOf = (p: StackPlan) => p.gitops.find((g) => g.object.kind === "Rollout" && g.object.metadata.name === "llama-3-70b-instruct")!.object;
    // THEN us-east-1 serves the candidate at the declared step…
    assert.equal(rolloutOf(plan("prod-us-east-1")).metadata.annotations?.["ml-gitops.dev/candidate-version"], "v2.2.0");
    assert.equal(rolloutOf(plan("prod-us-east-1")).metadata.annotations?.["ml-gitops.dev/candidate-step"], "4");
    assert.equal(rolloutOf(plan("prod-eu-west-1")).metadata.annotations?.["ml-gitops.dev/candidate-version"], undefined);
    // …and eu-west-1's files are exactly those of the same project with the candidate removed
    const copy = copyProject();
    const file = join(copy, "deployments/production/llama-3-70b-instruct.yaml");
    const text = readFileSync(file, "utf8");
    const withoutCandidate = text.replace(/ {2}# The canary in progress[\s\S]*?(?= {2}releases:)/, "");
    assert.notEqual(withoutCandidate, text);
    writeFileSync(file, withoutCandidate);
    const [, bare] = await planStacks({ root: copy, stacks: ["prod-eu-west-1"] }).finally(() => rmSync(copy, { recursive: true, force: true }));
    assert.equal(bare!.stack, "prod-eu-west-1");
    assert.ok(filesOf(bare!).length >= 4);
    assert.deepEqual(filesOf(plan("prod-eu-west-1")), filesOf(bare!));
    assert.deepEqual(plan("prod-eu-west-1").models.find((m) => m.name === "llama-3-70b-instruct")!.cluster, { stack: "prod-eu-west-1", region: "eu-west-1" });
    // AND the pull-request summary says where each stack stands
    const summary = summaryMarkdown(plans);
    assert.ok(summary.includes("### llama-3-70b-instruct: stable v2.1.0, canary v2.2.0 at step 5/9 (25%), wave 1/2 (us-east-1)\n"));
    assert.ok(summary.includes("### llama-3-70b-instruct: stable v2.1.0, stable only: wave 2/2 (eu-west-1) waits while canary v2.2.0 is in wave 1/2 at step 5/9\n"));
  });

  /** Every rendered object of a stack: applied directly, or written for GitOps. */
  const rendered = (p: StackPlan): Obj[] => [...(p.manifests as unknown as Obj[]), ...p.gitopsFiles.flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJSON() as Obj))];

  it("carries each KServe Standard canary's declared weight from the model's hostname to its candidate predictor", () => {
    let walked = 0;
    let walkedStable = 0;
    for (const p of plans.filter((x) => x.stack !== "artifacts")) {
      const objects = rendered(p);
      for (const isvc of objects.filter((o) => o.kind === "InferenceService" && o.metadata.annotations?.["serving.kserve.io/deploymentMode"] === "Standard")) {
        const { name, namespace } = isvc.metadata;
        // GIVEN the hostname clients call for the model (KServe's default domain template)
        const routes = objects.filter((o) => o.kind === "HTTPRoute" && o.metadata.namespace === namespace && o.spec.hostnames.some((h: string) => h.startsWith(`${name}-${namespace}.`)));
        const main = routes.filter((r) => r.spec.rules.every((rule: { matches: { headers?: unknown }[] }) => rule.matches.every((m) => m.headers === undefined)));
        assert.equal(main.length, 1, `${p.stack} ${name}: one route carries the hostname's unmatched traffic`);
        const refs = main[0]!.spec.rules[0].backendRefs as { name: string; port: number; weight: number }[];
        // THEN its backends are exactly the Services KServe v0.20.0 creates per predictor: <isvc>-<predictor>-predictor:80
        const stable = `${name}-${isvc.spec.predictor.name}-predictor`;
        const canary = isvc.spec.canary?.[0];
        if (!canary) {
          assert.deepEqual(refs.map((r) => [r.name, r.port, r.weight]), [[stable, 80, 100]], `${p.stack} ${name}`);
          walkedStable++;
          continue;
        }
        const declared = Number(isvc.metadata.annotations!["ml-gitops.dev/canary-step-weights"]!.split(",").pop());
        assert.deepEqual(
          refs.map((r) => [r.name, r.port, r.weight]),
          [
            [stable, 80, 100 - declared],
            [`${name}-${canary.predictor.name}-predictor`, 80, declared],
          ],
          `${p.stack} ${name}`,
        );
        // AND KServe reports the same share in status (trafficPercent is copied there, it routes nothing)
        assert.equal(canary.trafficPercent, declared);
        walked++;
      }
    }
    // staging's mistral canary, and every other KServe model's stable-only route
    assert.ok(walked >= 1 && walkedStable >= 4, `only ${walked} KServe canaries and ${walkedStable} stable-only models walked`);
  });

  it("puts each LLMInferenceService canary's versions in one KServe routing group with the declared weight", () => {
    let walked = 0;
    for (const p of plans.filter((x) => x.stack !== "artifacts")) {
      for (const model of p.models.filter((m) => m.declaration.spec.serving.engine === "llm-inference-service")) {
        const { name, namespace } = model.declaration.metadata;
        // GIVEN the objects the stack delivers for the model
        const members = rendered(p).filter((o) => o.kind === "LLMInferenceService" && o.metadata.namespace === namespace && o.spec.router.route.group === name);
        const candidate = model.declaration.spec.candidate!;
        const declared = [...model.declaration.spec.rollout.steps.slice(0, candidate.step + 1)].reverse().find((s) => s.setWeight !== undefined)!.setWeight!;
        // THEN the stable and the candidate, both serving the same model name, split 100 − w / w
        assert.deepEqual(
          Object.fromEntries(members.map((o) => [o.spec.labels["ml-gitops.dev/version"], o.spec.router.route.weight])),
          { [versionSlug(model.declaration.spec.stable.version)]: 100 - declared, [versionSlug(candidate.version)]: declared },
          `${p.stack} ${name}`,
        );
        assert.equal(new Set(members.map((o) => o.spec.model.name)).size, 1, `${p.stack} ${name}: one model name across the group`);
        walked++;
      }
    }
    // staging's qwen2-5-7b-instruct canary at 10%
    assert.ok(walked >= 1, "no LLMInferenceService canary walked");
  });

  it("trains staging's qwen2-5-7b-instruct candidate before Flux applies it: its Job in its own path, a Kustomization that waits for it, the models depending on that", () => {
    const p = plan("staging-us-west-2");
    const qwen = p.models.find((m) => m.declaration.metadata.name === "qwen2-5-7b-instruct")!;
    const candidate = qwen.declaration.spec.candidate!;
    const files = p.gitopsFiles.filter((f) => f.path.includes("/job-"));
    assert.deepEqual(files.map((f) => f.path), ["clusters/staging-us-west-2/models-training/models/qwen2-5-7b-instruct/job-qwen2-5-7b-instruct-train-v2-5-2025-06.yaml"]);
    const job = parseAllDocuments(files[0]!.content)[0]!.toJSON() as Obj;
    assert.equal(job.metadata.annotations?.["ml-gitops.dev/training-output-uri"], candidate.uri);
    assert.equal(job.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "ML_GITOPS_OUTPUT_URI").value, candidate.uri);
    assert.deepEqual(job.spec.template.spec.nodeSelector, { "ml-gitops.dev/gpu-model": "l40s" });
    const kustomizations = p.manifests.filter((o) => o.kind === "Kustomization") as unknown as Obj[];
    const training = kustomizations.find((k) => k.metadata.name === "models-training")!;
    const models = kustomizations.find((k) => k.metadata.name === "models")!;
    assert.equal(training.spec.path, "./clusters/staging-us-west-2/models-training");
    assert.equal(training.spec.wait, true);
    // The Job's 8-hour deadline and some: the Kustomization must not time out while it trains.
    assert.equal(training.spec.timeout, "495m");
    assert.deepEqual(models.spec.dependsOn, [{ name: "models-training" }]);
    // The models path does not hold the Job: Flux would apply it with the serving objects.
    assert.ok(!p.gitopsFiles.some((f) => f.path.startsWith(models.spec.path.slice(2) + "/") && f.path.includes("/job-")));
  });

  it("scrapes every model's pods with a PodMonitor the installed Prometheus selects, and points every analysis at that Prometheus", () => {
    for (const p of plans.filter((x) => x.stack !== "artifacts")) {
      const objects = rendered(p);
      const monitors = objects.filter((o) => o.kind === "PodMonitor");
      const workloads = objects.filter((o) => ["InferenceService", "Rollout", "LLMInferenceService"].includes(o.kind));
      assert.ok(workloads.some((o) => o.kind === "LLMInferenceService") || p.stack !== "staging-us-west-2", "staging serves an LLMInferenceService");
      for (const workload of workloads) {
        // KServe copies the InferenceService's labels to its predictor pods; a Rollout's pods carry
        // its template's; an LLMInferenceService's pods carry spec.labels (WorkloadSpec.Labels).
        const podLabels: Record<string, string> =
          workload.kind === "Rollout" ? workload.spec.template.metadata.labels : workload.kind === "LLMInferenceService" ? workload.spec.labels : workload.metadata.labels;
        const selecting = monitors.filter(
          (m) => m.metadata.namespace === workload.metadata.namespace && Object.entries(m.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => podLabels[k] === v),
        );
        assert.equal(selecting.length, 1, `${p.stack} ${workload.kind}/${workload.metadata.name}: one PodMonitor selects its pods`);
        assert.equal(selecting[0]!.metadata.labels!["ml-gitops.dev/monitor"], "models");
      }
      for (const t of objects.filter((o) => o.kind === "AnalysisTemplate")) {
        for (const m of t.spec.metrics) assert.equal(m.provider.prometheus.address, "http://kube-prometheus-stack-prometheus.monitoring.svc:9090", `${p.stack} ${t.metadata.name}`);
      }
      const release = p.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.name === "kube-prometheus-stack");
      assert.ok(release, `${p.stack} installs kube-prometheus-stack`);
      assert.deepEqual((release!.props.values as { prometheus: { prometheusSpec: { podMonitorSelector: unknown } } }).prometheus.prometheusSpec.podMonitorSelector, { matchLabels: { "ml-gitops.dev/monitor": "models" } });
      }
    });

  it("attaches every HTTPRoute to a Gateway the stack creates, after installing the pinned Gateway API CRDs", () => {
    for (const p of plans.filter((x) => x.role === "cluster")) {
      const gateways = new Set(p.manifests.filter((o) => o.kind === "Gateway").map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
      const crdResource = p.resources.find((r) => r.type === "kubernetes:yaml/v2:ConfigFile" && r.name === "gateway-api-crds");
      assert.equal(crdResource?.props.file, "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml", p.stack);
      const routes = p.gitops.filter((g) => g.object.kind === "HTTPRoute");
      assert.ok(routes.length > 0, p.stack);
      for (const r of routes) {
        const parents = ((r.object as unknown as { spec: { parentRefs: { namespace: string; name: string }[] } }).spec.parentRefs ?? []).map((ref) => `${ref.namespace}/${ref.name}`);
        assert.ok(parents.length > 0 && parents.every((ref) => gateways.has(ref)), `${p.stack} ${r.path}: ${parents.join(", ")} not in ${[...gateways].join(", ")}`);
      }
      const gateway = p.resources.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway")!;
      assert.ok(gateway.options.dependsOn?.includes(crdResource!.urn), `${p.stack}: the Gateway waits for the CRDs`);
    }
  });

  it("keeps every resource's URN: child names are contract (a rename replaces the resource on pulumi up)", () => {
    const file = join(__dirname, "urns.txt");
    const urns = plans.flatMap((p) => p.resources.map((r) => r.urn)).sort();
    if (process.env.UPDATE_URNS === "1") writeFileSync(file, `${urns.join("\n")}\n`);
    const reviewed = readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
    const removed = reviewed.filter((u) => !urns.includes(u));
    const added = urns.filter((u) => !reviewed.includes(u));
    assert.deepEqual(
      { removed, added },
      { removed: [], added: [] },
      "URNs changed. A removed URN is a resource pulumi up deletes (or replaces, when renamed): give the renamed child an alias to its old name. " +
        "Once reviewed, regenerate the snapshot with UPDATE_URNS=1 node scripts/run-tests.mjs test/plan/plan.test.ts",
    );
  });

  it("is deterministic: two plans write byte-identical files", async () => {
    const again = await planStacks({ root: PROJECT_ROOT });
    const [a, b] = [mkdtempSync(join(tmpdir(), "plan-a-")), mkdtempSync(join(tmpdir(), "plan-b-"))];
    writePlan(a, plans);
    writePlan(b, again);
    const listA = files(a).map((f) => relative(a, f)).sort();
    assert.deepEqual(files(b).map((f) => relative(b, f)).sort(), listA);
    assert.ok(listA.includes("prod-us-east-1/plan.json") && listA.includes("summary.md"));
    for (const f of listA) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs between runs`);
    assert.ok(existsSync(join(a, "staging-us-west-2", "manifests")));
  });
});
