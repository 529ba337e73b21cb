import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { buildGitRepository, buildKustomization } from "../../lib/render/flux";
import { validateAgainstCrds } from "../../lib/k8s/crd-schema";

const SHARED = path.resolve(__dirname, "../../../shared");
const needsShared = { skip: existsSync(SHARED) ? false : "../shared not found: CRD validation skipped" };

const gitRepository = () =>
  buildGitRepository({ name: "gitops", namespace: "flux-system", url: "https://github.com/acme/gitops.git", branch: "main", secretName: "gitops-auth" });

const kustomization = (healthChecks?: { apiVersion: string; kind: string; name: string; namespace: string }[]) =>
  buildKustomization({
    name: "gpu-infrastructure",
    namespace: "flux-system",
    sourceName: "gitops",
    path: "clusters/prod/gpu",
    intervalMinutes: 10,
    retryIntervalMinutes: 2,
    timeoutMinutes: 45,
    healthChecks,
  });

describe("Flux GitRepository", () => {
  it("references the auth Secret and the branch", () => {
    const repo = gitRepository();
    assert.deepEqual(repo.spec.secretRef, { name: "gitops-auth" });
    assert.deepEqual(repo.spec.ref, { branch: "main" });
  });

  it("validates against the source-controller CRD", needsShared, () => {
    assert.deepEqual(validateAgainstCrds(gitRepository()), []);
  });
});

describe("Flux GPU infrastructure Kustomization", () => {
  it("checks every object when no health checks are named", () => {
    const ks = kustomization();
    assert.equal(ks.spec.wait, true);
    assert.equal("healthChecks" in ks.spec, false);
    assert.equal(ks.spec.path, "./clusters/prod/gpu");
  });

  it("turns wait off when health checks are named, since wait would ignore them", () => {
    const ks = kustomization([{ apiVersion: "apps/v1", kind: "DaemonSet", name: "nvidia-device-plugin", namespace: "kube-system" }]);
    assert.equal(ks.spec.wait, false);
    assert.equal(ks.spec.healthChecks?.length, 1);
  });

  it("validates against the kustomize-controller CRD, with and without health checks", needsShared, () => {
    assert.deepEqual(validateAgainstCrds(kustomization()), []);
    assert.deepEqual(
      validateAgainstCrds(kustomization([{ apiVersion: "apps/v1", kind: "DaemonSet", name: "nvidia-device-plugin", namespace: "kube-system" }])),
      [],
    );
  });
});
