/**
 * ml-gitops verify in real git: promotion records that can't be forged quietly. Signing uses an
 * SSH key made by ssh-keygen in a temporary directory (gpg.format ssh, gpg.ssh.allowedSignersFile).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { judge } from "../../lib/promotion/verify";
import { copyProject, PROJECT_ROOT } from "../support/project-copy";
import { cli as run } from "../support/cli";
import { withEnv } from "../support/env";
import { cli, FILE, IMAGE, makeRepo, URI_C, type Repo } from "../promotion/repo";

const repos: Repo[] = [];
const dirs: string[] = [];
after(() => {
  repos.forEach((r) => r.remove());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const SSH_KEYGEN = spawnSync("ssh-keygen", ["-?"]).error === undefined;
if (!SSH_KEYGEN && process.env.CI) throw new Error("ssh-keygen is required in CI for the signed-commit tests (apt-get install -y openssh-client)");
const NO_SSH = SSH_KEYGEN ? false : "ssh-keygen not installed: signed-commit tests skipped (apt-get install -y openssh-client)";

/** Configures SSH commit signing in the repository with a fresh key, trusted through an allowed-signers file. */
function useSshSigning(r: Repo): void {
  const d = mkdtempSync(path.join(tmpdir(), "ml-gitops-ssh-"));
  dirs.push(d);
  const key = path.join(d, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "promoter", "-f", key]);
  const pub = readFileSync(`${key}.pub`, "utf8").trim();
  writeFileSync(path.join(d, "allowed_signers"), `promoter@example.com ${pub}\n`);
  r.git("config", "gpg.format", "ssh");
  r.git("config", "user.signingkey", key);
  r.git("config", "gpg.ssh.allowedSignersFile", path.join(d, "allowed_signers"));
}

async function completeCanary(r: Repo, ...extra: string[]): Promise<void> {
  const evaluation = `${r.root}-eval.json`;
  writeFileSync(evaluation, JSON.stringify({ metrics: { mmlu: 0.81, toxicity: 0.01 } }));
  dirs.push(evaluation);
  const p = await cli("promote", "llama-3-8b", "--env", "production", "--version", "v3.2.0", "--uri", URI_C, "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evaluation, "--root", r.root, ...extra);
  assert.equal(p.code, 0, p.stderr);
  for (let i = 0; i < 6; i++) assert.equal((await cli("advance", "llama-3-8b", "--env", "production", "--root", r.root, ...extra)).code, 0);
}

function handCommit(r: Repo, edit: (text: string) => string, message: string): string {
  r.write(FILE, edit(r.read()));
  r.git("commit", "-q", "-am", message);
  return r.head();
}

const FORGED_RELEASE = `    - version: v9.9.9\n      uri: s3://models/llama-3-8b/sha256-${"f".repeat(64)}/\n      image: ${IMAGE}\n      promotedAt: "2026-01-01T00:00:00Z"\n`;
const forgeStable = (text: string) =>
  text.replace(/ {2}stable:\n {4}version: .*\n {4}uri: .*\n/, `  stable:\n    version: v9.9.9\n    uri: s3://models/llama-3-8b/sha256-${"f".repeat(64)}/\n`).replace(/(\n {2}rollout:)/, `\n${FORGED_RELEASE.slice(0, -1)}$1`);

describe("ml-gitops verify", () => {
  it("passes a history made by promotion commits", async () => {
    const r = makeRepo();
    repos.push(r);
    await completeCanary(r);
    const res = await cli("verify", "--root", r.root);
    assert.equal(res.stdout, "verify: every release and stable change was made by a matching promotion commit\n");
    assert.equal(res.code, 0);
  });

  it("names the commit that set stable by hand and added a matching releases entry", async () => {
    const r = makeRepo();
    repos.push(r);
    await completeCanary(r);
    const forged = handCommit(r, forgeStable, "bump llama");
    const res = await cli("verify", "--root", r.root);
    assert.equal(res.code, 1);
    const where = `[commit ${forged.slice(0, 12)} "bump llama" by Test Promoter]`;
    const artifact = `v9.9.9 (s3://models/llama-3-8b/sha256-${"f".repeat(64)}/, ${IMAGE})`;
    assert.equal(
      res.stdout,
      `${FILE}: adds releases entry ${artifact}, but it is not a promotion commit (no Model/Environment/Action trailers); only ml-gitops advance completing v9.9.9 (Action: complete, To-Version: v9.9.9) adds it ${where}\n` +
        `${FILE}: sets stable to ${artifact}, but it is not a promotion commit (no Model/Environment/Action trailers); stable changes only by completing a canary or by ml-gitops rollback (Action: complete or rollback, To-Version: v9.9.9) ${where}\n` +
        "verify: 2 violation(s)\n",
    );
  });

  it("names a commit whose trailers claim another action than what it changed", async () => {
    const r = makeRepo();
    repos.push(r);
    await completeCanary(r);
    const forged = handCommit(r, forgeStable, "advance llama\n\nModel: llama-3-8b\nEnvironment: production\nAction: advance\nTo-Version: v9.9.9");
    const res = await cli("verify", "--root", r.root, "--json");
    assert.equal(res.code, 1);
    const v = JSON.parse(res.stdout) as { commit: string; message: string }[];
    assert.deepEqual(v.map((x) => x.commit), [forged, forged]);
    assert.match(v[1]!.message, /^sets stable to v9\.9\.9 .*, but its trailers say Action: advance To-Version: v9\.9\.9 for llama-3-8b in production; stable changes only by/);
  });

  it("does not verify declarations never promoted, unless --since says from where", async () => {
    const r = makeRepo();
    repos.push(r);
    const seed = r.head();
    const forged = handCommit(r, forgeStable, "hand edit before ml-gitops");
    assert.equal((await cli("verify", "--root", r.root)).code, 0);
    const res = await cli("verify", "--since", seed, "--root", r.root);
    assert.equal(res.code, 1);
    assert.match(res.stdout, new RegExp(`commit ${forged.slice(0, 12)} "hand edit before ml-gitops"`));
    assert.equal((await cli("verify", "--since", "no-such-rev", "--root", r.root)).stderr, "ml-gitops verify: --since no-such-rev is not a commit of this repository\n");
  });

  it("refuses a shallow clone with exit 2: the proof is in the history it lacks", async () => {
    const r = makeRepo();
    repos.push(r);
    await completeCanary(r);
    const d = mkdtempSync(path.join(tmpdir(), "ml-gitops-shallow-"));
    dirs.push(d);
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${r.root}`, path.join(d, "c")]);
    const res = await cli("verify", "--root", path.join(d, "c"));
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^ml-gitops verify: this is a shallow clone/);
  });

  it("passes this project's own sample declarations", async () => {
    const res = await cli("verify", "--root", PROJECT_ROOT);
    assert.equal(res.code, 0, res.stdout + res.stderr);
  });
});

describe("signed promotion commits", { skip: NO_SSH }, () => {
  it("signs with --sign, and --require-signatures accepts that history but names an unsigned forged one", async () => {
    const r = makeRepo();
    repos.push(r);
    useSshSigning(r);
    await completeCanary(r, "--sign");
    assert.equal(spawnSync("git", ["verify-commit", "HEAD"], { cwd: r.root }).status, 0, "the completing commit is signed");
    assert.equal((await cli("verify", "--require-signatures", "--root", r.root)).code, 0);
    // A hand commit with perfect trailers passes the trailer rules, but not the signature rule.
    const forged = handCommit(
      r,
      (t) => t.replace(/ {2}stable:\n {4}version: .*\n {4}uri: .*\n/, `  stable:\n    version: v3.1.0\n    uri: s3://models/llama-3-8b/sha256-${"b".repeat(64)}/\n`),
      "rollback llama-3-8b v3.2.0 -> v3.1.0 (production)\n\nModel: llama-3-8b\nEnvironment: production\nAction: rollback\nFrom-Version: v3.2.0\nTo-Version: v3.1.0",
    );
    assert.equal((await cli("verify", "--root", r.root)).code, 0);
    // history shows the forged entry like any other, but says which entries carry a good signature.
    const history = JSON.parse((await cli("history", "llama-3-8b", "--json", "--root", r.root)).stdout) as { action: string; signature: string }[];
    assert.deepEqual(history.slice(0, 2).map((e) => [e.action, e.signature]), [["rollback", "none"], ["complete", "good"]]);
    assert.match((await cli("history", "llama-3-8b", "--root", r.root)).stdout.split("\n")[1]!, /complete .* {2}commit [0-9a-f]{12} {2}signature good$/);
    const res = await cli("verify", "--require-signatures", "--root", r.root);
    assert.equal(res.code, 1);
    assert.equal(
      res.stdout,
      `${FILE}: changes stable or releases in a commit without a good signature; signatures are required (promote with --sign, and trust the key in gpg.ssh.allowedSignersFile or the GPG keyring) [commit ${forged.slice(0, 12)} "rollback llama-3-8b v3.2.0 -> v3.1.0 (production)" by Test Promoter]\nverify: 1 violation(s)\n`,
    );
  });

  it("restores everything when --sign has no key to sign with", async () => {
    const r = makeRepo();
    repos.push(r);
    r.git("config", "gpg.format", "ssh");
    r.git("config", "user.signingkey", path.join(r.root, "no-such-key"));
    const evaluation = `${r.root}-eval.json`;
    writeFileSync(evaluation, JSON.stringify({ metrics: { mmlu: 0.81, toxicity: 0.01 } }));
    const before = r.read();
    const res = await cli("promote", "llama-3-8b", "--env", "production", "--version", "v3.2.0", "--uri", URI_C, "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evaluation, "--sign", "--root", r.root);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^ml-gitops promote: git commit failed: .*\n.*was restored and unstaged; nothing was committed\n$/s);
    assert.equal(r.read(), before);
    assert.equal(r.git("status", "--porcelain"), "");
  });
});

describe("the verify rules", () => {
  const a = (version: string, uri = `u-${version}`) => ({ version, uri });
  const at = { model: "m", environment: "e" };
  const t = (action: "complete" | "rollback" | "advance", toVersion: string) => ({ model: "m", environment: "e", action, toVersion });
  it("accepts exactly what each action may change", () => {
    assert.deepEqual(judge({ stable: a("1"), releases: [a("1")] }, { stable: a("2"), releases: [a("1"), a("2")] }, t("complete", "2"), at), []);
    assert.deepEqual(judge({ stable: a("2"), releases: [a("1"), a("2")] }, { stable: a("1"), releases: [a("1"), a("2")] }, t("rollback", "1"), at), []);
    assert.deepEqual(judge({ stable: a("1"), releases: [a("1")] }, { stable: a("1"), releases: [a("1")] }, undefined, at), []);
  });
  it("refuses a rewritten or removed release, and a stable that does not match its release", () => {
    assert.deepEqual(judge({ stable: a("1"), releases: [a("1")] }, { stable: a("1"), releases: [a("1", "other")] }, t("complete", "1"), at), [
      "rewrites releases entry 1 from 1 (u-1) to 1 (other); releases entries are never edited",
    ]);
    assert.deepEqual(judge({ stable: a("1"), releases: [a("0"), a("1")] }, { stable: a("1"), releases: [a("1")] }, undefined, at), ["removes releases entry 0; releases is append-only (ml-gitops never removes one)"]);
    assert.deepEqual(judge({ stable: a("2"), releases: [a("1"), a("2")] }, { stable: a("1", "x"), releases: [a("1"), a("2")] }, t("rollback", "1"), at), ["sets stable 1 to 1 (x), but its releases entry is 1 (u-1)"]);
  });
});

describe("ml-gitops plan in CI", () => {
  it("fails on a hand-edited stable when CI is set, and ignores history outside CI", async () => {
    const root = copyProject();
    dirs.push(root);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("config", "user.name", "Test Promoter");
    git("config", "user.email", "promoter@example.com");
    git("config", "commit.gpgsign", "false");
    git("add", "-A");
    git("commit", "-q", "-m", "samples");
    const file = "deployments/staging/fraud-detector.yaml";
    const text = readFileSync(path.join(root, file), "utf8");
    // A promotion commit first, so the declaration is under verification, then a hand edit of stable.
    writeFileSync(path.join(root, file), `${text}# promoted\n`);
    git("commit", "-q", "-am", "promote\n\nModel: fraud-detector\nEnvironment: staging\nAction: promote\nTo-Version: x");
    writeFileSync(path.join(root, file), `${text}# promoted\n`.replace(/( {2}stable:\n {4}version: )\S+/, "$1hand-made"));
    git("commit", "-q", "-am", "hand edit");
    const forged = git("rev-parse", "HEAD").trim();
    const plan = () => run(["plan", "--stack", "artifacts", "--json"], { cwd: root });
    assert.equal((await withEnv("CI", undefined, plan)).code, 0);
    const res = await withEnv("CI", "true", plan);
    assert.equal(res.code, 1);
    assert.match(res.stderr, new RegExp(`^ml-gitops plan: MANDATORY promotion-record: ${file}: sets stable to hand-made .*\\[commit ${forged.slice(0, 12)} "hand edit" by Test Promoter\\]\\n`, "m"));
  });
});

describe("promotions through pull requests", () => {
  it("verifies a --no-commit promotion committed with the printed message on a branch and merged", async () => {
    const r = makeRepo();
    repos.push(r);
    await completeCanary(r);
    r.git("switch", "-q", "-c", "rollback-pr");
    const staged = await cli("rollback", "llama-3-8b", "--env", "production", "--no-commit", "--root", r.root);
    assert.equal(staged.code, 0, staged.stderr);
    const message = staged.stdout.split("\n\n").slice(1).join("\n\n");
    assert.match(message, /^rollback llama-3-8b v3\.2\.0 -> v3\.1\.0 \(production\)\n\nModel: llama-3-8b\n/);
    const file = `${r.root}-msg.txt`;
    writeFileSync(file, message);
    dirs.push(file);
    r.git("commit", "-q", "-F", file);
    r.git("switch", "-q", "main");
    r.write("README.md", "a change on main meanwhile\n");
    r.git("add", "README.md");
    r.git("commit", "-q", "-m", "docs");
    r.git("merge", "-q", "--no-ff", "-m", "Merge pull request: rollback llama", "rollback-pr");
    const res = await cli("verify", "--root", r.root);
    assert.equal(res.stdout, "verify: every release and stable change was made by a matching promotion commit\n");
    assert.equal(res.code, 0);
  });
});
