/** Promotion refusals about the repository itself: detached HEAD, a stale branch, links, line endings. */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { lineEndings } from "../../lib/promotion/workflow";
import { cli, DECLARATION, FILE, makeRepo, URI_C, type Repo } from "../promotion/repo";

const repos: Repo[] = [];
const dirs: string[] = [];
const repo = (text = DECLARATION) => {
  const r = makeRepo(text);
  repos.push(r);
  return r;
};
after(() => {
  repos.forEach((r) => r.remove());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function promoteArgv(r: Repo, ...extra: string[]): string[] {
  const evaluation = `${r.root}-eval.json`;
  writeFileSync(evaluation, JSON.stringify({ metrics: { mmlu: 0.81, toxicity: 0.01 } }));
  return ["promote", "llama-3-8b", "--env", "production", "--version", "v3.2.0", "--uri", URI_C, "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evaluation, "--root", r.root, ...extra];
}

/** Refused with exit 1: nothing written, staged or committed. */
async function refusedWith(r: Repo, argv: string[], reason: string): Promise<void> {
  const before = readFileSync(path.join(r.root, FILE));
  const head = r.head();
  const res = await cli(...argv);
  assert.equal(res.stderr, `ml-gitops promote: promote llama-3-8b in production: refused\n  - ${reason}\n`);
  assert.equal(res.code, 1);
  assert.ok(readFileSync(path.join(r.root, FILE)).equals(before));
  assert.equal(r.head(), head);
}

describe("promotion refuses an unsafe repository state", () => {
  it("refuses a detached HEAD, whose commit would belong to no branch", async () => {
    const r = repo();
    r.git("checkout", "-q", "--detach");
    await refusedWith(r, promoteArgv(r), `HEAD is detached at ${r.head().slice(0, 12)}; a promotion commit there belongs to no branch and is lost on the next checkout. Check out the branch Argo CD or Flux follows (git switch main) and run again`);
  });

  it("still stages on a detached HEAD with --no-commit: nothing is committed there", async () => {
    const r = repo();
    r.git("checkout", "-q", "--detach");
    const res = await cli(...promoteArgv(r, "--no-commit"));
    assert.equal(res.code, 0, res.stderr);
    assert.equal(r.git("diff", "--cached", "--name-only"), `${FILE}\n`);
  });

  it("refuses a branch behind its upstream, and promotes once it is up to date", async () => {
    const upstream = repo();
    const dir = mkdtempSync(path.join(tmpdir(), "ml-gitops-clone-"));
    dirs.push(dir);
    const clone = { ...upstream, root: path.join(dir, "clone") };
    upstream.git("clone", "-q", upstream.root, clone.root);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: clone.root, encoding: "utf8" });
    git("config", "user.name", "Clone");
    git("config", "user.email", "clone@example.com");
    upstream.write("README.md", "someone else's commit\n");
    upstream.git("add", "README.md");
    upstream.git("commit", "-q", "-m", "another change");
    git("fetch", "-q");
    const c: Repo = { ...upstream, root: clone.root, git, head: () => git("rev-parse", "HEAD").trim(), read: (f = FILE) => readFileSync(path.join(clone.root, f), "utf8") };
    await refusedWith(c, promoteArgv(c), "the branch is 1 commit behind origin/main (as of the last fetch); pull first (git pull --rebase) so the promotion starts from what is deployed");
    git("pull", "-q", "--rebase");
    assert.equal((await cli(...promoteArgv(c))).code, 0);
  });

  it("refuses a symlinked declaration instead of replacing the link with a file", async () => {
    const r = repo();
    renameSync(path.join(r.root, FILE), path.join(r.root, "deployments/llama.yaml.real"));
    symlinkSync("../llama.yaml.real", path.join(r.root, FILE));
    r.git("add", "-A");
    r.git("commit", "-q", "-m", "declaration behind a link");
    await refusedWith(r, promoteArgv(r), `${FILE} is a symbolic link; ml-gitops edits a declaration in place and would replace the link with a plain file. Keep the declaration as a regular file in deployments/`);
  });
});

describe("line endings", () => {
  it("keeps a CRLF declaration CRLF on every line, the inserted ones included", async () => {
    const r = repo(DECLARATION.replace(/\n/g, "\r\n"));
    const res = await cli(...promoteArgv(r));
    assert.equal(res.code, 0, res.stderr);
    const text = r.read();
    assert.equal(lineEndings(text), "crlf");
    assert.match(text, /\r\n {2}candidate:\r\n {4}version: v3\.2\.0\r\n/);
    assert.equal(r.git("show", `HEAD:${FILE}`), text);
  });

  it("refuses a declaration that mixes CRLF and LF", async () => {
    const r = repo(DECLARATION.replace("\n", "\r\n"));
    await refusedWith(r, promoteArgv(r), `${FILE} mixes CRLF and LF line endings, so an edit can't keep them consistent; convert it to one style (for example dos2unix ${FILE}), commit that, and run again`);
  });

  it("classifies line endings", () => {
    assert.deepEqual(["", "a", "a\nb\n", "a\r\nb\r\n", "a\r\nb\n", "a\rb"].map(lineEndings), ["lf", "lf", "lf", "crlf", "mixed", "lf"]);
  });
});
