import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ValidationError, formatProblem } from "../../lib/errors";
import { CONFIG_KEYS } from "../../lib/config/keys";
import { parseStackConfig, type ClusterStackConfig } from "../../lib/config/stack-config";
import { listStacks, readStackFile } from "../../lib/config/stack-file";

const ID = { stack: "test", file: "stacks/Pulumi.test.yaml" };

/** A complete, valid cluster stack as the Pulumi CLI passes it to the program. */
function validConfig(): Record<string, string> {
  return {
    "aws:region": "us-east-1",
    "ml-gitops:environment": "production",
    "ml-gitops:clusterName": "ml-test",
    "ml-gitops:privateSubnetIds": JSON.stringify(["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001b"]),
    "ml-gitops:gpuPools": JSON.stringify([
      { name: "h100", amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["p5.48xlarge"], minSize: 1, maxSize: 2 },
    ]),
    "ml-gitops:modelBucketName": "acme-test-models",
    "ml-gitops:gitRepoUrl": "https://github.com/acme/deploy.git",
    "ml-gitops:argocdAdminPasswordBcrypt": "[secret]",
    "ml-gitops:gitToken": "[secret]",
    "ml-gitops:gatewayClassName": "envoy",
  };
}
const SECRETS = ["ml-gitops:argocdAdminPasswordBcrypt", "ml-gitops:gitToken"];

function problemsOf(config: Record<string, string>, secrets = SECRETS): string[] {
  try {
    parseStackConfig(config, ID, secrets);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems.map(formatProblem);
  }
  assert.fail("expected the config to be rejected");
}

function withPool(patch: Record<string, unknown>): Record<string, string> {
  const config = validConfig();
  const [pool] = JSON.parse(config["ml-gitops:gpuPools"]!) as Record<string, unknown>[];
  config["ml-gitops:gpuPools"] = JSON.stringify([{ ...pool, ...patch }]);
  return config;
}

describe("stack config: the Prometheus canary analyses read", () => {
  it("installs kube-prometheus-stack by default", () => {
    const config = parseStackConfig(validConfig(), ID, SECRETS) as ClusterStackConfig;
    assert.deepEqual(config.monitoring, { kind: "kube-prometheus-stack" });
  });

  it("takes an existing Prometheus with monitoring external", () => {
    const config = parseStackConfig({ ...validConfig(), "ml-gitops:monitoring": "external", "ml-gitops:prometheusUrl": "http://prometheus.obs.svc:9090" }, ID, SECRETS) as ClusterStackConfig;
    assert.deepEqual(config.monitoring, { kind: "external", prometheusUrl: "http://prometheus.obs.svc:9090" });
  });

  it("refuses monitoring external without the Prometheus it means", () => {
    assert.deepEqual(problemsOf({ ...validConfig(), "ml-gitops:monitoring": "external" }), [
      "stacks/Pulumi.test.yaml: ml-gitops:prometheusUrl: is required with monitoring external. Name the Prometheus the analyses query, e.g. http://prometheus.monitoring.svc:9090, or use monitoring: kube-prometheus-stack.",
    ]);
  });

  it("refuses a prometheusUrl beside the installed Prometheus, which the analyses would not query", () => {
    assert.deepEqual(problemsOf({ ...validConfig(), "ml-gitops:prometheusUrl": "http://elsewhere:9090" }), [
      'stacks/Pulumi.test.yaml: ml-gitops:prometheusUrl: conflicts with monitoring kube-prometheus-stack: the analyses query the Prometheus this stack installs (got "http://elsewhere:9090"). Remove prometheusUrl, or set monitoring: external to use your own Prometheus.',
    ]);
  });
});

describe("stack config: the Gateway models' routes attach to", () => {
  const without = (key: string) => Object.fromEntries(Object.entries(validConfig()).filter(([k]) => k !== key));
  it("creates KServe's Gateway with the named GatewayClass", () => {
    const config = parseStackConfig(validConfig(), ID, SECRETS) as ClusterStackConfig;
    assert.deepEqual(config.gateway, { create: true, gatewayClassName: "envoy", ref: { namespace: "kserve", name: "kserve-ingress-gateway", domain: "example.com" } });
  });
  it("attaches to an existing Gateway instead", () => {
    const config = parseStackConfig({ ...without("ml-gitops:gatewayClassName"), "ml-gitops:existingGateway": "edge/public" }, ID, SECRETS) as ClusterStackConfig;
    assert.deepEqual(config.gateway, { create: false, ref: { namespace: "edge", name: "public", domain: "example.com" } });
  });
  it("refuses a cluster with neither", () => {
    assert.deepEqual(problemsOf(without("ml-gitops:gatewayClassName")), [
      "stacks/Pulumi.test.yaml: ml-gitops:gatewayClassName: is required (or existingGateway): models' HTTPRoutes need a Gateway. Set the GatewayClass of the cluster's Gateway API implementation, e.g. `pulumi config set ml-gitops:gatewayClassName envoy`, or name an existing Gateway with ml-gitops:existingGateway <namespace>/<name>.",
    ]);
  });
  it("refuses both at once", () => {
    assert.deepEqual(problemsOf({ ...validConfig(), "ml-gitops:existingGateway": "edge/public" }), [
      'stacks/Pulumi.test.yaml: ml-gitops:existingGateway: is set together with gatewayClassName (got "edge/public"). Keep one: gatewayClassName to have the stack create the Gateway, or existingGateway to attach to one.',
    ]);
  });
  it("refuses an existing Gateway that is not <namespace>/<name>", () => {
    assert.deepEqual(problemsOf({ ...without("ml-gitops:gatewayClassName"), "ml-gitops:existingGateway": "public" }), [
      'stacks/Pulumi.test.yaml: ml-gitops:existingGateway: is not <namespace>/<name> of a Gateway (got "public"). Name the existing Gateway, e.g. istio-ingress/public.',
    ]);
  });
});

describe("stack config", () => {
  it("parses a valid cluster stack into typed objects with defaults applied", () => {
    const config = parseStackConfig(validConfig(), ID, SECRETS) as ClusterStackConfig;
    assert.equal(config.role, "cluster");
    assert.equal(config.cluster.version, "1.34");
    assert.equal(config.kserve.mode, "Standard");
    assert.equal(config.gitops.modelsPath, "clusters/test/models");
    assert.deepEqual(config.artifacts, { kind: "local", bucketName: "acme-test-models", prefix: "models/", retentionDays: 365 });
    const [pool] = config.gpuPools;
    assert.equal(pool?.gpuModel, "H100");
    assert.equal(pool?.gpusPerNode, 8);
    assert.equal(pool?.provisioner === "managed-node-group" ? pool.desiredSize : "not managed", 1);
    assert.equal(pool?.diskSizeGiB, 200);
    assert.equal(pool?.capacityType, "ON_DEMAND");
  });

  it("rejects a typo'd key and suggests the right one", () => {
    const config = { ...validConfig(), "ml-gitops:clustrName": "x" };
    assert.deepEqual(problemsOf(config), [
      'stacks/Pulumi.test.yaml: ml-gitops:clustrName: unknown config key (got "x"). Did you mean ml-gitops:clusterName? Otherwise remove it',
    ]);
  });

  it("rejects a value of the wrong type", () => {
    const config = { ...validConfig(), "ml-gitops:endpointPublicAccess": "yes" };
    assert.deepEqual(problemsOf(config), [
      'stacks/Pulumi.test.yaml: ml-gitops:endpointPublicAccess: must be a boolean (got "yes"). Write true or false',
    ]);
  });

  it("rejects a GPU pool whose minimum exceeds its maximum", () => {
    assert.deepEqual(problemsOf(withPool({ minSize: 5, maxSize: 2 })), [
      "stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].minSize: must not exceed maxSize (2) (got 5). Lower minSize or raise maxSize.",
      "stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].desiredSize: must lie between minSize (5) and maxSize (2) (got 5). Set desiredSize within the pool's bounds.",
    ]);
  });

  it("rejects an unknown AMI family and lists the valid ones", () => {
    assert.deepEqual(problemsOf(withPool({ amiType: "AL2_x86_64_GPU" })), [
      'stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].amiType: is not an NVIDIA GPU AMI type (got "AL2_x86_64_GPU"). Use one of: AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA, BOTTLEROCKET_ARM_64_NVIDIA.',
    ]);
  });

  it("rejects a non-GPU instance type in a GPU pool", () => {
    assert.deepEqual(problemsOf(withPool({ instanceTypes: ["m7i.2xlarge"] })), [
      'stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].instanceTypes[0]: m7i.2xlarge has no GPU (got "m7i.2xlarge"). Use a GPU instance type (families: g4dn, g5g, g5, g6, g6e, p4d, p4de, p5, p5e, p5en).',
    ]);
  });

  it("rejects an instance type whose architecture the AMI is not built for", () => {
    assert.deepEqual(problemsOf(withPool({ instanceTypes: ["g5g.xlarge"] })), [
      'stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].instanceTypes[0]: g5g.xlarge is arm64 but AL2023_x86_64_NVIDIA is built for x86_64 (got "g5g.xlarge"). Use an instance type built for AL2023_x86_64_NVIDIA, or an AMI type matching g5g.xlarge.',
    ]);
  });

  it("rejects a pool that mixes GPU models", () => {
    assert.deepEqual(problemsOf(withPool({ instanceTypes: ["p5.48xlarge", "p4d.24xlarge"] })), [
      `stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].instanceTypes: mixes GPU models (H100: p5.48xlarge; A100: p4d.24xlarge), but a pool's ml-gitops.dev/gpu-model label must be true of every node (got ["p5.48xlarge","p4d.24xlarge"]). Put each GPU model in its own pool, so node selectors can target it.`,
    ]);
  });

  it("rejects an unknown key inside a GPU pool with a suggestion", () => {
    assert.deepEqual(problemsOf(withPool({ diskSize: 100 })), [
      'stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].diskSize: is not a field of ml-gitops:gpuPools[0]. Did you mean "diskSizeGiB"?',
    ]);
  });

  it("refuses a secret set in plain text", () => {
    assert.deepEqual(problemsOf(validConfig(), ["ml-gitops:gitToken"]), [
      "stacks/Pulumi.test.yaml: ml-gitops:argocdAdminPasswordBcrypt: is set in plain text. Set it as a secret: pulumi config set --secret ml-gitops:argocdAdminPasswordBcrypt <value>",
    ]);
  });

  it("refuses Knative mode unless Knative Serving and its networking layer are there", () => {
    const config = { ...validConfig(), "ml-gitops:kserveDeploymentMode": "Knative" };
    assert.deepEqual(problemsOf(config), [
      "stacks/Pulumi.test.yaml: ml-gitops:knativeNetworkingLayer: is required in Knative mode: KServe's Knative mode needs Knative Serving and a networking layer, which this platform does not install. Install Knative Serving with Istio or Kourier and set knativeNetworkingLayer, or use kserveDeploymentMode: Standard",
    ]);
  });

  it("collects every problem before failing", () => {
    const config: Record<string, string> = { ...withPool({ minSize: 3, maxSize: 1, desiredSize: 1 }), "ml-gitops:clustrName": "x", "ml-gitops:syncTimeoutMinutes": "10" };
    delete config["aws:region"];
    const problems = problemsOf(config);
    assert.deepEqual(problems, [
      'stacks/Pulumi.test.yaml: ml-gitops:clustrName: unknown config key (got "x"). Did you mean ml-gitops:clusterName? Otherwise remove it',
      "stacks/Pulumi.test.yaml: ml-gitops:syncTimeoutMinutes: must be a whole number of minutes from 30 to 180 (got 10). GPU nodes take 15-25 minutes to turn healthy from cold and model pods 10+ more; a shorter timeout fails healthy syncs, a longer one holds a stuck sync for hours. Omit it for the default 45.",
      "stacks/Pulumi.test.yaml: aws:region: is required. Set aws:region, e.g. `pulumi config set aws:region us-east-1`",
      "stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].minSize: must not exceed maxSize (1) (got 3). Lower minSize or raise maxSize.",
      "stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].desiredSize: must lie between minSize (3) and maxSize (1) (got 1). Set desiredSize within the pool's bounds.",
    ]);
  });
});

describe("sample stacks", () => {
  for (const stack of listStacks(".")) {
    it(`${stack} parses`, () => {
      const file = readStackFile(".", stack);
      const config = parseStackConfig(file.config, file, file.secretKeys);
      assert.equal(config.stack, stack);
    });
  }
});

describe("stack files", () => {
  it("refuses a .yml stack file, which the Pulumi CLI never reads, naming the file and the fix", () => {
    const root = mkdtempSync(join(tmpdir(), "stacks-yml-"));
    mkdirSync(join(root, "stacks"));
    writeFileSync(join(root, "stacks", "Pulumi.prod.yaml"), "config: {}\n");
    writeFileSync(join(root, "stacks", "Pulumi.staging.yml"), "config: {}\n");
    assert.throws(() => listStacks(root), {
      message: 'stacks/: 1 problem\n  - stacks/Pulumi.staging.yml: (file name): ends in .yml, which the Pulumi CLI never reads: it looks for the stack\'s file with the project file\'s extension (Pulumi.yaml) (got "Pulumi.staging.yml"). Rename it to Pulumi.staging.yaml.',
    });
    rmSync(join(root, "stacks", "Pulumi.staging.yml"));
    assert.deepEqual(listStacks(root), ["prod"]);
  });
});

describe("Pulumi.yaml", () => {
  it("declares every scalar and array key of the config table with the same type and description", () => {
    const project = parse(readFileSync("Pulumi.yaml", "utf8")) as { config: Record<string, { type: string; description: string; secret?: boolean }>; stackConfigDir: string; main: string };
    assert.equal(project.stackConfigDir, "stacks");
    assert.equal(project.main, "infra/");
    const expected = Object.entries(CONFIG_KEYS)
      .filter(([, spec]) => spec.type !== "object")
      .map(([key, spec]) => [key, spec.type, spec.description, "secret" in spec && spec.secret === true]);
    const declared = Object.entries(project.config).map(([key, d]) => [key, d.type, d.description, d.secret === true]);
    assert.deepEqual(declared, expected);
  });

  it("documents the structured keys Pulumi cannot type", () => {
    const text = readFileSync("Pulumi.yaml", "utf8");
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      if (spec.type === "object") assert.match(text, new RegExp(`#\\s+ml-gitops:${key}\\b`));
    }
  });
});
