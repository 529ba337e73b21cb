import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { buildModelApplication, buildModelAppProject } from "../../lib/render/argocd";
import { renderedObjectsOutput } from "../../lib/predicates/model-deployment-props";
import { messages, UNKNOWN_STRING, violations, withField } from "./helpers";

const POLICY = "argocd-project-admits";
const REPO = "https://github.com/acme/gitops.git";
const PATH = "clusters/prod-eu-west-1/models";
const project = buildModelAppProject({ name: "model-serving", argocdNamespace: "argocd", repoUrl: REPO, modelNamespaces: ["models"], localModelCaches: true });
const application = buildModelApplication({ name: "models", argocdNamespace: "argocd", project: "model-serving", repoUrl: REPO, targetRevision: "main", path: PATH, destinationNamespace: "models" });
const CACHE_FILE = `${PATH}/models/mistral/localmodelcache-models-mistral-v0-3.yaml`;
const OBJECTS = [
  { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "mistral", namespace: "models" } },
  { apiVersion: "serving.kserve.io/v1alpha1", kind: "LocalModelCache", metadata: { name: "models-mistral-v0-3" } },
];
/** What a ModelDeployment registers: its objects (one JSON text) and their files in the GitOps repository. */
const model = {
  declaration: { metadata: { name: "mistral", namespace: "models" } },
  manifests: renderedObjectsOutput(OBJECTS),
  paths: [`${PATH}/models/mistral/inferenceservice-mistral.yaml`, CACHE_FILE],
};

const urn = (type: string, name: string) => `urn:pulumi:test::ml-gitops::${type}::${name}`;
const PROJECT_TYPE = "kubernetes:argoproj.io/v1alpha1:AppProject";
const APP_TYPE = "kubernetes:argoproj.io/v1alpha1:Application";
const stack = (p: object = project, a: object = application, m: object = model): PolicyResource[] => [
  { urn: urn(PROJECT_TYPE, "argocd-project"), type: PROJECT_TYPE, name: "argocd-project", props: p as Record<string, unknown> },
  { urn: urn(APP_TYPE, "argocd-application"), type: APP_TYPE, name: "argocd-application", props: a as Record<string, unknown> },
  { urn: urn(MODEL_DEPLOYMENT_TYPE, "mistral"), type: MODEL_DEPLOYMENT_TYPE, name: "mistral", props: m as Record<string, unknown> },
];

describe("argocd-project-admits", () => {
  it("accepts a project that admits every object under the Application's path", () => assert.deepEqual(messages(POLICY, stack()), []));

  it("refuses, as mandatory and on the Application, a cluster-scoped LocalModelCache the whitelist does not admit", () => {
    const onlyNamespaces = withField(project, "spec.clusterResourceWhitelist", [{ group: "", kind: "Namespace", name: "models" }]);
    assert.deepEqual(violations(POLICY, stack(onlyNamespaces)).map((v) => [v.level, v.name, v.message]), [
      [
        "mandatory",
        "argocd-application",
        `${CACHE_FILE}: serving.kserve.io/LocalModelCache "models-mistral-v0-3" is cluster-scoped and AppProject model-serving spec.clusterResourceWhitelist does not admit it; Argo CD fails the whole sync of Application argocd/models ("resource serving.kserve.io:LocalModelCache is not permitted in project model-serving"). Add {group: "serving.kserve.io", kind: "LocalModelCache"} to spec.clusterResourceWhitelist, or deliver it outside this Application.`,
      ],
    ]);
  });

  it("admits a model's PreSync training Job under the Application's path, and would refuse it from a project without batch/Job", () => {
    const trained = {
      ...model,
      manifests: renderedObjectsOutput([...OBJECTS, { apiVersion: "batch/v1", kind: "Job", metadata: { name: "mistral-train-v0-3", namespace: "models", annotations: { "argocd.argoproj.io/hook": "PreSync" } } }]),
      paths: [...model.paths, `${PATH}/models/mistral/job-mistral-train-v0-3.yaml`],
    };
    assert.deepEqual(messages(POLICY, stack(project, application, trained)), []);
    const withoutJobs = withField(project, "spec.namespaceResourceWhitelist", project.spec.namespaceResourceWhitelist.filter((gk) => gk.group !== "batch"));
    const got = messages(POLICY, stack(withoutJobs, application, trained));
    assert.equal(got.length, 1);
    assert.match(got[0]!, /batch\/Job/);
  });

  it("refuses an Application whose AppProject the stack does not create", () => {
    assert.deepEqual(messages(POLICY, stack(project, withField(application, "spec.project", "platform"))), [
      `Application argocd/models names AppProject "platform", which this stack does not create; Argo CD cannot sync it and the plan cannot prove what it admits. Create the AppProject in the same stack, or name one it creates.`,
    ]);
  });

  it("ignores objects outside the Application's path", () => {
    assert.deepEqual(messages(POLICY, stack(project, withField(application, "spec.source.path", "clusters/other/models"))), []);
  });

  it("reads the rendered objects from the JSON text a ModelDeployment registers, and nothing from a value that is not one", () => {
    const onlyNamespaces = withField(project, "spec.clusterResourceWhitelist", [{ group: "", kind: "Namespace", name: "models" }]);
    assert.equal(messages(POLICY, stack(onlyNamespaces)).length, 1);
    for (const manifests of [OBJECTS, "not json", JSON.stringify({ kind: "LocalModelCache" })]) {
      assert.deepEqual(messages(POLICY, stack(onlyNamespaces, application, { ...model, manifests })), [], JSON.stringify(manifests));
    }
  });

  it("says nothing while the rendered objects or the project are unknown (preview)", () => {
    assert.deepEqual(messages(POLICY, stack(project, application, withField(model, "manifests", UNKNOWN_STRING))), []);
    assert.deepEqual(messages(POLICY, stack(project, application, withField(model, "paths", UNKNOWN_STRING))), []);
    assert.deepEqual(messages(POLICY, stack(withField(project, "spec.sourceRepos", [UNKNOWN_STRING]))), []);
  });
});
