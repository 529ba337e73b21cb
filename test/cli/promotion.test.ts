import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { CLI_CONTEXT } from "../../lib/promotion/workflow";
import { cli, DECLARATION, FILE, IMAGE, makeRepo, subjectOf, trailersOf, URI_A, URI_C, type Repo } from "../promotion/repo";

const started = new Date(Date.now() - 1000).toISOString();
/** Timestamps the commands wrote during this run become "<now>"; the fixture's own stay. */
const masked = (text: string) => text.replace(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"/g, (m, t: string) => (t >= started.slice(0, 19) ? '"<now>"' : m));

const repos: Repo[] = [];
const repo = (...args: Parameters<typeof makeRepo>) => {
  const r = makeRepo(...args);
  repos.push(r);
  return r;
};
after(() => repos.forEach((r) => r.remove()));

function evaluationFile(r: Repo, content: unknown, name = "eval.json"): string {
  const file = path.join(r.root, "..", `${path.basename(r.root)}-${name}`);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  repos.push({ ...r, remove: () => writeFileSync(file, "") });
  return file;
}

const GOOD_EVAL = { metrics: { mmlu: 0.81, toxicity: 0.01 }, dataset: "eval-2025-06" };

async function promote(r: Repo, ...extra: string[]) {
  const evaluation = evaluationFile(r, GOOD_EVAL);
  return cli("promote", "llama-3-8b", "--env", "production", "--version", "v3.2.0", "--uri", URI_C, "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evaluation, "--root", r.root, ...extra);
}

function assertLoads(r: Repo): void {
  loadDeploymentFile(FILE, r.read(), CLI_CONTEXT);
}

const CANDIDATE_BLOCK = `  candidate:
    version: v3.2.0
    uri: ${URI_C}
    image: ${IMAGE}
    step: 0
    startedAt: "<now>"
    approvedBy: [dana.ml-lead, sam.platform]
    evaluation: { mmlu: 0.81, toxicity: 0.01 }
`;
const RELEASE_ITEM = `    - version: v3.2.0
      uri: ${URI_C}
      image: ${IMAGE}
      promotedAt: "<now>"
`;
const afterStable = (text: string, block: string) => text.replace(`    image: ${IMAGE}\n  releases:`, `    image: ${IMAGE}\n${block}  releases:`);
const withRelease = (text: string) => text.replace(`      promotedAt: "2025-05-01T10:00:00Z"\n`, `      promotedAt: "2025-05-01T10:00:00Z"\n${RELEASE_ITEM}`);
const withStable = (text: string, version: string, uri: string) =>
  text.replace(/ {2}stable:\n {4}version: .*\n {4}uri: .*\n/, `  stable:\n    version: ${version}\n    uri: ${uri}\n`);

describe("promotion flow", () => {
  it("promotes, advances through every step, completes, rolls back, and records each step in history", async (t) => {
    // GIVEN a repository whose stable is v3.1.0
    const r = repo();
    // WHEN v3.2.0 is promoted
    const promoted = await promote(r);
    assert.equal(promoted.stderr, "");
    assert.equal(promoted.code, 0);
    // THEN the candidate is inserted after stable and nothing else changes
    assert.equal(masked(r.read()), afterStable(DECLARATION, CANDIDATE_BLOCK));
    assert.equal(subjectOf(r), "promote llama-3-8b v3.1.0 -> v3.2.0 (production, canary 10%)");
    assert.deepEqual(trailersOf(r), [
      "Model: llama-3-8b",
      "Environment: production",
      "Action: promote",
      "From-Version: v3.1.0",
      "To-Version: v3.2.0",
      "Step: 1/6",
      "Approved-by: dana.ml-lead",
      "Approved-by: sam.platform",
      "Evaluation: mmlu=0.81, toxicity=0.01",
    ]);
    assert.equal(r.git("status", "--porcelain"), "");
    assertLoads(r);

    // WHEN it is advanced step by step
    const expected = [
      ["advance llama-3-8b v3.2.0 to step 2/6 (production, 10%)", "2/6"],
      ["advance llama-3-8b v3.2.0 to step 3/6 (production, 10%)", "3/6"],
      ["advance llama-3-8b v3.2.0 to step 4/6 (production, 50%)", "4/6"],
      ["advance llama-3-8b v3.2.0 to step 5/6 (production, 50%)", "5/6"],
      ["advance llama-3-8b v3.2.0 to step 6/6 (production, 100%)", "6/6"],
    ];
    for (const [i, [subject, step]] of expected.entries()) {
      const before = r.head();
      const res = await cli("advance", "llama-3-8b", "--env", "production", "--root", r.root);
      assert.equal(res.code, 0, res.stderr);
      assert.notEqual(r.head(), before);
      assert.equal(subjectOf(r), subject);
      assert.deepEqual(trailersOf(r), ["Model: llama-3-8b", "Environment: production", "Action: advance", "From-Version: v3.1.0", "To-Version: v3.2.0", `Step: ${step}`]);
      assert.equal(masked(r.read()), afterStable(DECLARATION, CANDIDATE_BLOCK.replace("step: 0", `step: ${i + 1}`)));
      assertLoads(r);
    }

    // WHEN it is advanced past the last step THEN the candidate is stable and recorded as a release
    const completed = await cli("advance", "llama-3-8b", "--env", "production", "--root", r.root, "--json");
    assert.equal(completed.code, 0, completed.stderr);
    const completeCommit = r.head();
    assert.equal(JSON.parse(completed.stdout).commit, completeCommit);
    assert.equal(subjectOf(r), "complete llama-3-8b v3.2.0 (production)");
    assert.deepEqual(trailersOf(r), ["Model: llama-3-8b", "Environment: production", "Action: complete", "From-Version: v3.1.0", "To-Version: v3.2.0"]);
    assert.equal(masked(r.read()), withRelease(withStable(DECLARATION, "v3.2.0", URI_C)));
    assertLoads(r);

    // THEN history lists every promotion commit, newest first, from its trailers
    const history = await cli("history", "llama-3-8b", "--env", "production", "--json", "--root", r.root);
    assert.equal(history.code, 0, history.stderr);
    const entries = JSON.parse(history.stdout) as Record<string, unknown>[];
    assert.deepEqual(entries.map((e) => [e.action, e.fromVersion, e.toVersion, e.step ?? null]), [
      ["complete", "v3.1.0", "v3.2.0", null],
      ["advance", "v3.1.0", "v3.2.0", "6/6"],
      ["advance", "v3.1.0", "v3.2.0", "5/6"],
      ["advance", "v3.1.0", "v3.2.0", "4/6"],
      ["advance", "v3.1.0", "v3.2.0", "3/6"],
      ["advance", "v3.1.0", "v3.2.0", "2/6"],
      ["promote", "v3.1.0", "v3.2.0", "1/6"],
    ]);
    const first = entries[entries.length - 1]!;
    assert.equal(first.author, "Test Promoter");
    assert.deepEqual(first.approvedBy, ["dana.ml-lead", "sam.platform"]);
    assert.equal(first.evaluation, "mmlu=0.81, toxicity=0.01");
    assert.equal(entries[0]!.commit, r.head());
    const text = await cli("history", "llama-3-8b", "--root", r.root);
    assert.match(text.stdout.split("\n").at(-2)!, /^\S+ {2}Test Promoter {2}production {2}promote {2}v3\.1\.0 -> v3\.2\.0 {2}step 1\/6 {2}approved by dana\.ml-lead, sam\.platform {2}evaluation mmlu=0\.81, toxicity=0\.01 {2}commit [0-9a-f]{12}$/);

    await t.test("rolls back to the previous release as a new commit that names what it reverts", async () => {
      // WHEN it is rolled back THEN stable is v3.1.0 again, in a new commit that names what it reverts
      const rolledBack = await cli("rollback", "llama-3-8b", "--env", "production", "--root", r.root);
      assert.equal(rolledBack.code, 0, rolledBack.stderr);
      assert.equal(r.git("rev-parse", "HEAD~1").trim(), completeCommit);
      assert.equal(subjectOf(r), "rollback llama-3-8b v3.2.0 -> v3.1.0 (production)");
      assert.deepEqual(trailersOf(r), ["Model: llama-3-8b", "Environment: production", "Action: rollback", "From-Version: v3.2.0", "To-Version: v3.1.0", `Reverts: ${completeCommit}`]);
      assert.equal(masked(r.read()), withRelease(DECLARATION));
      assertLoads(r);

      const history = await cli("history", "llama-3-8b", "--env", "production", "--json", "--root", r.root);
      const latest = (JSON.parse(history.stdout) as Record<string, unknown>[])[0]!;
      assert.deepEqual([latest.action, latest.fromVersion, latest.toVersion, latest.reverts, latest.commit], ["rollback", "v3.2.0", "v3.1.0", completeCommit, r.head()]);

      // WHEN rolled back again THEN it returns to v3.0.0 and reverts the rollback that made v3.1.0 stable
      const firstRollback = r.head();
      assert.equal((await cli("rollback", "llama-3-8b", "--env", "production", "--root", r.root)).code, 0);
      assert.equal(subjectOf(r), "rollback llama-3-8b v3.1.0 -> v3.0.0 (production)");
      assert.ok(trailersOf(r).includes(`Reverts: ${firstRollback}`));
      assert.equal(masked(r.read()), withRelease(withStable(DECLARATION, "v3.0.0", URI_A)));
      assertLoads(r);

      // AND rollback --to returns to any release, here forward to v3.2.0
      assert.equal((await cli("rollback", "llama-3-8b", "--env", "production", "--to", "v3.2.0", "--root", r.root)).code, 0);
      assert.equal(subjectOf(r), "rollback llama-3-8b v3.0.0 -> v3.2.0 (production)");
      assert.equal(masked(r.read()), withRelease(withStable(DECLARATION, "v3.2.0", URI_C)));
    });
  });

  it("rolls back a stable that predates ml-gitops, without a Reverts trailer and with a warning", async () => {
    const r = repo();
    const res = await cli("rollback", "llama-3-8b", "--env", "production", "--reason", "regression in eval", "--root", r.root);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, "ml-gitops rollback: warning: no promotion commit for v3.1.0 found in history (it predates ml-gitops); the commit has no Reverts trailer\n");
    assert.deepEqual(trailersOf(r), ["Model: llama-3-8b", "Environment: production", "Action: rollback", "From-Version: v3.1.0", "To-Version: v3.0.0", "Reason: regression in eval"]);
    assert.equal(r.read(), withStable(DECLARATION, "v3.0.0", URI_A));
    assertLoads(r);
  });

  it("aborts a canary: the candidate is dropped and the file is as before the promotion", async () => {
    const r = repo();
    assert.equal((await promote(r)).code, 0);
    assert.equal((await cli("advance", "llama-3-8b", "--env", "production", "--root", r.root)).code, 0);
    const res = await cli("abort", "llama-3-8b", "--env", "production", "--reason", "p99 latency doubled\nat 10%", "--root", r.root);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(r.read(), DECLARATION);
    assert.equal(subjectOf(r), "abort llama-3-8b v3.2.0 (production): p99 latency doubled at 10%");
    assert.deepEqual(trailersOf(r), ["Model: llama-3-8b", "Environment: production", "Action: abort", "From-Version: v3.2.0", "To-Version: v3.1.0", "Step: 2/6", "Reason: p99 latency doubled at 10%"]);
    assertLoads(r);
  });

  it("shows every model's stable, canary, step and traffic", async () => {
    const r = repo();
    assert.equal((await promote(r)).code, 0);
    const res = await cli("status", "--root", r.root, "--json");
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), [
      {
        environment: "production",
        model: "llama-3-8b",
        file: FILE,
        stable: "v3.1.0",
        canary: { version: "v3.2.0", step: 1, steps: 6, trafficPercent: 10, at: "setWeight 10", route: "HTTPRoute llama-3-8b → llama-3-8b-canary (Argo Rollouts (Gateway API plugin))" },
      },
    ]);
    const table = await cli("status", "--env", "production", "--root", r.root);
    assert.equal(
      table.stdout,
      "ENVIRONMENT  MODEL       STABLE  CANARY  STEP  AT            GATE  TRAFFIC  ROUTE\n" +
        "production   llama-3-8b  v3.1.0  v3.2.0  1/6   setWeight 10  -     10%      HTTPRoute llama-3-8b → llama-3-8b-canary (Argo Rollouts (Gateway API plugin))\n",
    );
  });

  it("stages the change without committing with --no-commit", async () => {
    const r = repo();
    const head = r.head();
    const res = await promote(r, "--no-commit");
    assert.equal(res.code, 0, res.stderr);
    assert.equal(r.head(), head);
    assert.equal(r.git("diff", "--cached", "--name-only"), `${FILE}\n`);
    assert.equal(masked(r.read()), afterStable(DECLARATION, CANDIDATE_BLOCK));
  });
});

/** Runs a command that must be refused: exit code, no byte written, no commit, nothing staged. */
async function refused(r: Repo, code: 1 | 2, argv: string[]): Promise<string> {
  const before = r.read();
  const head = r.head();
  const status = r.git("status", "--porcelain");
  const res = await cli(...argv, "--root", r.root);
  assert.equal(res.code, code, `${res.stdout}${res.stderr}`);
  assert.equal(r.read(), before);
  assert.equal(r.head(), head);
  assert.equal(r.git("status", "--porcelain"), status);
  assert.equal(res.stdout, "");
  return res.stderr;
}

const promoteArgs = (over: Record<string, string | string[] | undefined> = {}): string[] => {
  const opts: Record<string, string | string[] | undefined> = { version: "v3.2.0", uri: URI_C, "approved-by": ["dana.ml-lead", "sam.platform"], ...over };
  const out = ["promote", "llama-3-8b", "--env", "production"];
  for (const [k, v] of Object.entries(opts)) for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v]) out.push(`--${k}`, x);
  return out;
};

describe("promotion refusals", () => {
  const REFUSED = "ml-gitops promote: promote llama-3-8b in production: refused\n";

  it("refuses a mutable artifact URI and a tagged image with the policy's reason and fix", async () => {
    const r = repo();
    const evaluation = evaluationFile(r, GOOD_EVAL);
    const stderr = await refused(r, 1, promoteArgs({ uri: "s3://models/llama-3-8b/latest/", image: "vllm/vllm-openai:v0.28.0", evaluation }));
    assert.equal(
      stderr,
      `${REFUSED}  - --uri "s3://models/llama-3-8b/latest/" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://models/llama-3-8b/sha256-<64 hex>/ in an Object Lock bucket.\n` +
        `  - --image "vllm/vllm-openai:v0.28.0" uses the tag :v0.28.0 without a digest, and tags can be pushed again; pin it by digest: vllm/vllm-openai:v0.28.0@sha256:<64 hex>.\n`,
    );
  });

  it("refuses evaluation results that miss the criteria, naming metric, value and bound", async () => {
    const r = repo();
    const evaluation = evaluationFile(r, { metrics: { mmlu: 0.78, toxicity: 0.03 } });
    assert.equal(
      await refused(r, 1, promoteArgs({ evaluation })),
      `${REFUSED}  - evaluation: mmlu = 0.78 is below the minimum 0.8\n  - evaluation: toxicity = 0.03 is above the maximum 0.02\n`,
    );
  });

  it("counts a missing metric, or missing results, as a miss", async () => {
    const r = repo();
    const evaluation = evaluationFile(r, { metrics: { mmlu: 0.9 } });
    assert.equal(
      await refused(r, 1, promoteArgs({ evaluation })),
      `${REFUSED}  - evaluation: toxicity is missing from the results (criterion max 0.02); evaluate the candidate on toxicity and pass the results with --evaluation\n`,
    );
    const none = await refused(r, 1, promoteArgs());
    assert.match(none, /mmlu is missing from the results \(criterion min 0\.8\)/);
    assert.match(none, /toxicity is missing from the results \(criterion max 0\.02\)/);
  });

  it("refuses too few approvals and approvers who are not declared", async () => {
    const r = repo();
    const evaluation = evaluationFile(r, GOOD_EVAL);
    assert.equal(
      await refused(r, 1, promoteArgs({ evaluation, "approved-by": ["dana.ml-lead", "mallory"] })),
      `${REFUSED}  - approval: mallory is not in spec.promotion.approvals.approvers (dana.ml-lead, sam.platform, priya.safety); only declared approvers can approve\n` +
        `  - approval: 2 approvals required, 1 given (dana.ml-lead); add --approved-by for approvers from dana.ml-lead, sam.platform, priya.safety\n`,
    );
    // The same approver twice is one approval.
    assert.match(await refused(r, 1, promoteArgs({ evaluation, "approved-by": ["dana.ml-lead", "dana.ml-lead"] })), /2 approvals required, 1 given \(dana\.ml-lead\)/);
  });

  it("refuses a version that is stable or already released, pointing to rollback", async () => {
    const r = repo();
    const evaluation = evaluationFile(r, GOOD_EVAL);
    assert.equal(
      await refused(r, 1, promoteArgs({ evaluation, version: "v3.1.0" })),
      `${REFUSED}  - v3.1.0 is already stable in production; promote a new version, or use ml-gitops rollback to return to an earlier one\n`,
    );
    assert.equal(
      await refused(r, 1, promoteArgs({ evaluation, version: "v3.0.0" })),
      `${REFUSED}  - v3.0.0 was already released (promoted 2025-04-01T10:00:00Z); to serve it again use ml-gitops rollback llama-3-8b --env production --to v3.0.0\n`,
    );
  });

  it("refuses a second canary while one is in progress", async () => {
    const r = repo();
    assert.equal((await promote(r)).code, 0);
    const evaluation = evaluationFile(r, GOOD_EVAL);
    assert.equal(
      await refused(r, 1, promoteArgs({ evaluation, version: "v3.3.0" })),
      `${REFUSED}  - v3.2.0 is in canary at step 1/6 (10%); advance it to completion or abort it before promoting another candidate\n`,
    );
  });

  it("refuses a declaration with uncommitted changes, staged or not", async () => {
    const r = repo();
    const evaluation = evaluationFile(r, GOOD_EVAL);
    r.write(FILE, `${DECLARATION}# a local edit\n`);
    const reason = `  - ${FILE} has uncommitted changes; commit or discard them first, so the promotion commit contains only the promotion\n`;
    assert.equal(await refused(r, 1, promoteArgs({ evaluation })), `${REFUSED}${reason}`);
    r.git("add", "--", FILE);
    assert.equal(await refused(r, 1, promoteArgs({ evaluation })), `${REFUSED}${reason}`);
  });

  it("refuses advance and abort without a canary", async () => {
    const r = repo();
    assert.equal(
      await refused(r, 1, ["advance", "llama-3-8b", "--env", "production"]),
      "ml-gitops advance: advance llama-3-8b in production: refused\n  - no canary in progress (stable is v3.1.0); start one with ml-gitops promote\n",
    );
    assert.equal(
      await refused(r, 1, ["abort", "llama-3-8b", "--env", "production", "--reason", "bad"]),
      "ml-gitops abort: abort llama-3-8b in production: refused\n  - no canary in progress (stable is v3.1.0); there is nothing to abort\n",
    );
  });

  it("refuses a rollback during a canary, without a previous release, or to an unknown version", async () => {
    const r = repo();
    assert.equal(
      await refused(r, 1, ["rollback", "llama-3-8b", "--env", "production", "--to", "v9"]),
      "ml-gitops rollback: rollback llama-3-8b in production: refused\n  - v9 is not a promoted release (releases: v3.0.0, v3.1.0); roll back to one of them\n",
    );
    const single = repo(DECLARATION.replace(/ {4}- version: v3\.0\.0\n(?: {6}.*\n){3}/, ""));
    assert.equal(
      await refused(single, 1, ["rollback", "llama-3-8b", "--env", "production"]),
      "ml-gitops rollback: rollback llama-3-8b in production: refused\n  - there is no release before v3.1.0 (releases: v3.1.0); nothing to roll back to\n",
    );
    assert.equal((await promote(r)).code, 0);
    assert.equal(
      await refused(r, 1, ["rollback", "llama-3-8b", "--env", "production", "--to", "v3.0.0"]),
      "ml-gitops rollback: rollback llama-3-8b in production: refused\n  - v3.2.0 is in canary at step 1/6 (10%); abort it first with ml-gitops abort llama-3-8b --env production --reason TEXT\n",
    );
  });

  it("exits 2 for an unknown model, a malformed evaluation file and a missing option", async () => {
    const r = repo();
    assert.match(await refused(r, 2, ["advance", "gpt-2", "--env", "production"]), /MODEL: is not declared in deployments\/production \(got "gpt-2"\)\. Use one of llama-3-8b/);
    const flat = evaluationFile(r, { mmlu: 0.81 }, "flat.json");
    assert.match(await refused(r, 2, promoteArgs({ evaluation: flat })), /metrics: must be an object of metric name to number \(got nothing\)\. Write the results as \{ "metrics"/);
    const text = evaluationFile(r, { metrics: { mmlu: "0.81" } }, "text.json");
    assert.match(await refused(r, 2, promoteArgs({ evaluation: text })), /metrics\.mmlu: must be a finite number \(got "0\.81"\)/);
    assert.match(await refused(r, 2, ["abort", "llama-3-8b", "--env", "production"]), /required option '--reason <text>' not specified/);
  });
});

describe("git failures", () => {
  it("fails with git's message and exit 2 when there is no identity, before writing anything", async () => {
    const r = repo(DECLARATION, { identity: false });
    const evaluation = evaluationFile(r, GOOD_EVAL);
    const stderr = await refused(r, 2, promoteArgs({ evaluation }));
    assert.match(stderr, /^ml-gitops promote: .*(Author identity unknown|no name was given|Please tell me who you are)/s);
  });

  it("restores the file and the index when git commit fails after the write", async () => {
    const r = repo();
    const evaluation = evaluationFile(r, GOOD_EVAL);
    const hook = path.join(r.root, ".git", "hooks", "pre-commit");
    writeFileSync(hook, "#!/bin/sh\necho 'pre-commit: refusing for the test' >&2\nexit 1\n");
    chmodSync(hook, 0o755);
    const stderr = await refused(r, 2, promoteArgs({ evaluation }));
    assert.equal(stderr, `ml-gitops promote: git commit failed: pre-commit: refusing for the test\n${FILE} was restored and unstaged; nothing was committed\n`);
    assert.equal(r.git("status", "--porcelain", "--untracked-files=all"), "");
  });
});
