/** Output to a reader that stops early, and git failures that must not read as "nothing found". */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../support/project-copy";
import { cli, makeRepo, type Repo } from "../promotion/repo";

const repos: Repo[] = [];
after(() => repos.forEach((r) => r.remove()));

/** Runs the CLI as a process whose stdout reader has gone away before the first write. */
function withClosedStdout(...argv: string[]): Promise<{ code: number | null; stderr: string }> {
  const tsx = pathToFileURL(path.join(PROJECT_ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", tsx, path.join(PROJECT_ROOT, "cli/main.ts"), ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("output to a closed pipe (| head)", () => {
  it("ends with the command's own exit code and no EPIPE crash", async () => {
    const r = makeRepo();
    repos.push(r);
    const runs = [["status", "--root", r.root], ["history", "llama-3-8b", "--root", r.root]];
    const results = await Promise.all(runs.map((argv) => withClosedStdout(...argv)));
    for (const [i, res] of results.entries()) {
      assert.equal(res.stderr, "", runs[i]!.join(" "));
      assert.equal(res.code, 0, runs[i]!.join(" "));
    }
  });
});

describe("history", () => {
  it("exits 2 with git's message when git log fails, instead of reporting no promotions", async () => {
    const r = makeRepo();
    repos.push(r);
    const head = r.head();
    rmSync(path.join(r.root, ".git", "objects", head.slice(0, 2), head.slice(2)));
    const res = await cli("history", "llama-3-8b", "--root", r.root);
    assert.equal(res.code, 2);
    assert.equal(res.stdout, "");
    assert.match(res.stderr, /^ml-gitops history: git log failed: fatal: bad object HEAD\n$/);
  });

  it("reports no promotion commits, exit 0, in a repository without commits", async () => {
    const r = makeRepo();
    repos.push(r);
    r.git("checkout", "-q", "--orphan", "empty");
    const res = await cli("history", "llama-3-8b", "--root", r.root);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, "no promotion commits for llama-3-8b\n");
  });
});
