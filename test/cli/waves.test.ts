/**
 * A production canary crossing regions one wave at a time, end to end: a copy of the project's
 * stacks and declarations in a temporary git repository, the CLI in-process, real git commits
 * whose committer times and the CLI's clock (ML_GITOPS_NOW) are set by the test. At every point
 * each production stack is rendered as the program renders it, and once the real plan runs.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { clustersOf } from "../../lib/config/environment-clusters";
import { loadDeployments } from "../../lib/deployments/loader";
import { ANNOTATIONS, renderModel } from "../../lib/render/model-manifests";
import { cli } from "../promotion/repo";
import { copyProject } from "../support/project-copy";

const MODEL = "llama-3-70b-instruct";
const FILE = `deployments/production/${MODEL}.yaml`;
const IMAGE = "vllm/vllm-openai:v0.28.0@sha256:61fc8a896b0a4fbbbdc063bc4b0dbc25ce98e02b5050c24aeb7830ac02039b14";
const URI = `s3://acme-ml-models-us-east-1/models/${MODEL}/sha256-${"9".repeat(64)}/`;
const STEPS = 9;
/** 2026-03-01T10:00:00Z */
const T0 = Date.parse("2026-03-01T10:00:00Z") / 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

const saved = { now: process.env.ML_GITOPS_NOW, committer: process.env.GIT_COMMITTER_DATE, author: process.env.GIT_AUTHOR_DATE };
/** Commits made from now on carry this time, and the CLI reads it as now. */
function clockAt(seconds: number): void {
  process.env.ML_GITOPS_NOW = iso(seconds);
  process.env.GIT_COMMITTER_DATE = `@${seconds} +0000`;
  process.env.GIT_AUTHOR_DATE = `@${seconds} +0000`;
}
function restoreClock(): void {
  for (const [key, value] of [["ML_GITOPS_NOW", saved.now], ["GIT_COMMITTER_DATE", saved.committer], ["GIT_AUTHOR_DATE", saved.author]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

const roots: string[] = [];
after(() => {
  restoreClock();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const git = (root: string, ...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const trailers = (root: string) => git(root, "log", "-1", "--format=%(trailers:only,unfold)").split("\n").filter((l) => l !== "");

/** What each production cluster serves of the model: the candidate's version and step, or only the stable. */
function served(root: string): Record<string, string> {
  const d = loadDeployments(root, "production", { defaultKServeMode: "Standard" }).find((x) => x.declaration.metadata.name === MODEL)!;
  const out: Record<string, string> = {};
  for (const c of clustersOf(root, "production")) {
    const rollout = renderModel(d, { kserveMode: "Standard", storageServiceAccount: "kserve-storage", prometheusUrl: "http://prometheus:9090", cluster: c }).find((o) => o.kind === "Rollout")!;
    const a = rollout.metadata.annotations ?? {};
    out[c.region] = a[ANNOTATIONS.candidateVersion] !== undefined ? `${a[ANNOTATIONS.candidateVersion]} at step ${Number(a[ANNOTATIONS.candidateStep]) + 1}` : `stable ${a[ANNOTATIONS.stableVersion]}`;
  }
  return out;
}

async function ok(root: string, ...argv: string[]) {
  const r = await cli(...argv, "--root", root);
  assert.equal(r.stderr, "", `${argv.join(" ")}: ${r.stderr}`);
  assert.equal(r.code, 0);
  return r;
}

describe("a production canary in two region waves (uses the project's sample stacks and declarations)", () => {
  let root: string;
  let clock = T0;
  const tick = () => clockAt((clock += 60));

  before(() => {
    root = copyProject();
    roots.push(root);
    git(root, "init", "-q", "-b", "main");
    git(root, "config", "user.name", "Test Promoter");
    git(root, "config", "user.email", "promoter@example.com");
    git(root, "config", "commit.gpgsign", "false");
    clockAt(T0);
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "seed the project");
  });

  it("starts from the sample's canary in wave 1: only us-east-1 serves it, and abort returns it to stable in one commit", async () => {
    assert.deepEqual(served(root), { "eu-west-1": "stable v2.1.0", "us-east-1": "v2.2.0 at step 5" });
    tick();
    await ok(root, "abort", MODEL, "--env", "production", "--reason", "restart it in waves");
    assert.deepEqual(trailers(root), [
      `Model: ${MODEL}`,
      "Environment: production",
      "Action: abort",
      "From-Version: v2.2.0",
      "To-Version: v2.1.0",
      "Step: 5/9",
      "Wave: 1/2",
      "Region: us-east-1",
      "Reason: restart it in waves",
    ]);
    assert.deepEqual(served(root), { "eu-west-1": "stable v2.1.0", "us-east-1": "stable v2.1.0" });
  });

  it("promote starts wave 1 at step 1 and writes the wave; the offline plan shows the candidate in us-east-1 only", async () => {
    tick();
    const evaluation = path.join(mkdtempSync(path.join(tmpdir(), "ml-gitops-eval-")), "eval.json");
    roots.push(path.dirname(evaluation));
    writeFileSync(evaluation, JSON.stringify({ metrics: { mmlu: 0.84, toxicity: 0.01 } }));
    const r = await ok(root, "promote", MODEL, "--env", "production", "--version", "v2.3.0", "--uri", URI, "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evaluation);
    assert.match(r.stdout, /^promote llama-3-70b-instruct v2\.1\.0 -> v2\.3\.0 \(production, wave 1\/2 us-east-1, canary 10%\)\n/);
    assert.ok(readFileSync(path.join(root, FILE), "utf8").includes(`    version: v2.3.0\n    uri: ${URI}\n    image: ${IMAGE}\n    step: 0\n    wave: 1\n    startedAt: "${iso(clock)}"\n`));
    assert.deepEqual(trailers(root).slice(2, 8), ["Action: promote", "From-Version: v2.1.0", "To-Version: v2.3.0", "Step: 1/9", "Wave: 1/2", "Region: us-east-1"]);
    assert.deepEqual(served(root), { "eu-west-1": "stable v2.1.0", "us-east-1": "v2.3.0 at step 1" });

    // The real plan path: the program run for both production stacks under the mock runtime.
    const { planStacks } = await import("../../plan/plan");
    const plans = await planStacks({ root, stacks: ["prod-us-east-1", "prod-eu-west-1"] });
    const rolloutOf = (stack: string) => plans.find((p) => p.stack === stack)!.gitops.map((g) => g.object).find((o) => o.kind === "Rollout" && o.metadata.name === MODEL)!;
    assert.equal(rolloutOf("prod-us-east-1").metadata.annotations?.[ANNOTATIONS.candidateVersion], "v2.3.0");
    assert.equal(rolloutOf("prod-eu-west-1").metadata.annotations?.[ANNOTATIONS.candidateVersion], undefined);
    assert.equal(rolloutOf("prod-eu-west-1").metadata.annotations?.[ANNOTATIONS.stableVersion], "v2.1.0");
    const { summaryMarkdown } = await import("../../plan/report");
    const summary = summaryMarkdown(plans);
    assert.ok(summary.includes(`### ${MODEL}: stable v2.1.0, canary v2.3.0 at step 1/9 (10%), wave 1/2 (us-east-1)\n`), summary);
    assert.ok(summary.includes(`### ${MODEL}: stable v2.1.0, stable only: wave 2/2 (eu-west-1) waits while canary v2.3.0 is in wave 1/2 at step 1/9\n`), summary);
  });

  let completedAt = 0;
  let completedBy = "";

  it("advance walks wave 1's steps in us-east-1 alone, one commit each with its wave and region", async () => {
    for (let step = 2; step <= STEPS; step++) {
      tick();
      await ok(root, "advance", MODEL, "--env", "production");
      assert.deepEqual(trailers(root).slice(5), [`Step: ${step}/9`, "Wave: 1/2", "Region: us-east-1"]);
      assert.deepEqual(served(root), { "eu-west-1": "stable v2.1.0", "us-east-1": `v2.3.0 at step ${step}` });
    }
    completedAt = clock;
    completedBy = git(root, "rev-parse", "HEAD").trim();
  });

  it("refuses to start wave 2 before wave 1's soak has passed since the commit that completed it, saying when it may", async () => {
    const soakEnds = completedAt + 4 * 3600;
    clockAt(soakEnds - 1);
    const before = readFileSync(path.join(root, FILE), "utf8");
    const r = await cli("advance", MODEL, "--env", "production", "--root", root);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `ml-gitops advance: advance ${MODEL} in production: refused\n  - wave 1/2 (us-east-1) completed at ${iso(completedAt)} (commit ${completedBy.slice(0, 12)}) and soaks for 4h: wave 2/2 (eu-west-1) may start at ${iso(soakEnds)}, in 1s; nothing was written, advance again then\n`,
    );
    assert.equal(readFileSync(path.join(root, FILE), "utf8"), before);
    assert.equal(git(root, "rev-parse", "HEAD").trim(), completedBy);

    const status = await ok(root, "status", "--env", "production");
    assert.ok(status.stdout.endsWith(`\n${MODEL} in production, by region:\n  us-east-1: wave 1/2 step 9/9 (100%)\n  eu-west-1: waiting (wave 2/2, soak until ${iso(soakEnds)}, 1s left)\n`), status.stdout);
    const json = JSON.parse((await ok(root, "status", "--env", "production", "--json")).stdout) as { model: string; waves?: { region: string; state: string }[] }[];
    assert.deepEqual(json.find((m) => m.model === MODEL)!.waves!.map((w) => [w.region, w.state]), [["us-east-1", "serving"], ["eu-west-1", "waiting"]]);
    // A model without waves has no waves in its status.
    assert.equal(json.find((m) => m.model === "fraud-detector")!.waves, undefined);
  });

  it("measures the soak from the commit's time, not the file's: a later unrelated commit does not restart it", async () => {
    clockAt(completedAt + 3600);
    writeFileSync(path.join(root, "README-ops.md"), "on call: dana\n");
    git(root, "add", "README-ops.md");
    git(root, "commit", "-q", "-m", "unrelated");
    clockAt(completedAt + 4 * 3600);
    const status = await ok(root, "status", "--env", "production");
    assert.ok(status.stdout.includes(`  eu-west-1: ready (wave 2/2, soak ended ${iso(completedAt + 4 * 3600)}; ml-gitops advance starts it)\n`), status.stdout);
  });

  it("starts wave 2 at its first step once the soak has passed, keeping us-east-1 on the candidate's last step", async () => {
    clock = completedAt + 4 * 3600;
    clockAt(clock);
    const r = await ok(root, "advance", MODEL, "--env", "production");
    assert.match(r.stdout, /^advance llama-3-70b-instruct v2\.3\.0 to wave 2\/2 eu-west-1 step 1\/9 \(production, 10%\)\n/);
    assert.deepEqual(trailers(root), [`Model: ${MODEL}`, "Environment: production", "Action: advance", "From-Version: v2.1.0", "To-Version: v2.3.0", "Step: 1/9", "Wave: 2/2", "Region: eu-west-1"]);
    assert.ok(readFileSync(path.join(root, FILE), "utf8").includes("    step: 0\n    wave: 2\n"));
    assert.deepEqual(served(root), { "eu-west-1": "v2.3.0 at step 1", "us-east-1": "v2.3.0 at step 9" });
    const history = await ok(root, "history", MODEL, "--env", "production");
    assert.match(history.stdout.split("\n")[0]!, / {2}production {2}advance {2}v2\.1\.0 -> v2\.3\.0 {2}step 1\/9 {2}wave 2\/2 {2}region eu-west-1 {2}commit [0-9a-f]{12}$/);
  });

  it("abort in wave 2 returns every wave to stable in one commit (on a copy of the repository)", async () => {
    const copy = mkdtempSync(path.join(tmpdir(), "ml-gitops-waves-abort-"));
    roots.push(copy);
    cpSync(root, copy, { recursive: true });
    tick();
    await ok(copy, "abort", MODEL, "--env", "production", "--reason", "eu latency");
    assert.deepEqual(trailers(copy).slice(5), ["Step: 1/9", "Wave: 2/2", "Region: eu-west-1", "Region: us-east-1", "Reason: eu latency"]);
    assert.equal(git(copy, "show", "--stat", "--format=", "HEAD").trim().split("\n").length, 2, "one file changed");
    assert.deepEqual(served(copy), { "eu-west-1": "stable v2.1.0", "us-east-1": "stable v2.1.0" });
  });

  it("walks wave 2, and its last step's advance completes the promotion everywhere at once", async () => {
    for (let step = 2; step <= STEPS; step++) {
      tick();
      await ok(root, "advance", MODEL, "--env", "production");
      assert.deepEqual(served(root), { "eu-west-1": `v2.3.0 at step ${step}`, "us-east-1": "v2.3.0 at step 9" });
    }
    // No soak after the last wave: the promotion completes at once.
    tick();
    const r = await ok(root, "advance", MODEL, "--env", "production");
    assert.match(r.stdout, /^complete llama-3-70b-instruct v2\.3\.0 \(production\)\n/);
    assert.deepEqual(trailers(root), [`Model: ${MODEL}`, "Environment: production", "Action: complete", "From-Version: v2.1.0", "To-Version: v2.3.0", "Wave: 2/2", "Region: eu-west-1", "Region: us-east-1"]);
    assert.deepEqual(served(root), { "eu-west-1": "stable v2.3.0", "us-east-1": "stable v2.3.0" });
    const text = readFileSync(path.join(root, FILE), "utf8");
    assert.ok(!text.includes("  candidate:"));
    assert.ok(text.includes(`    - version: v2.3.0\n      uri: ${URI}\n      image: ${IMAGE}\n      promotedAt: "${iso(clock)}"\n`));
    const verify = await cli("verify", "--root", root);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});
