import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  admissionProblems,
  destinationPermitted,
  groupKindRefusal,
  sourcePermitted,
  underPath,
  type ApplicationView,
  type ProjectSpec,
  type SyncedObject,
} from "../../lib/argocd/admission";
import { argoGlobMatch, goPathMatch } from "../../lib/argocd/glob";
import { buildModelApplication, buildModelAppProject, IN_CLUSTER_SERVER } from "../../lib/render/argocd";

const REPO = "https://github.com/acme/gitops.git";
const project = (localModelCaches: boolean) => buildModelAppProject({ name: "model-serving", argocdNamespace: "argocd", repoUrl: REPO, modelNamespaces: ["models"], localModelCaches });
const application = buildModelApplication({ name: "models", argocdNamespace: "argocd", project: "model-serving", repoUrl: REPO, targetRevision: "main", path: "clusters/prod/models", destinationNamespace: "models" });
const view: ApplicationView = {
  id: "argocd/models",
  project: "model-serving",
  repoURL: application.spec.source.repoURL,
  path: application.spec.source.path,
  recurse: application.spec.source.directory.recurse,
  server: application.spec.destination.server,
  namespace: application.spec.destination.namespace,
  createNamespace: application.spec.syncPolicy.syncOptions.includes("CreateNamespace=true"),
};
const DIR = "clusters/prod/models/models/mistral";
const cache: SyncedObject = { apiVersion: "serving.kserve.io/v1alpha1", kind: "LocalModelCache", name: "models-mistral-v1", file: `${DIR}/localmodelcache-models-mistral-v1.yaml` };
const isvc: SyncedObject = { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", name: "mistral", namespace: "models", file: `${DIR}/inferenceservice-mistral.yaml` };
const check = (spec: ProjectSpec, objects: SyncedObject[], app: ApplicationView = view) => admissionProblems(app, { name: "model-serving", spec }, objects).map((p) => p.message);
const FAILS = 'Argo CD fails the whole sync of Application argocd/models';

describe("Argo CD admission (argo-cd v3.5.1 AppProject rules)", () => {
  it("admits the model project's own objects, the created namespace and a cache when the cluster caches models", () => {
    assert.deepEqual(check(project(true).spec, [isvc, cache]), []);
  });

  it("refuses a cluster-scoped kind outside the whitelist, naming object, rule and fix", () => {
    assert.deepEqual(check(project(false).spec, [isvc, cache]), [
      `${cache.file}: serving.kserve.io/LocalModelCache "models-mistral-v1" is cluster-scoped and AppProject model-serving spec.clusterResourceWhitelist does not admit it; ${FAILS} ("resource serving.kserve.io:LocalModelCache is not permitted in project model-serving"). Add {group: "serving.kserve.io", kind: "LocalModelCache"} to spec.clusterResourceWhitelist, or deliver it outside this Application.`,
    ]);
  });

  it("refuses a cache named outside a model namespace's prefix", () => {
    const other = { ...cache, name: "kube-system-evil", file: `${DIR}/localmodelcache-kube-system-evil.yaml` };
    assert.equal(check(project(true).spec, [other]).length, 1);
  });

  it("refuses a namespaced kind the namespace whitelist does not list", () => {
    const secret: SyncedObject = { apiVersion: "v1", kind: "Secret", name: "hf-token", namespace: "models", file: `${DIR}/secret-hf-token.yaml` };
    assert.deepEqual(check(project(true).spec, [secret]), [
      `${secret.file}: core/Secret "hf-token" is namespaced and AppProject model-serving spec.namespaceResourceWhitelist does not admit it; ${FAILS} ("resource :Secret is not permitted in project model-serving"). Add {group: "", kind: "Secret"} to spec.namespaceResourceWhitelist, or deliver it outside this Application.`,
    ]);
  });

  it("refuses a blacklisted kind even when whitelisted", () => {
    const spec = { ...project(true).spec, namespaceResourceBlacklist: [{ group: "serving.kserve.io", kind: "*" }] };
    assert.deepEqual(check(spec, [isvc]), [
      `${isvc.file}: serving.kserve.io/InferenceService "mistral" is in AppProject model-serving spec.namespaceResourceBlacklist; ${FAILS} ("resource serving.kserve.io:InferenceService is not permitted in project model-serving"). Remove it from spec.namespaceResourceBlacklist, or deliver it outside this Application.`,
    ]);
  });

  it("refuses an object in a namespace the destinations do not admit", () => {
    const elsewhere = { ...isvc, namespace: "default" };
    assert.deepEqual(check(project(true).spec, [elsewhere]), [
      `${isvc.file}: serving.kserve.io/InferenceService "mistral" is in namespace "default", which AppProject model-serving spec.destinations does not admit; ${FAILS} ("namespace default is not permitted in project 'model-serving'"). Add {server: "${IN_CLUSTER_SERVER}", namespace: "default"} to spec.destinations, or move the object.`,
    ]);
  });

  it("refuses the namespace CreateNamespace=true creates when the cluster whitelist lacks it", () => {
    const spec = { ...project(false).spec, clusterResourceWhitelist: [] };
    assert.deepEqual(check(spec, []), [
      `(CreateNamespace=true for models): core/Namespace "models" is cluster-scoped and AppProject model-serving spec.clusterResourceWhitelist does not admit it; ${FAILS} ("resource :Namespace is not permitted in project model-serving"). Add {group: "", kind: "Namespace"} to spec.clusterResourceWhitelist, or deliver it outside this Application.`,
    ]);
  });

  it("refuses a source repository the project does not list", () => {
    assert.deepEqual(check(project(true).spec, [], { ...view, repoURL: "https://github.com/evil/gitops.git" }), [
      `Application argocd/models spec.source.repoURL "https://github.com/evil/gitops.git" is not in AppProject model-serving spec.sourceRepos ["${REPO}"]; Argo CD refuses the Application. Add the repository to spec.sourceRepos or point the Application at an allowed one.`,
    ]);
  });

  it("refuses an Application destination the project does not list", () => {
    assert.deepEqual(check(project(true).spec, [], { ...view, namespace: "kube-system", createNamespace: false }), [
      `Application argocd/models destination ${IN_CLUSTER_SERVER} namespace "kube-system" is not in AppProject model-serving spec.destinations; Argo CD refuses the Application. Add {server: "${IN_CLUSTER_SERVER}", namespace: "kube-system"} to spec.destinations.`,
    ]);
  });

  it("refuses a kind whose scope it cannot know", () => {
    const widget: SyncedObject = { apiVersion: "example.com/v1", kind: "Widget", name: "w", namespace: "models", file: `${DIR}/widget-w.yaml` };
    assert.deepEqual(check(project(true).spec, [widget]), [
      `${widget.file}: example.com/Widget "w": its scope is unknown (no CRD pinned in policies/lib/argocd/resource-scopes.ts), so Argo CD's admission cannot be proven. Add the kind's CRD scope to policies/lib/argocd/resource-scopes.ts.`,
    ]);
  });

  it("checks only objects under the Application's path, and below it only when recursing", () => {
    const outside = { ...cache, file: "clusters/other/models/x.yaml" };
    assert.deepEqual(check(project(false).spec, [outside]), []);
    assert.equal(underPath(`${DIR}/x.yaml`, { path: "./clusters/prod/models/", recurse: true }), true);
    assert.equal(underPath(`${DIR}/x.yaml`, { path: "clusters/prod/models", recurse: false }), false);
    assert.equal(underPath("clusters/prod/models/x.yaml", { path: "clusters/prod/models", recurse: false }), true);
    assert.equal(underPath("clusters/prod/models-old/x.yaml", { path: "clusters/prod/models", recurse: true }), false);
  });
});

describe("AppProject list semantics (IsGroupKindNamePermitted)", () => {
  it("admits every namespaced kind when the namespace whitelist is absent, none when it is empty", () => {
    assert.equal(groupKindRefusal({}, "apps", "Deployment", "d", true), undefined);
    assert.equal(groupKindRefusal({ namespaceResourceWhitelist: [] }, "apps", "Deployment", "d", true), "whitelist");
  });
  it("admits no cluster-scoped kind when the cluster whitelist is absent", () => {
    assert.equal(groupKindRefusal({}, "", "Namespace", "models", false), "whitelist");
  });
  it("matches group, kind and name with Go filepath.Match patterns", () => {
    const spec: ProjectSpec = { clusterResourceWhitelist: [{ group: "*.kserve.io", kind: "LocalModel*", name: "models-*" }] };
    assert.equal(groupKindRefusal(spec, "serving.kserve.io", "LocalModelCache", "models-a", false), undefined);
    assert.equal(groupKindRefusal(spec, "serving.kserve.io", "LocalModelCache", "team-a", false), "whitelist");
  });
});

describe("globs", () => {
  it("filepath.Match: '*' stops at '/', classes and escapes work, a malformed pattern matches nothing", () => {
    assert.equal(goPathMatch("a*", "abc"), true);
    assert.equal(goPathMatch("a*", "a/b"), false);
    assert.equal(goPathMatch("[a-c]x", "bx"), true);
    assert.equal(goPathMatch("[^a-c]x", "bx"), false);
    assert.equal(goPathMatch("a\\*", "a*"), true);
    assert.equal(goPathMatch("[", "["), false);
  });
  it("gobwas: '!' negates, '*' is everything, braces alternate, separators bound '*'", () => {
    assert.equal(argoGlobMatch("!kube-*", "kube-system", true), false);
    assert.equal(argoGlobMatch("!kube-*", "models", true), true);
    assert.equal(argoGlobMatch("*", "any/thing", true), true);
    assert.equal(argoGlobMatch("{models,serving}", "serving", true), true);
    assert.equal(argoGlobMatch("https://github.com/acme/*", "https://github.com/acme/a/b", true, ["/"]), false);
    assert.equal(argoGlobMatch("https://github.com/acme/**", "https://github.com/acme/a/b", true, ["/"]), true);
  });
  it("a pattern without metacharacters matches exactly itself (property)", () => {
    const literal = fc.stringMatching(/^[a-zA-Z0-9.:/_-]{0,20}$/);
    fc.assert(fc.property(literal, literal, (p, v) => goPathMatch(p, v) === (p === v) && argoGlobMatch(p, v, false, ["/"]) === (p === v || p === "*")));
  });
  it("source repos compare normalised: case and a .git suffix do not matter", () => {
    assert.equal(sourcePermitted({ sourceRepos: ["https://GitHub.com/acme/gitops"] }, REPO), true);
    assert.equal(sourcePermitted({ sourceRepos: ["*", "!https://github.com/acme/gitops"] }, REPO), false);
  });
  it("destinations: a deny pattern on the namespace refuses on the same server", () => {
    const spec: ProjectSpec = { destinations: [{ server: "*", namespace: "*" }, { server: IN_CLUSTER_SERVER, namespace: "!kube-system" }] };
    assert.equal(destinationPermitted(spec, IN_CLUSTER_SERVER, "models"), true);
    assert.equal(destinationPermitted(spec, IN_CLUSTER_SERVER, "kube-system"), false);
  });
});
