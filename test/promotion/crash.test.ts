/**
 * Crash consistency: a promotion killed (SIGKILL, no cleanup) at each point of the write-to-commit
 * sequence, then the next command. Real git in temporary repositories; the kill points are the
 * `ML_GITOPS_FAULT` points of lib/promotion/fault.ts.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { FAULT_POINTS, type FaultPoint } from "../../lib/promotion/fault";
import { cli, DECLARATION, FILE, makeRepos, URI_C, type Repo } from "./repo";

const repos: Repo[] = [];
after(() => repos.forEach((r) => r.remove()));

const WORKER = path.join(__dirname, "worker.ts");
const TMP = "deployments/production/.llama-3-8b.yaml.ml-gitops.tmp";

function promoteArgv(r: Repo): string[] {
  const evaluation = `${r.root}-eval.json`;
  writeFileSync(evaluation, JSON.stringify({ metrics: { mmlu: 0.81, toxicity: 0.01 } }));
  return ["promote", "llama-3-8b", "--env", "production", "--version", "v3.2.0", "--uri", URI_C, "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evaluation, "--root", r.root];
}

/** Runs one promote in a child process that kills itself at `point`; resolves to its pid. */
function killedAt(r: Repo, point: FaultPoint): Promise<number> {
  const dir = `${r.root}-barrier`;
  mkdirSync(dir, { recursive: true });
  const jobs = `${r.root}-jobs.json`;
  writeFileSync(jobs, JSON.stringify([{ argv: promoteArgv(r), party: 1 }]));
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, "w0", dir, jobs], { env: { ...process.env, ML_GITOPS_FAULT: point }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.on("close", (_code, signal) => (signal === "SIGKILL" ? resolve(child.pid!) : reject(new Error(`expected a kill at ${point}, got ${signal ?? _code}: ${out}`)))),
  );
}

const ours = (r: Repo) => (existsSync(path.join(r.root, ".git", "ml-gitops")) ? readdirSync(path.join(r.root, ".git", "ml-gitops")).sort() : []);

/** What each kill point leaves behind, before any recovery. */
const LEFT: Record<FaultPoint, { file: "original" | "edited"; status: string; tmp: boolean; commits: number }> = {
  journaled: { file: "original", status: "", tmp: false, commits: 1 },
  "temp-written": { file: "original", status: "", tmp: true, commits: 1 },
  written: { file: "edited", status: ` M ${FILE}\n`, tmp: false, commits: 1 },
  staged: { file: "edited", status: `M  ${FILE}\n`, tmp: false, commits: 1 },
  committed: { file: "edited", status: "", tmp: false, commits: 2 },
};

describe("a promotion killed in the write-to-commit window", { concurrency: true }, () => {
  const all = makeRepos(FAULT_POINTS.length);
  repos.push(...all);
  for (const [i, point] of FAULT_POINTS.entries()) {
    const r = all[i]!;
    it(`leaves a journal when killed at "${point}", and the next command ${point === "committed" ? "keeps the commit" : "restores the file and the index"}`, async () => {
      const pid = await killedAt(r, point);
      const left = LEFT[point];
      // THEN the repository is as before, or holds the change (written, staged or committed) with its journal
      assert.equal(r.read() === DECLARATION, left.file === "original", `file after a kill at ${point}`);
      assert.equal(r.git("status", "--porcelain", "--untracked-files=no"), left.status);
      assert.equal(existsSync(path.join(r.root, TMP)), left.tmp);
      assert.equal(r.git("rev-list", "--count", "HEAD").trim(), String(left.commits));
      assert.ok(ours(r).includes("journal.json") && ours(r).includes("lock"), `journal and lock after ${point}: ${ours(r).join(", ")}`);

      // WHEN the next command runs
      const next = point === "committed" ? await cli("advance", "llama-3-8b", "--env", "production", "--root", r.root) : await cli(...promoteArgv(r));
      // THEN it takes over the dead process's lock, settles the journal, and does its own work
      const settled =
        point === "committed"
          ? `ml-gitops: an interrupted promote (pid ${pid}) had committed ${r.git("rev-parse", "HEAD~1").trim().slice(0, 12)}; its leftovers were removed\n`
          : `ml-gitops: an interrupted promote (pid ${pid}) had not committed; ${FILE} and the index were restored as they were before it\n`;
      assert.equal(next.stderr, `ml-gitops: took over the promotion lock of promote llama-3-8b --env production (pid ${pid}), which is no longer running\n${settled}`);
      assert.equal(next.code, 0, next.stdout);
      assert.equal(r.git("rev-list", "--count", "HEAD").trim(), point === "committed" ? "3" : "2");
      assert.equal(r.git("status", "--porcelain", "--untracked-files=all"), "");
      assert.deepEqual(ours(r), []);
    });
  }
});

describe("locks held by others", () => {
  it("waits for a live promotion's lock, then refuses naming it, without writing", async () => {
    const [r] = makeRepos(1);
    repos.push(r!);
    mkdirSync(path.join(r!.root, ".git", "ml-gitops"));
    const owner = { pid: process.pid, host: hostname(), command: "advance llama-3-8b --env production", startedAt: "2026-01-01T00:00:00.000Z" };
    writeFileSync(path.join(r!.root, ".git", "ml-gitops", "lock"), JSON.stringify(owner));
    process.env.ML_GITOPS_LOCK_WAIT_MS = "300";
    try {
      const started = Date.now();
      const res = await cli(...promoteArgv(r!));
      assert.ok(Date.now() - started >= 300, "it waited");
      assert.equal(res.code, 2);
      assert.equal(res.stderr, `ml-gitops promote: another promotion is in progress in this repository: advance llama-3-8b --env production (pid ${process.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z); waited 0s. Run again when it has finished\n`);
      assert.equal(r!.read(), DECLARATION);
    } finally {
      delete process.env.ML_GITOPS_LOCK_WAIT_MS;
    }
  });

  it("says how to clear a lock whose owner it can't read", async () => {
    const [r] = makeRepos(1);
    repos.push(r!);
    mkdirSync(path.join(r!.root, ".git", "ml-gitops"));
    const lock = path.join(r!.root, ".git", "ml-gitops", "lock");
    writeFileSync(lock, "");
    process.env.ML_GITOPS_LOCK_WAIT_MS = "100";
    try {
      const res = await cli(...promoteArgv(r!));
      assert.equal(res.code, 2);
      assert.equal(res.stderr, `ml-gitops promote: another promotion is in progress in this repository: another ml-gitops command; waited 0s. Run again when it has finished; if no ml-gitops command is running, remove ${lock}\n`);
    } finally {
      delete process.env.ML_GITOPS_LOCK_WAIT_MS;
    }
  });

  it("respects git's index.lock: waits, then says how to clear a stale one", async () => {
    const [r] = makeRepos(1);
    repos.push(r!);
    const indexLock = path.join(r!.root, ".git", "index.lock");
    writeFileSync(indexLock, "");
    process.env.ML_GITOPS_LOCK_WAIT_MS = "200";
    try {
      const res = await cli(...promoteArgv(r!));
      assert.equal(res.code, 2);
      assert.equal(res.stderr, `ml-gitops promote: git's index is locked (${r!.git("rev-parse", "--absolute-git-dir").trim()}/index.lock): another git command is running, or one was killed; if no git process is running, remove ${r!.git("rev-parse", "--absolute-git-dir").trim()}/index.lock and run again\n`);
      assert.equal(r!.read(), DECLARATION);
      assert.deepEqual(ours(r!), []);
    } finally {
      delete process.env.ML_GITOPS_LOCK_WAIT_MS;
    }
  });

  it("refuses a lock wait that is not a number of milliseconds", async () => {
    const [r] = makeRepos(1);
    repos.push(r!);
    process.env.ML_GITOPS_LOCK_WAIT_MS = "soon";
    try {
      const res = await cli(...promoteArgv(r!));
      assert.equal(res.code, 2);
      assert.equal(res.stderr, 'ml-gitops promote: ML_GITOPS_LOCK_WAIT_MS must be a whole number of milliseconds from 0 to 600000 (got "soon"); unset it for the default 15000\n');
    } finally {
      delete process.env.ML_GITOPS_LOCK_WAIT_MS;
    }
  });
});

describe("read-only commands after an interruption", () => {
  it("status warns that a promotion is unsettled and says which command settles it", async () => {
    const [r] = makeRepos(1);
    repos.push(r!);
    const pid = await killedAt(r!, "written");
    const res = await cli("status", "--root", r!.root);
    assert.equal(res.code, 0);
    assert.equal(
      res.stderr,
      `ml-gitops status: warning: an interrupted promote (pid ${pid}) left ${FILE} unsettled; what is shown may include its uncommitted change. The next promote, advance, abort or rollback finishes or undoes it\n`,
    );
  });
});

describe("settling never overwrites someone else's bytes", () => {
  it("leaves a file edited after the interruption alone, with the journal, and says how to finish", async () => {
    const [r] = makeRepos(1);
    repos.push(r!);
    const pid = await killedAt(r!, "written");
    const edited = `${r!.read()}# a hand edit after the crash\n`;
    r!.write(FILE, edited);
    const res = await cli(...promoteArgv(r!));
    assert.equal(res.code, 2);
    const journal = path.join(r!.git("rev-parse", "--absolute-git-dir").trim(), "ml-gitops", "journal.json");
    assert.equal(
      res.stderr.split("\n")[1],
      `ml-gitops promote: an interrupted promote (pid ${pid}) was left as it is: ${FILE} was changed after the interrupted promote; keep or discard that change (git diff -- ${FILE}), then remove ${journal}`,
    );
    assert.equal(r!.read(), edited);
    assert.ok(existsSync(journal));
  });
});

describe("leftovers of processes killed mid-write", () => {
  it("removes half-written journal files and dead processes' private lock files, under the lock", async () => {
    const [r] = makeRepos(1);
    repos.push(r!);
    const dir = path.join(r!.root, ".git", "ml-gitops");
    mkdirSync(dir);
    // pid 2^22+1 is above Linux's pid_max, so never alive.
    for (const f of [".journal.json.4194305.0a1b2c3d.tmp", ".COMMIT_MSG.4194305.deadbeef.tmp", "lock.4194305", "lock.stale.4194305"]) writeFileSync(path.join(dir, f), "");
    const res = await cli(...promoteArgv(r!));
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(ours(r!), []);
  });
});
