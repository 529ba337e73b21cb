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
  PLUGIN_OWNED_ROUTE_WEIGHTS,
} from "../../lib/render/argocd";
import { validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { spawnSync } from "node:child_process";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel, type KubeObject } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, KSERVE_FILE, replaceLine, VALID, VALID_KSERVE } from "../deployments/fixture";

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

  it("reads the models path recursively: each model renders into its own subdirectory", () => {
    assert.deepEqual(application().spec.source.directory, { recurse: true });
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

// Argo CD evaluates jqPathExpressions with gojq as `del(<expression>)`; the jq CLI speaks the same
// language for this expression, so it stands in for Argo CD here.
const JQ = spawnSync("jq", ["--version"]).status === 0 ? false : "jq not found (apt-get install -y jq): the HTTPRoute jq path is not evaluated";
if (JQ && process.env.CI) throw new Error(`${JQ}; .ci/run installs it`);

describe("Argo CD and the Rollouts-owned route weights", () => {
  it("ignores the HTTPRoute weights with a jq path, beside the autoscaled replicas", () => {
    // GIVEN the default model Application
    const { ignoreDifferences } = application().spec;
    // THEN the replicas entries stay and one HTTPRoute entry scopes the plugin's weights
    assert.deepEqual(ignoreDifferences, [
      { group: "argoproj.io", kind: "Rollout", jsonPointers: ["/spec/replicas"] },
      { group: "apps", kind: "Deployment", jsonPointers: ["/spec/replicas"] },
      {
        group: "gateway.networking.k8s.io",
        kind: "HTTPRoute",
        jqPathExpressions: ['select(.metadata.labels["ml-gitops.dev/weights-owner"] == "argo-rollouts") | .spec.rules[].backendRefs[]?.weight'],
      },
    ]);
    // AND RespectIgnoreDifferences makes a sync keep the live weights, not only hide the diff
    assert.ok(application().spec.syncPolicy.syncOptions.includes("RespectIgnoreDifferences=true"));
  });

  it("still validates against the Argo CD v3.5.1 Application CRD with the jq path", needsShared, () => {
    assert.deepEqual(validateAgainstCrds(application()), []);
  });

  it("leaves a KServe model's route weights to git: each ml-gitops advance commit is the traffic shift", { skip: JQ }, () => {
    // GIVEN the route of a KServe canary (Standard mode), whose weights git moves step by step
    const [route] = renderModel(loadDeploymentFile(KSERVE_FILE, VALID_KSERVE, CONTEXT), { kserveMode: "Standard", storageServiceAccount: "sa", prometheusUrl: "http://p:9090" }).filter((o) => o.kind === "HTTPRoute");
    assert.ok(route);
    // WHEN Argo CD's normalisation runs THEN nothing is ignored: a sync applies git's weights
    const [expression] = PLUGIN_OWNED_ROUTE_WEIGHTS.jqPathExpressions;
    const out = spawnSync("jq", ["-c", `del(${expression})`], { input: JSON.stringify(route), encoding: "utf8" });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), route);
  });

  it("drops only the steered route's weights, leaving the A/B route and every other field to git", { skip: JQ }, () => {
    // GIVEN the routes a declaration with A/B routing renders
    const routing = "  routing: { header: x-ml-variant, value: candidate, candidateWeight: 30 }\n";
    const declaration = replaceLine(VALID, "  rollout:\n", `${routing}  rollout:\n`);
    const routes = renderModel(loadDeploymentFile(FILE, declaration, CONTEXT), { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus:9090" })
      .filter((o: KubeObject) => o.kind === "HTTPRoute");
    assert.deepEqual(routes.map((r) => r.metadata.name), ["llama", "llama-ab"]);
    // WHEN Argo CD's normalisation (del of the path) runs over each
    const [expression] = PLUGIN_OWNED_ROUTE_WEIGHTS.jqPathExpressions;
    const normalised = routes.map((r) => {
      const out = spawnSync("jq", ["-c", `del(${expression})`], { input: JSON.stringify(r), encoding: "utf8" });
      assert.equal(out.status, 0, out.stderr);
      return JSON.parse(out.stdout) as { spec: { rules: { backendRefs: Record<string, unknown>[]; matches: unknown[] }[] } };
    });
    type Rule = { backendRefs: Record<string, unknown>[]; matches: unknown[] };
    const rule = (r: KubeObject) => (r.spec as { rules: Rule[] }).rules[0]!;
    // THEN the steered route loses exactly its weights
    const steered = normalised[0]!.spec.rules[0]!;
    assert.deepEqual(steered.backendRefs, rule(routes[0]!).backendRefs.map(({ weight: _weight, ...rest }) => rest));
    assert.deepEqual(steered.matches, rule(routes[0]!).matches);
    // AND the header-matched A/B route is untouched: its weights are candidateWeight, owned by git
    assert.deepEqual(normalised[1], routes[1]);
  });
});
