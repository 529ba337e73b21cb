import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mockRuntime } from "../support/harness";
import { FLUX } from "../../lib/versions";

describe("Flux component", async () => {
  const h = await mockRuntime();
  const { Flux } = await import("../../components/flux");

  const validArgs = () => ({
    repo: { url: "https://github.com/acme/gitops.git", token: pulumi.secret("ghp_token") },
    gpuInfrastructure: {
      path: "clusters/prod/gpu",
      healthChecks: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "nvidia-device-plugin", namespace: "kube-system" }],
    },
  });

  // GIVEN valid args WHEN the component is created
  new Flux("flux", validArgs());
  await h.settle();

  it("installs Flux from the release manifest of one tagged Flux release, which brings its own namespace", () => {
    const install = h.named("kubernetes:yaml/v2:ConfigFile", "flux-install");
    assert.equal(install.props.file, "https://github.com/fluxcd/flux2/releases/download/v2.9.4/install.yaml");
    assert.equal(install.props.file, FLUX.installUrl);
    // The manifest creates flux-system; a second Namespace resource would fail `pulumi up` (exists).
    assert.equal(h.resources.some((r) => r.type === "kubernetes:core/v1:Namespace" && r.name.startsWith("flux")), false);
    assert.deepEqual(h.named("kubernetes:core/v1:Secret", "flux-git-auth").options.dependsOn, [install.urn]);
  });

  it("scrapes the controllers with a PodMonitor only when asked", async () => {
    assert.equal(h.resources.some((r) => r.name === "flux-podmonitor"), false);
    new Flux("scraped", { ...validArgs(), podMonitor: true });
    await h.settle();
    const monitor = h.named("kubernetes:monitoring.coreos.com/v1:PodMonitor", "scraped-podmonitor");
    assert.deepEqual(monitor.props.spec, {
      namespaceSelector: { matchNames: ["flux-system"] },
      selector: {
        matchExpressions: [
          {
            key: "app",
            operator: "In",
            values: ["source-controller", "kustomize-controller", "helm-controller", "notification-controller", "image-reflector-controller", "image-automation-controller", "source-watcher"],
          },
        ],
      },
      podMetricsEndpoints: [{ port: "http-prom" }],
    });
    assert.deepEqual(monitor.options.dependsOn, [h.named("kubernetes:yaml/v2:ConfigFile", "scraped-install").urn]);
  });

  it("keeps the git token in a Secret as a Pulumi secret", () => {
    const secret = h.named("kubernetes:core/v1:Secret", "flux-git-auth");
    assert.equal((secret.props.stringData as Record<string, string>).username, "git");
    assert.ok(secret.secretPaths.some((p) => p === "stringData" || p === "stringData.password"), `secret paths: ${secret.secretPaths.join(", ")}`);
  });

  it("points the GitRepository at the repo with the auth Secret, after Flux's CRDs and the Secret", () => {
    const source = h.named("kubernetes:source.toolkit.fluxcd.io/v1:GitRepository", "flux-source");
    assert.deepEqual(source.props.spec, {
      url: "https://github.com/acme/gitops.git",
      ref: { branch: "main" },
      interval: "1m",
      timeout: "60s",
      secretRef: { name: "gitops-auth" },
    });
    assert.deepEqual([...(source.options.dependsOn ?? [])].sort(), [
      h.named("kubernetes:core/v1:Secret", "flux-git-auth").urn,
      h.named("kubernetes:yaml/v2:ConfigFile", "flux-install").urn,
    ]);
  });

  it("syncs the GPU infrastructure path with pruning, health checks and a 45-minute timeout", () => {
    const ks = h.named("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", "flux-gpu-infrastructure");
    assert.deepEqual(ks.props.spec, {
      sourceRef: { kind: "GitRepository", name: "gitops" },
      path: "./clusters/prod/gpu",
      prune: true,
      interval: "10m",
      retryInterval: "2m",
      timeout: "45m",
      wait: false,
      healthChecks: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "nvidia-device-plugin", namespace: "kube-system" }],
    });
    assert.deepEqual([...(ks.options.dependsOn ?? [])].sort(), [
      h.named("kubernetes:yaml/v2:ConfigFile", "flux-install").urn,
      h.named("kubernetes:source.toolkit.fluxcd.io/v1:GitRepository", "flux-source").urn,
    ].sort());
  });

  it("parents every child to the component and registers its outputs", () => {
    const component = h.named("ml-gitops:gitops:Flux", "flux");
    for (const child of h.resources.filter((r) => r.name.startsWith("flux-"))) assert.equal(child.parent, component.urn, child.name);
    assert.deepEqual(Object.keys(component.outputs ?? {}).sort(), ["gitRepositoryName", "install", "kustomizationName", "namespace"]);
  });

  it("refuses a Kustomization timeout under 30 minutes", () => {
    const args = validArgs();
    assert.throws(
      () => new Flux("short", { ...args, gpuInfrastructure: { ...args.gpuInfrastructure, timeoutMinutes: 10 } }),
      {
        message:
          "Flux short: 1 problem\n  - gpuInfrastructure.timeoutMinutes: must be a whole number of minutes from 30 to 180 (got 10). GPU nodes take 15-25 minutes to turn healthy from cold and model pods 10+ more; a shorter timeout fails healthy syncs, a longer one holds a stuck sync for hours. Omit it for the default 45.",
      },
    );
  });

  it("refuses an SSH URL and an escaping path together", () => {
    const args = validArgs();
    assert.throws(
      () => new Flux("bad", { repo: { ...args.repo, url: "ssh://git@github.com/acme/gitops.git" }, gpuInfrastructure: { path: "/abs/gpu" } }),
      {
        message: [
          "Flux bad: 2 problems",
          '  - repo.url: is not an HTTPS repository URL (got "ssh://git@github.com/acme/gitops.git"). Token authentication needs an HTTPS URL, e.g. https://github.com/acme/gitops.git.',
          '  - gpuInfrastructure.path: is not a directory inside the repository (got "/abs/gpu"). Give a relative path without \'..\', e.g. clusters/prod/gpu.',
        ].join("\n"),
      },
    );
  });
  it("syncs the rendered model manifests after the GPU infrastructure, with a GPU-sized timeout", async () => {
    new Flux("flux-delivery", { ...validArgs(), models: { path: "clusters/prod/models" } });
    await h.settle();
    const models = h.named("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", "flux-delivery-models");
    const spec = models.props.spec as Record<string, unknown>;
    assert.equal(spec.path, "./clusters/prod/models");
    assert.equal(spec.timeout, "45m");
    assert.equal(spec.prune, true);
    assert.deepEqual(spec.dependsOn, [{ name: "gpu-infrastructure" }]);
  });
  it("syncs only the models when no GPU infrastructure path is given: no Kustomization of an empty path, nothing to wait on", async () => {
    new Flux("flux-models-only", { repo: validArgs().repo, models: { path: "clusters/prod/models" } });
    await h.settle();
    const kustomizations = h.resources.filter((r) => r.type === "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization" && r.name.startsWith("flux-models-only"));
    assert.deepEqual(kustomizations.map((r) => r.name), ["flux-models-only-models"]);
    const spec = kustomizations[0]!.props.spec as Record<string, unknown>;
    assert.equal("dependsOn" in spec, false);
    assert.deepEqual((spec.healthCheckExprs as { kind: string }[]).map((c) => c.kind), ["Rollout", "InferenceService", "LocalModelCache", "LLMInferenceService"]);
  });
  it("syncs training Jobs in their own Kustomization that waits for them, and the models only after it", async () => {
    new Flux("flux-training", { ...validArgs(), models: { path: "clusters/prod/models", training: { path: "clusters/prod/models-training", timeoutMinutes: 495 } } });
    await h.settle();
    const KS = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
    const training = h.named(KS, "flux-training-models-training").props.spec as Record<string, unknown>;
    assert.equal(training.path, "./clusters/prod/models-training");
    // wait: true health-checks every applied object; kstatus reads a Job as Current once Complete.
    assert.equal(training.wait, true);
    assert.equal(training.timeout, "495m");
    assert.equal(training.prune, true);
    assert.equal("force" in training, false);
    assert.deepEqual(training.dependsOn, [{ name: "gpu-infrastructure" }]);
    const models = h.named(KS, "flux-training-models").props.spec as Record<string, unknown>;
    assert.deepEqual(models.dependsOn, [{ name: "gpu-infrastructure" }, { name: "models-training" }]);
  });
  it("refuses a training path outside the repository and a timeout under 30 minutes, together", () => {
    assert.throws(() => new Flux("flux-bad-training", { repo: validArgs().repo, models: { path: "clusters/prod/models", training: { path: "../training", timeoutMinutes: 10 } } }), {
      message: [
        "Flux flux-bad-training: 2 problems",
        '  - models.training.path: is not a directory inside the repository (got "../training"). Give a relative path without \'..\', e.g. clusters/prod/models-training.',
        "  - models.training.timeoutMinutes: must be a whole number of minutes, at least 30 (got 10). GPU nodes take 15-25 minutes to turn healthy from cold; a shorter timeout fails healthy syncs. Omit it for the default 45.",
      ].join("\n"),
    });
  });
  it("refuses to sync nothing", () => {
    assert.throws(() => new Flux("flux-nothing", { repo: validArgs().repo }), {
      message: ["Flux flux-nothing: 1 problem", "  - models: is not given, and neither is gpuInfrastructure: Flux would sync nothing. Give models (the rendered model manifests' path), gpuInfrastructure, or both."].join("\n"),
    });
  });
});
