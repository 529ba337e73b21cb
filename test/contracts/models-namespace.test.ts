/**
 * The models' namespace (lib/contracts/models-namespace.ts) from every side: ArgoCd, KServe (mock
 * runtime) and ml-gitops:modelsNamespace refuse a system or controller namespace with one message;
 * the stack config used to accept kube-system and kserve, which the components then refused.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mockRuntime } from "../support/harness";
import { PLATFORM_NAMESPACES } from "../../lib/contracts/models-namespace";
import { clusterConfigProblems, problemsOf, STACK_FILE } from "./problems";

const FILE = STACK_FILE;
const HASH = "$2a$10$abcdefghijklmnopqrstuJ0dGwz7hXh5b2c3d4e5f6g7h8i9j0kLm";

const configProblems = (namespace: string) =>
  clusterConfigProblems({
    "ml-gitops:delivery": "direct",
    "ml-gitops:gitRepoUrl": undefined,
    "ml-gitops:argocdAdminPasswordBcrypt": undefined,
    "ml-gitops:gitToken": undefined,
    "ml-gitops:modelsNamespace": namespace,
  });

describe("models namespace contract", async () => {
  await mockRuntime();
  const { ArgoCd } = await import("../../components/argo-cd");
  const { KServe } = await import("../../components/kserve");
  let n = 0;
  const argoCd = (ns: string) =>
    problemsOf(() => new ArgoCd(`a${n++}`, { adminPasswordBcrypt: pulumi.secret(HASH), repo: { url: "https://github.com/acme/gitops.git", token: pulumi.secret("t"), modelsPath: "models" }, modelNamespaces: [ns] }));
  const kserve = (ns: string) =>
    problemsOf(() => new KServe(`k${n++}`, { storage: { bucketRegion: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/reader" }, modelsNamespace: ns }));

  it("refuses kube-system with one message from ArgoCd and the stack config", () => {
    const rest = 'is a system or platform controller namespace (got "kube-system"). Deploy models into their own namespace, e.g. models.';
    assert.deepEqual(argoCd("kube-system"), [`modelNamespaces[0]: ${rest}`]);
    assert.deepEqual(configProblems("kube-system"), [`${FILE}: ml-gitops:modelsNamespace: ${rest}`]);
  });

  it("refuses KServe's own namespace with one message from KServe and the stack config", () => {
    const rest = 'is a system or platform controller namespace (got "kserve"). Deploy models into their own namespace, e.g. models.';
    assert.deepEqual(kserve("kserve"), [`modelsNamespace: ${rest}`]);
    assert.deepEqual(configProblems("kserve"), [`${FILE}: ml-gitops:modelsNamespace: ${rest}`]);
  });

  it("refuses every platform controller namespace in the stack config", () => {
    for (const ns of Object.values(PLATFORM_NAMESPACES)) assert.equal(configProblems(ns).length, 1, ns);
  });

  it("refuses a name that is not a DNS-1123 label alike, and accepts a namespace of the models' own", () => {
    const rest = `is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (got "Models"). Deploy models into their own namespace, e.g. models.`;
    assert.deepEqual(kserve("Models"), [`modelsNamespace: ${rest}`]);
    assert.deepEqual(configProblems("Models"), [`${FILE}: ml-gitops:modelsNamespace: ${rest}`]);
    assert.deepEqual([argoCd("llm-serving"), kserve("llm-serving"), configProblems("llm-serving")], [[], [], []]);
  });
});
