/**
 * The GitOps repository rules (lib/contracts/gitops-repo.ts) from every side: ArgoCd and Flux
 * (mock runtime) and the stack config keys ml-gitops:gitRepoUrl and ml-gitops:gitopsPath give the
 * same messages; before, the config accepted a bare host and a path through `..`, which the
 * components refused (or never saw).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mockRuntime } from "../support/harness";
import { clusterConfigProblems, problemsOf, STACK_FILE } from "./problems";

const FILE = STACK_FILE;
const HASH = "$2a$10$abcdefghijklmnopqrstuJ0dGwz7hXh5b2c3d4e5f6g7h8i9j0kLm";

const configProblems = (patch: Record<string, string>) =>
  clusterConfigProblems({ "ml-gitops:delivery": "flux", "ml-gitops:argocdAdminPasswordBcrypt": undefined, ...patch });

describe("GitOps repository contract", async () => {
  await mockRuntime();
  const { ArgoCd } = await import("../../components/argo-cd");
  const { Flux } = await import("../../components/flux");
  let n = 0;
  const argoCd = (url: string, modelsPath = "models/prod") =>
    problemsOf(() => new ArgoCd(`a${n++}`, { adminPasswordBcrypt: pulumi.secret(HASH), repo: { url, token: pulumi.secret("t"), modelsPath }, modelNamespaces: ["models"] }));
  const flux = (url: string, path = "clusters/prod/models") => problemsOf(() => new Flux(`f${n++}`, { repo: { url, token: pulumi.secret("t") }, models: { path } }));

  it("refuses a repository URL without a repository path, with one message from Argo CD, Flux and the stack config", () => {
    const rest = 'is not an HTTPS repository URL (got "https://github.com"). Token authentication needs an HTTPS URL, e.g. https://github.com/acme/gitops.git.';
    assert.deepEqual(argoCd("https://github.com"), [`repo.url: ${rest}`]);
    assert.deepEqual(flux("https://github.com"), [`repo.url: ${rest}`]);
    assert.deepEqual(configProblems({ "ml-gitops:gitRepoUrl": "https://github.com" }), [`${FILE}: ml-gitops:gitRepoUrl: ${rest}`]);
  });

  it("refuses a credential in the URL without repeating it, from every side", () => {
    const url = "https://dana:s3cret-token@github.com/acme/gitops.git";
    const rest = "carries a credential in the URL (not repeated here). Remove it from the URL; the token is given on its own (ml-gitops:gitToken, or the component's repo.token), as a secret.";
    assert.deepEqual(argoCd(url), [`repo.url: ${rest}`]);
    assert.deepEqual(flux(url), [`repo.url: ${rest}`]);
    const fromConfig = configProblems({ "ml-gitops:gitRepoUrl": url });
    assert.deepEqual(fromConfig, [`${FILE}: ml-gitops:gitRepoUrl: ${rest}`]);
    assert.ok(!fromConfig.join("\n").includes("s3cret"));
  });

  it("refuses a directory that leaves the repository, from the components and the stack config", () => {
    const rest = (example: string) => `is not a directory inside the repository (got "../x"). Give a relative path without '..', e.g. ${example}.`;
    assert.deepEqual(argoCd("https://github.com/acme/gitops.git", "../x"), [`repo.modelsPath: ${rest("models/prod")}`]);
    assert.deepEqual(flux("https://github.com/acme/gitops.git", "../x"), [`models.path: ${rest("clusters/prod/models")}`]);
    assert.deepEqual(configProblems({ "ml-gitops:gitopsPath": "../x" }), [`${FILE}: ml-gitops:gitopsPath: ${rest("clusters/prod-us-east-1")}`]);
  });

  it("refuses leading, trailing and doubled slashes alike", () => {
    for (const path of ["/clusters/prod", "clusters/prod/", "clusters//prod", "clusters/./prod"]) {
      assert.equal(configProblems({ "ml-gitops:gitopsPath": path }).length, 1, path);
      assert.equal(flux("https://github.com/acme/gitops.git", path).length, 1, path);
    }
    assert.deepEqual(configProblems({ "ml-gitops:gitopsPath": "clusters/prod-us-east-1" }), []);
  });
});
