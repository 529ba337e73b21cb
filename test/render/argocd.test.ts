import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import {
  adminPasswordProblem,
  argoCdValues,
  buildModelApplication,
  buildModelAppProject,
  MODEL_NAMESPACE_RESOURCES,
} from "../../lib/render/argocd";
import { validateAgainstCrds } from "../../lib/k8s/crd-schema";

const SHARED = path.resolve(__dirname, "../../../shared");
const needsShared = { skip: existsSync(SHARED) ? false : "../shared not found: CRD validation skipped" };

const project = () =>
  buildModelAppProject({
    name: "model-serving",
    argocdNamespace: "argocd",
    repoUrl: "https://github.com/acme/gitops.git",
    modelNamespaces: ["models"],
    extraNamespaceResources: [{ group: "keda.sh", kind: "ScaledObject" }, { group: "", kind: "Service" }],
  });

const application = () =>
  buildModelApplication({
    name: "models",
    argocdNamespace: "argocd",
    project: "model-serving",
    repoUrl: "https://github.com/acme/gitops.git",
    targetRevision: "main",
    path: "models/prod",
    destinationNamespace: "models",
  });

describe("Argo CD model project", () => {
  it("allows KServe and Rollouts kinds, extra kinds once each, and no Secrets", () => {
    const kinds = project().spec.namespaceResourceWhitelist;
    assert.equal(kinds.length, MODEL_NAMESPACE_RESOURCES.length + 1);
    assert.ok(kinds.some((k) => k.group === "serving.kserve.io" && k.kind === "InferenceService"));
    assert.ok(kinds.some((k) => k.group === "argoproj.io" && k.kind === "Rollout"));
    assert.ok(kinds.some((k) => k.group === "keda.sh" && k.kind === "ScaledObject"));
    assert.ok(!kinds.some((k) => k.kind === "Secret"));
  });

  it("validates against the Argo CD v3.5.1 AppProject CRD", needsShared, () => {
    assert.deepEqual(validateAgainstCrds(project()), []);
  });
});

describe("Argo CD model application", () => {
  it("syncs automatically, server-side, and leaves replicas to autoscalers", () => {
    const app = application();
    assert.deepEqual(app.spec.syncPolicy.automated, { prune: true, selfHeal: true });
    assert.deepEqual(app.spec.syncPolicy.syncOptions, ["ServerSideApply=true", "RespectIgnoreDifferences=true", "CreateNamespace=true"]);
    assert.deepEqual(app.spec.syncPolicy.retry, { limit: 5, backoff: { duration: "30s", factor: 2, maxDuration: "600s" } });
    assert.deepEqual(app.spec.destination, { server: "https://kubernetes.default.svc", namespace: "models" });
  });

  it("validates against the Argo CD v3.5.1 Application CRD", needsShared, () => {
    assert.deepEqual(validateAgainstCrds(application()), []);
  });

  it("would catch a per-app sync timeout field, which the CRD does not have", needsShared, () => {
    const app = application();
    const withTimeout = { ...app, spec: { ...app.spec, syncPolicy: { ...app.spec.syncPolicy, timeout: "45m" } } };
    assert.deepEqual(validateAgainstCrds(withTimeout), ["spec.syncPolicy.timeout: unknown field"]);
  });
});

describe("Argo CD chart values", () => {
  it("puts the sync timeout in the controller params, in seconds, as a string", () => {
    const values = argoCdValues({ adminPasswordBcrypt: "hash", dexEnabled: false, syncTimeoutMinutes: 45 });
    assert.equal(values.configs.params["controller.sync.timeout.seconds"], "2700");
    assert.equal(values.configs.secret.argocdServerAdminPassword, "hash");
    assert.equal(values.dex.enabled, false);
  });
});

describe("admin password", () => {
  it("accepts a bcrypt hash", () => {
    assert.equal(adminPasswordProblem("$2a$10$abcdefghijklmnopqrstuJ0dGwz7hXh5b2c3d4e5f6g7h8i9j0kLm", "p"), undefined);
  });

  it("refuses a plain password without echoing it", () => {
    const problem = adminPasswordProblem("hunter2", "adminPasswordBcrypt");
    assert.ok(problem);
    assert.equal("value" in problem, false);
    assert.equal(problem.message, "is not a bcrypt hash");
  });
});
