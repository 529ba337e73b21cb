import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { messages, violations, withField } from "./helpers";

const res = (type: string, name: string, props: Record<string, unknown>, propertyDependencies?: Record<string, string[]>): PolicyResource => ({
  urn: `urn:pulumi:test::ml-gitops::${type}::${name}`, type, name, props, ...(propertyDependencies ? { propertyDependencies } : {}),
});
const S3 = "aws:s3/";
const bucketUrn = `urn:pulumi:test::ml-gitops::${S3}bucket:Bucket::models`;
const dep = { bucket: [bucketUrn] };
const policyDoc = JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] });
const bucketStack = (): PolicyResource[] => [
  res(`${S3}bucket:Bucket`, "models", { bucket: "models", objectLockEnabled: true, tags: { "ml-gitops.dev/role": "model-artifacts" } }),
  res(`${S3}bucketVersioning:BucketVersioning`, "models-versioning", { bucket: "models", versioningConfiguration: { status: "Enabled" } }),
  res(`${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`, "models-sse", { bucket: "models", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, dep),
  res(`${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`, "models-pab", { bucket: "models", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
  res(`${S3}bucketPolicy:BucketPolicy`, "models-policy", { bucket: "models", policy: policyDoc }),
  res(`${S3}bucketObjectLockConfiguration:BucketObjectLockConfiguration`, "models-lock", { bucket: "models", objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 365 } } }),
];

describe("model-bucket-hardened", () => {
  it("accepts a fully hardened model bucket and ignores untagged buckets", () => {
    assert.deepEqual(messages("model-bucket-hardened", bucketStack()), []);
    assert.deepEqual(messages("model-bucket-hardened", [res(`${S3}bucket:Bucket`, "logs", { bucket: "logs" })]), []);
  });

  it("reports each missing control on the bucket, advisory by default", () => {
    const stack = bucketStack();
    stack[3] = withField(stack[3]!, "props.blockPublicPolicy", false);
    const v = violations("model-bucket-hardened", stack);
    assert.deepEqual(v.map((x) => [x.level, x.urn, x.message]), [
      ["advisory", bucketUrn, 'BucketPublicAccessBlock "models-pab" blockPublicPolicy is false; set it to true so the model bucket can never be made public'],
    ]);
  });

  it("reports a bucket without versioning, KMS or a TLS-only policy", () => {
    const stack = bucketStack().filter((r) => !/Versioning|Encryption|Policy:/.test(r.type));
    assert.deepEqual(messages("model-bucket-hardened", stack), [
      'Bucket "models" has no BucketVersioning with versioningConfiguration.status "Enabled" (got []); add one so no model version is lost to an overwrite',
      'Bucket "models" has no server-side encryption with sseAlgorithm "aws:kms" (got []); add a BucketServerSideEncryptionConfiguration rule with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms"',
      'Bucket "models" has no BucketPolicy denying requests with aws:SecureTransport "false"; add a Deny statement with Condition {"Bool": {"aws:SecureTransport": "false"}}',
    ]);
  });

  it("can be made mandatory through config", () => {
    const stack = bucketStack().slice(0, 1);
    assert.ok(violations("model-bucket-hardened", stack, { "model-bucket-hardened": "mandatory" }).every((v) => v.level === "mandatory"));
  });
});

describe("gpu-node-group-hardened", () => {
  const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "gpu-lt", { id: "lt-123", name: "gpu-lt", metadataOptions: { httpTokens: "required" } });
  const ng = res("aws:eks/nodeGroup:NodeGroup", "gpu", {
    amiType: "AL2023_x86_64_NVIDIA",
    labels: { "ml-gitops.dev/gpu": "true" },
    taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
    launchTemplate: { id: "lt-123", version: "1" },
  });
  const check = (rs: PolicyResource[]) => messages("gpu-node-group-hardened", rs);

  it("accepts a hardened GPU node group", () => assert.deepEqual(check([ng, lt]), []));
  it("refuses a non-NVIDIA AMI", () => {
    assert.deepEqual(check([withField(ng, "props.amiType", "AL2_x86_64_GPU"), lt]), ['NodeGroup "gpu" amiType is "AL2_x86_64_GPU"; use an NVIDIA AMI (AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA, BOTTLEROCKET_ARM_64_NVIDIA) so the GPU driver matches the node image']);
  });
  it("refuses a missing taint", () => {
    assert.deepEqual(check([withField(ng, "props.taints", []), lt]), ['NodeGroup "gpu" taints has no nvidia.com/gpu=true:NO_SCHEDULE taint (got []); add {key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE"} so only GPU workloads land on these nodes']);
  });
  it("refuses IMDSv1 and a missing launch template", () => {
    assert.deepEqual(check([ng, withField(lt, "props.metadataOptions.httpTokens", "optional")]), ['LaunchTemplate "gpu-lt" metadataOptions.httpTokens is "optional"; set it to "required" (IMDSv2) so pods cannot read the node role\'s credentials']);
    assert.deepEqual(check([withField(ng, "props.launchTemplate", undefined)]), ['NodeGroup "gpu" launchTemplate is not set, so IMDSv2 is not enforced; reference an aws.ec2.LaunchTemplate with metadataOptions.httpTokens "required"']);
  });
});

describe("helm-release-pinned", () => {
  const release = (version: unknown) => res("kubernetes:helm.sh/v3:Release", "kserve", { chart: "kserve", version });
  it("accepts an exact version", () => assert.deepEqual(messages("helm-release-pinned", [release("0.20.0")]), []));
  it("refuses a missing version and ranges", () => {
    assert.deepEqual(messages("helm-release-pinned", [release(undefined)]), ['version of chart "kserve" is nothing, so Helm installs the newest chart; set an exact version such as "1.2.3"']);
    for (const range of ["^1.2", "~1", ">=1.0.0", "1.x", "*"]) {
      assert.deepEqual(messages("helm-release-pinned", [release(range)]), [`version of chart "kserve" is "${range}", a range rather than one version; set an exact version such as "1.2.3"`]);
    }
  });
  const manifest = (file: string) => res("kubernetes:yaml/v2:ConfigFile", "flux-install", { file });
  it("accepts remote manifests of one tagged release, and files in the tree", () => {
    for (const file of [
      "https://github.com/fluxcd/flux2/releases/download/v2.9.4/install.yaml",
      "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml",
      "https://github.com/argoproj/argo-helm/releases/download/argo-cd-10.4.0/argo-cd-10.4.0.tgz",
      "manifests/flux.yaml",
    ]) {
      assert.deepEqual(messages("helm-release-pinned", [manifest(file)]), [], file);
    }
  });
  it("refuses a remote manifest that follows the newest release or names no version", () => {
    assert.deepEqual(messages("helm-release-pinned", [manifest("https://github.com/fluxcd/flux2/releases/latest/download/install.yaml")]), [
      'file "https://github.com/fluxcd/flux2/releases/latest/download/install.yaml" follows the newest release; point it at one tagged release, e.g. .../releases/download/v1.2.3/install.yaml',
    ]);
    assert.deepEqual(messages("helm-release-pinned", [manifest("https://raw.githubusercontent.com/fluxcd/flux2/main/install.yaml")]), [
      'file "https://raw.githubusercontent.com/fluxcd/flux2/main/install.yaml" names no exact version, so what it installs can change under the same URL; use the release asset of one tag, e.g. .../releases/download/v1.2.3/install.yaml',
    ]);
  });
});

describe("argocd-app-sync-safe", () => {
  const app = {
    spec: { source: { path: "clusters/prod/models" }, syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] } },
  };
  const check = (props: Record<string, unknown>) => messages("argocd-app-sync-safe", [res("kubernetes:argoproj.io/v1alpha1:Application", "models", props)]);
  it("accepts a safe model Application and ignores other paths", () => {
    assert.deepEqual(check(app), []);
    assert.deepEqual(check(withField(app, "spec.source.path", "clusters/prod/ingress")), []);
  });
  it("requires prune, selfHeal and ServerSideApply", () => {
    assert.deepEqual(check(withField(app, "spec.syncPolicy.automated.selfHeal", false)), ['spec.syncPolicy.automated.selfHeal is false for model path "clusters/prod/models"; set it to true so the cluster converges to git']);
    assert.deepEqual(check(withField(app, "spec.syncPolicy.syncOptions", [])), ['spec.syncPolicy.syncOptions is [] for model path "clusters/prod/models"; add "ServerSideApply=true" so large model resources apply without the last-applied annotation limit']);
  });
  it("refuses automated.enabled: false, which turns automated sync off", () => {
    assert.deepEqual(check(withField(app, "spec.syncPolicy.automated.enabled", false)), ['spec.syncPolicy.automated.enabled is false for model path "clusters/prod/models", so Argo CD never syncs it on its own; remove enabled or set it to true so the cluster converges to git']);
    assert.deepEqual(check(withField(app, "spec.syncPolicy.automated.enabled", true)), []);
  });
  it("judges Applications that use a source hydrator by their dry and sync paths", () => {
    const hydrated = withField(withField(app, "spec.source", undefined), "spec.sourceHydrator", { drySource: { repoURL: "https://git.example/gitops", path: "envs/prod", targetRevision: "main" }, syncSource: { targetBranch: "hydrated", path: "clusters/prod/models" } });
    assert.deepEqual(check(hydrated), []);
    assert.deepEqual(check(withField(hydrated, "spec.syncPolicy.automated.prune", false)), ['spec.syncPolicy.automated.prune is false for model path "clusters/prod/models"; set it to true so the cluster converges to git']);
    assert.deepEqual(check(withField(withField(hydrated, "spec.sourceHydrator.syncSource.path", "clusters/prod/hydrated"), "spec.sourceHydrator.drySource.path", "models/prod")), []);
    assert.deepEqual(check(withField(withField(withField(hydrated, "spec.sourceHydrator.syncSource.path", "clusters/prod/hydrated"), "spec.sourceHydrator.drySource.path", "models/prod"), "spec.syncPolicy.syncOptions", [])), ['spec.syncPolicy.syncOptions is [] for model path "models/prod"; add "ServerSideApply=true" so large model resources apply without the last-applied annotation limit']);
  });
});

describe("flux-gpu-timeout", () => {
  const ks = { spec: { path: "./clusters/prod/gpu", interval: "10m", timeout: "30m" } };
  const check = (props: Record<string, unknown>) => messages("flux-gpu-timeout", [res("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", "gpu", props)]);
  it("accepts a 30 minute timeout", () => assert.deepEqual(check(ks), []));
  it("refuses a short or missing timeout", () => {
    assert.deepEqual(check(withField(ks, "spec.timeout", "5m")), ['spec.timeout is "5m" for GPU path "./clusters/prod/gpu"; set spec.timeout to at least "30m" so GPU pods can become ready']);
    assert.deepEqual(check(withField(ks, "spec.timeout", undefined)), ['spec.timeout is not set for GPU path "./clusters/prod/gpu", so Flux uses spec.interval ("10m"); set spec.timeout to at least "30m" so GPU pods can become ready']);
  });
});
