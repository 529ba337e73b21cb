import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mockRuntime } from "../support/harness";
import { CHARTS } from "../../lib/versions";

const HASH = "$2a$10$abcdefghijklmnopqrstuJ0dGwz7hXh5b2c3d4e5f6g7h8i9j0kLm";

describe("ArgoCd component", async () => {
  const h = await mockRuntime();
  const { ArgoCd } = await import("../../components/argo-cd");

  function validArgs() {
    return {
      adminPasswordBcrypt: pulumi.secret(HASH),
      repo: { url: "https://github.com/acme/gitops.git", token: pulumi.secret("ghp_token"), modelsPath: "models/prod" },
      modelNamespaces: ["models", "models-batch"],
    };
  }

  // GIVEN valid args WHEN the component is created
  new ArgoCd("gitops", validArgs());
  await h.settle();

  it("installs the pinned argo-cd chart into its own namespace, atomically, with a bounded wait", () => {
    const release = h.named("kubernetes:helm.sh/v3:Release", "gitops-release");
    assert.equal(release.props.chart, "argo-cd");
    assert.equal(release.props.version, CHARTS.argoCd.version);
    assert.equal(release.props.version, "10.4.0");
    assert.deepEqual(release.props.repositoryOpts, { repo: "https://argoproj.github.io/argo-helm" });
    assert.equal(release.props.namespace, "argocd");
    assert.equal(release.props.createNamespace, false);
    assert.equal(release.props.atomic, true);
    assert.equal(release.props.timeout, 600);
    assert.deepEqual(release.options.customTimeouts, { create: "15m", update: "15m" });
    assert.deepEqual(h.named("kubernetes:core/v1:Namespace", "gitops-namespace").props.metadata, { name: "argocd" });
  });

  it("sets the admin password hash as a secret, disables dex and keeps TLS on the server", () => {
    const release = h.named("kubernetes:helm.sh/v3:Release", "gitops-release");
    const values = release.props.values as {
      dex: { enabled: boolean };
      configs: { params: Record<string, unknown>; secret: { argocdServerAdminPassword: string } };
    };
    assert.equal(values.configs.secret.argocdServerAdminPassword, HASH);
    assert.ok(release.secretPaths.includes("values.configs.secret.argocdServerAdminPassword"), `secret paths: ${release.secretPaths.join(", ")}`);
    assert.equal(values.dex.enabled, false);
    assert.equal(values.configs.params["server.insecure"], false);
  });

  it("bounds every sync at 45 minutes so GPU pods have time to become ready and a stuck sync still ends", () => {
    const values = h.named("kubernetes:helm.sh/v3:Release", "gitops-release").props.values as { configs: { params: Record<string, unknown> } };
    assert.equal(values.configs.params["controller.sync.timeout.seconds"], "2700");
  });

  it("stores the git token in a repository Secret as a Pulumi secret", () => {
    const secret = h.named("kubernetes:core/v1:Secret", "gitops-repo");
    const meta = secret.props.metadata as { namespace: string; labels: Record<string, string> };
    assert.equal(meta.namespace, "argocd");
    assert.equal(meta.labels["argocd.argoproj.io/secret-type"], "repository");
    const data = secret.props.stringData as Record<string, string>;
    assert.deepEqual({ type: data.type, url: data.url, username: data.username }, { type: "git", url: "https://github.com/acme/gitops.git", username: "git" });
    // The whole stringData travels as one secret: the token never reaches the state in the clear.
    assert.ok(secret.secretPaths.some((p) => p === "stringData" || p === "stringData.password"), `secret paths: ${secret.secretPaths.join(", ")}`);
  });

  it("restricts the project to the GitOps repo and the model namespaces", () => {
    const project = h.named("kubernetes:argoproj.io/v1alpha1:AppProject", "gitops-project");
    const spec = project.props.spec as { sourceRepos: string[]; destinations: unknown[]; clusterResourceWhitelist: unknown[] };
    assert.deepEqual(spec.sourceRepos, ["https://github.com/acme/gitops.git"]);
    assert.deepEqual(spec.destinations, [
      { server: "https://kubernetes.default.svc", namespace: "models" },
      { server: "https://kubernetes.default.svc", namespace: "models-batch" },
    ]);
    assert.deepEqual(spec.clusterResourceWhitelist, [
      { group: "", kind: "Namespace", name: "models" },
      { group: "", kind: "Namespace", name: "models-batch" },
    ]);
    const release = h.named("kubernetes:helm.sh/v3:Release", "gitops-release");
    assert.deepEqual(project.options.dependsOn, [release.urn]);
  });

  it("syncs the model path automatically with server-side apply, retry and replicas left to the autoscaler", () => {
    const app = h.named("kubernetes:argoproj.io/v1alpha1:Application", "gitops-application");
    const spec = app.props.spec as {
      project: string;
      source: unknown;
      ignoreDifferences: unknown[];
      syncPolicy: { automated: unknown; syncOptions: string[]; retry: unknown };
    };
    assert.equal(spec.project, "model-serving");
    assert.deepEqual(spec.source, { repoURL: "https://github.com/acme/gitops.git", targetRevision: "main", path: "models/prod", directory: { recurse: true } });
    assert.deepEqual(spec.syncPolicy.automated, { prune: true, selfHeal: true });
    assert.deepEqual(spec.syncPolicy.syncOptions, ["ServerSideApply=true", "RespectIgnoreDifferences=true", "CreateNamespace=true"]);
    assert.deepEqual(spec.syncPolicy.retry, { limit: 5, backoff: { duration: "30s", factor: 2, maxDuration: "600s" } });
    assert.deepEqual(spec.ignoreDifferences, [
      { group: "argoproj.io", kind: "Rollout", jsonPointers: ["/spec/replicas"] },
      { group: "apps", kind: "Deployment", jsonPointers: ["/spec/replicas"] },
      { group: "gateway.networking.k8s.io", kind: "HTTPRoute", jqPathExpressions: ['select(.metadata.labels["ml-gitops.dev/weights-owner"] == "argo-rollouts") | .spec.rules[].backendRefs[]?.weight'] },
    ]);
    const deps = app.options.dependsOn ?? [];
    for (const needed of [
      h.named("kubernetes:helm.sh/v3:Release", "gitops-release").urn,
      h.named("kubernetes:argoproj.io/v1alpha1:AppProject", "gitops-project").urn,
      h.named("kubernetes:core/v1:Secret", "gitops-repo").urn,
    ]) {
      assert.ok(deps.includes(needed), `Application should depend on ${needed}`);
    }
  });

  it("parents every child to the component and registers its outputs", () => {
    const component = h.named("ml-gitops:gitops:ArgoCd", "gitops");
    for (const child of h.resources.filter((r) => r.name.startsWith("gitops-"))) assert.equal(child.parent, component.urn, child.name);
    assert.deepEqual(Object.keys(component.outputs ?? {}).sort(), ["applicationName", "namespace", "projectName", "release", "repositorySecretName"]);
    assert.equal(component.outputs?.namespace, "argocd");
  });

  it("refuses bad args with every problem at once", () => {
    // GIVEN an SSH URL, an escaping path, a system namespace and a 5-minute sync timeout
    const args = {
      ...validArgs(),
      repo: { url: "git@github.com:acme/gitops.git", token: pulumi.secret("t"), modelsPath: "../models" },
      modelNamespaces: ["kube-system"],
      syncTimeoutMinutes: 5,
    };
    // THEN the error lists each one
    assert.throws(
      () => new ArgoCd("bad", args),
      (e: Error) => {
        assert.equal(
          e.message,
          [
            "ArgoCd bad: 4 problems",
            '  - repo.url: is not an HTTPS repository URL (got "git@github.com:acme/gitops.git"). Token authentication needs an HTTPS URL, e.g. https://github.com/acme/gitops.git.',
            '  - repo.modelsPath: is not a directory inside the repository (got "../models"). Give a relative path without \'..\', e.g. models/prod.',
            '  - modelNamespaces[0]: is a system or platform controller namespace (got "kube-system"). Deploy models into their own namespace, e.g. models.',
            "  - syncTimeoutMinutes: must be a whole number of minutes from 30 to 180 (got 5). GPU nodes take 15-25 minutes to turn healthy from cold and model pods 10+ more; a shorter timeout fails healthy syncs, a longer one holds a stuck sync for hours. Omit it for the default 45.",
          ].join("\n"),
        );
        return true;
      },
    );
  });
});
