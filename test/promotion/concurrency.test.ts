/**
 * Promotions under concurrency, in real git: worker processes (worker.ts) start each pair of
 * commands together at a barrier, as two engineers pressing enter at the same moment.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cli, DECLARATION, FILE, makeRepos, trailersOf, URI_A, URI_C, type Repo } from "./repo";

const repos: Repo[] = [];
const scratch: string[] = [];
after(() => {
  repos.forEach((r) => r.remove());
  scratch.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const WORKER = path.join(__dirname, "worker.ts");
const EVAL = { metrics: { mmlu: 0.81, toxicity: 0.01 } };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `workers` processes; worker w runs jobs[w] in order, job i of every worker starting together. */
async function race(jobs: string[][][]): Promise<Result[][]> {
  const dir = mkdtempSync(path.join(tmpdir(), "ml-gitops-race-"));
  scratch.push(dir);
  const barrier = path.join(dir, "barrier");
  mkdirSync(barrier);
  return Promise.all(
    jobs.map((list, w) => {
      const file = path.join(dir, `jobs-${w}.json`);
      writeFileSync(file, JSON.stringify(list.map((argv) => ({ argv, party: jobs.length }))));
      return new Promise<Result[]>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", WORKER, `w${w}`, barrier, file], {
          env: { ...process.env, ML_GITOPS_LOCK_WAIT_MS: "60000" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString()));
        child.stderr.on("data", (c: Buffer) => (err += c.toString()));
        child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as Result[]) : reject(new Error(`worker w${w} exited ${code}: ${err}`))));
      });
    }),
  );
}

function evalFile(r: Repo): string {
  const file = `${r.root}-eval.json`;
  writeFileSync(file, JSON.stringify(EVAL));
  scratch.push(file);
  return file;
}

const promoteArgv = (r: Repo, version: string, uri: string) => [
  "promote", "llama-3-8b", "--env", "production", "--version", version, "--uri", uri,
  "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evalFile(r), "--root", r.root,
];

/** Every promotion commit's file says what its trailers say: candidate version and step. */
function assertRecordsMatch(r: Repo): void {
  const commits = r.git("rev-list", "HEAD").trim().split("\n").slice(0, -1);
  for (const c of commits) {
    const text = r.git("show", `${c}:${FILE}`);
    const t = trailersOf(r, c);
    const to = t.find((l) => l.startsWith("To-Version: "))!.slice("To-Version: ".length);
    const step = t.find((l) => l.startsWith("Step: "))?.slice("Step: ".length);
    assert.match(text, new RegExp(`  candidate:\\n    version: ${to.replace(/\./g, "\\.")}\\n`), `commit ${c} says ${to} but its file does not`);
    if (step !== undefined) assert.match(text, new RegExp(`\\n    step: ${Number(step.split("/")[0]) - 1}\\n`), `commit ${c} says step ${step} but its file does not`);
  }
}

function assertNoLeftovers(r: Repo): void {
  assert.equal(r.git("status", "--porcelain", "--untracked-files=all", "--ignored"), "");
  const ours = path.join(r.root, ".git", "ml-gitops");
  assert.deepEqual(existsSync(ours) ? readdirSync(ours) : [], []);
  assert.equal(existsSync(path.join(r.root, ".git", "index.lock")), false);
}

describe("concurrent promotions", { concurrency: true }, () => {
  it("commits exactly one of two promotes started together, 20 times, and refuses the other by name", async () => {
    const pairs = makeRepos(20);
    repos.push(...pairs);
    const [a, b] = await race([pairs.map((r) => promoteArgv(r, "v3.2.0", URI_C)), pairs.map((r) => promoteArgv(r, "v3.3.0", URI_A.replace("a".repeat(64), "d".repeat(64))))]);
    for (const [i, r] of pairs.entries()) {
      const codes = [a![i]!.code, b![i]!.code].sort();
      assert.deepEqual(codes, [0, 1], `pair ${i}: ${JSON.stringify([a![i], b![i]])}`);
      const loser = a![i]!.code === 1 ? a![i]! : b![i]!;
      const winner = a![i]!.code === 0 ? "v3.2.0" : "v3.3.0";
      assert.match(loser.stderr, new RegExp(`${winner.replace(/\./g, "\\.")} is in canary at step 1/6 \\(10%\\); advance it to completion or abort it`));
      assert.equal(r.git("rev-list", "--count", "HEAD").trim(), "2", `pair ${i}: one promotion commit on top of the seed`);
      assertRecordsMatch(r);
      assertNoLeftovers(r);
    }
  });

  it("never lets two advances started together undo each other's step, 10 times", async () => {
    const pairs = makeRepos(10);
    repos.push(...pairs);
    // One promotion, copied: every pair starts from the same canary at step 1/6.
    const [first] = pairs;
    assert.equal((await cli(...promoteArgv(first!, "v3.2.0", URI_C))).code, 0);
    for (const r of pairs.slice(1)) {
      rmSync(r.root, { recursive: true, force: true });
      cpSync(first!.root, r.root, { recursive: true });
    }
    const advance = (r: Repo) => ["advance", "llama-3-8b", "--env", "production", "--root", r.root];
    const [a, b] = await race([pairs.map(advance), pairs.map(advance)]);
    for (const [i, r] of pairs.entries()) {
      assert.deepEqual([a![i]!.code, b![i]!.code], [0, 0], `pair ${i}: ${JSON.stringify([a![i], b![i]])}`);
      // Both advanced, one after the other: steps 2/6 and 3/6, never the same step twice.
      assert.deepEqual([trailersOf(r, "HEAD~1").at(-1), trailersOf(r).at(-1)], ["Step: 2/6", "Step: 3/6"]);
      assert.match(r.read(), /\n {4}step: 2\n/);
      assertRecordsMatch(r);
      assertNoLeftovers(r);
    }
  });

  it("restores file and index every time a fast-failing hook refuses the commit, 50 times in parallel", async () => {
    const all = makeRepos(50);
    repos.push(...all);
    for (const r of all) {
      const hook = path.join(r.root, ".git", "hooks", "pre-commit");
      // Exits at once, without reading anything: the case that made the old stdin message EPIPE.
      writeFileSync(hook, "#!/bin/sh\nexit 1\n");
      chmodSync(hook, 0o755);
    }
    const results = await race([all.slice(0, 25).map((r) => promoteArgv(r, "v3.2.0", URI_C)), all.slice(25).map((r) => promoteArgv(r, "v3.2.0", URI_C))]);
    const flat = results.flat();
    for (const [i, r] of all.entries()) {
      assert.equal(flat[i]!.code, 2, JSON.stringify(flat[i]));
      assert.equal(flat[i]!.stderr, `ml-gitops promote: git commit failed: \n${FILE} was restored and unstaged; nothing was committed\n`);
      assert.equal(r.read(), DECLARATION);
      assert.equal(r.git("rev-list", "--count", "HEAD").trim(), "1");
      assertNoLeftovers(r);
    }
  });
});
