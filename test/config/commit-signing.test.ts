/**
 * Stack keys that make the GitOps controller require signed commits: validation per delivery, and
 * the objects rendered for it (strictly valid against the pinned CRDs in ../shared/crds, skipped
 * when ../shared is absent).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ValidationError, formatProblem } from "../../lib/errors";
import { parseStackConfig, type ClusterStackConfig } from "../../lib/config/stack-config";
import { crdsAvailable, validateAgainstCrds } from "../../lib/k8s/crd-schema";
import { argoCdValues, buildModelAppProject } from "../../lib/render/argocd";
import { buildGitRepository, signingKeysSecretData } from "../../lib/render/flux";

const ID = { stack: "test", file: "stacks/Pulumi.test.yaml" };
const SECRETS = ["ml-gitops:argocdAdminPasswordBcrypt", "ml-gitops:gitToken"];
const SSH = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl dana@example.com";
const PGP = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZabc...\n-----END PGP PUBLIC KEY BLOCK-----";
const CRDS = crdsAvailable() ? false : "../shared/crds not found: CRD validation of the signing objects skipped";

function config(delivery: string, extra: Record<string, unknown>): Record<string, string> {
  const base: Record<string, string> = {
    "aws:region": "us-east-1",
    "ml-gitops:environment": "production",
    "ml-gitops:clusterName": "ml-test",
    "ml-gitops:privateSubnetIds": JSON.stringify(["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001b"]),
    "ml-gitops:modelBucketName": "acme-test-models",
    "ml-gitops:gatewayClassName": "envoy",
    "ml-gitops:delivery": delivery,
    ...(delivery !== "direct" && { "ml-gitops:gitRepoUrl": "https://github.com/acme/deploy.git", "ml-gitops:gitToken": "[secret]" }),
    ...(delivery === "argocd" && { "ml-gitops:argocdAdminPasswordBcrypt": "[secret]" }),
  };
  for (const [k, v] of Object.entries(extra)) base[`ml-gitops:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  return base;
}

function problems(c: Record<string, string>): string[] {
  try {
    parseStackConfig(c, ID, SECRETS);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems.map(formatProblem);
  }
  return [];
}

describe("requireSignedCommits", () => {
  it("gives Flux SSH and PGP keys, by kind", () => {
    const c = parseStackConfig(config("flux", { requireSignedCommits: true, commitSigningKeys: [{ id: "dana", publicKey: SSH }, { id: "0123456789ABCDEF", publicKey: PGP }] }), ID, SECRETS) as ClusterStackConfig;
    assert.deepEqual(c.gitops.signing?.keys.map((k) => [k.id, k.kind]), [["dana", "ssh"], ["0123456789ABCDEF", "pgp"]]);
    assert.deepEqual(Object.keys(signingKeysSecretData(c.gitops.signing!.keys)), ["dana.sshpub", "0123456789ABCDEF.asc"]);
  });

  it("refuses an SSH key with Argo CD, which verifies GPG signatures only", () => {
    assert.deepEqual(problems(config("argocd", { requireSignedCommits: true, commitSigningKeys: [{ id: "dana", publicKey: SSH }] })), [
      "stacks/Pulumi.test.yaml: ml-gitops:commitSigningKeys[0].publicKey: is an SSH key, but Argo CD 3.5 verifies GPG signatures only. Sign with a GPG key and list it here, or use delivery flux, which verifies SSH signatures",
    ]);
  });

  it("refuses a GPG key without its 16-hex key id with Argo CD", () => {
    assert.deepEqual(problems(config("argocd", { requireSignedCommits: true, commitSigningKeys: [{ id: "dana", publicKey: PGP }] })), [
      'stacks/Pulumi.test.yaml: ml-gitops:commitSigningKeys[0].id: must be the key\'s 16-hex-digit GPG key id (uppercase) with delivery argocd: the AppProject lists trusted keys by id (got "dana"). Use the id gpg --list-keys --keyid-format long shows',
    ]);
  });

  it("refuses no keys, keys nobody checks, direct delivery and text that is no public key", () => {
    assert.deepEqual(problems(config("flux", { requireSignedCommits: true })), [
      "stacks/Pulumi.test.yaml: ml-gitops:commitSigningKeys: must list at least one key when requireSignedCommits is true. Add the promoters' public keys: [{id, publicKey}]",
    ]);
    assert.deepEqual(problems(config("flux", { commitSigningKeys: [{ id: "dana", publicKey: SSH }] })), [
      "stacks/Pulumi.test.yaml: ml-gitops:commitSigningKeys: is set but requireSignedCommits is false, so no controller checks them. Set requireSignedCommits: true, or remove the keys",
    ]);
    assert.deepEqual(problems(config("direct", { requireSignedCommits: true, commitSigningKeys: [{ id: "dana", publicKey: SSH }] })), [
      "stacks/Pulumi.test.yaml: ml-gitops:requireSignedCommits: needs a GitOps controller to check signatures, and delivery direct has none (got true). Use delivery argocd or flux, or verify in CI with ml-gitops verify --require-signatures",
    ]);
    assert.deepEqual(problems(config("flux", { requireSignedCommits: true, commitSigningKeys: [{ id: "dana", publicKey: "not a key" }] })), [
      "stacks/Pulumi.test.yaml: ml-gitops:commitSigningKeys[0].publicKey: is neither an SSH public key line nor an armored PGP public key block. Paste the .pub file of an SSH key, or the output of gpg --export --armor <key id>",
    ]);
  });
});

describe("rendered for the controllers", () => {
  const repoUrl = "https://github.com/acme/deploy.git";
  it("makes Flux verify HEAD against the keys Secret", { skip: CRDS }, () => {
    const repo = buildGitRepository({ name: "gitops", namespace: "flux-system", url: repoUrl, branch: "main", secretName: "gitops-auth", verifySecretName: "gitops-signing-keys" });
    assert.deepEqual(repo.spec.verify, { mode: "HEAD", secretRef: { name: "gitops-signing-keys" } });
    assert.deepEqual(validateAgainstCrds(repo), []);
  });

  it("gives the Argo CD project a source integrity policy and the chart the GPG keys", { skip: CRDS }, () => {
    const project = buildModelAppProject({ name: "model-serving", argocdNamespace: "argocd", repoUrl, modelNamespaces: ["models"], signingKeyIds: ["0123456789ABCDEF"] });
    assert.deepEqual(project.spec.sourceIntegrity, { git: { policies: [{ repos: [{ url: repoUrl }], gpg: { mode: "head", keys: ["0123456789ABCDEF"] } }] } });
    assert.deepEqual(validateAgainstCrds(project), []);
    const values = argoCdValues({ adminPasswordBcrypt: "x", dexEnabled: false, syncTimeoutMinutes: 45, gpgKeys: { "0123456789ABCDEF": PGP } });
    assert.deepEqual(values.configs.gpg, { keys: { "0123456789ABCDEF": PGP } });
  });

  it("renders neither without signing keys", () => {
    assert.equal(buildGitRepository({ name: "g", namespace: "f", url: repoUrl, branch: "main", secretName: "s" }).spec.verify, undefined);
    assert.equal(buildModelAppProject({ name: "p", argocdNamespace: "a", repoUrl, modelNamespaces: ["m"] }).spec.sourceIntegrity, undefined);
  });
});
