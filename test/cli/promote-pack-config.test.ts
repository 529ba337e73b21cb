/**
 * `promote` judges the candidate's URI with the pack's own predicate and config, so a URI that
 * `plan` (and `pulumi preview`) would refuse, e.g. a bucket outside allowedBuckets, is never
 * committed. Real git repositories, as in test/cli/promotion.test.ts.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { cli, makeRepo, URI_C, type Repo } from "../promotion/repo";

const repos: Repo[] = [];
after(() => repos.forEach((r) => r.remove()));

const EVAL = { metrics: { mmlu: 0.81, toxicity: 0.01 } };

async function promote(r: Repo, ...extra: string[]) {
  const evaluation = path.join(r.root, "..", `${path.basename(r.root)}-eval.json`);
  writeFileSync(evaluation, JSON.stringify(EVAL));
  return cli("promote", "llama-3-8b", "--env", "production", "--version", "v3.2.0", "--uri", URI_C, "--approved-by", "dana.ml-lead", "--approved-by", "sam.platform", "--evaluation", evaluation, "--root", r.root, ...extra);
}

function repoWithConfig(config: unknown): Repo {
  const r = makeRepo();
  repos.push(r);
  r.write("policies/config.json", JSON.stringify(config));
  r.git("add", "policies/config.json");
  r.git("commit", "-qm", "pack config");
  return r;
}

describe("promote under the policy pack config", () => {
  it("refuses a URI in a bucket outside the repository's allowedBuckets, and commits nothing", async () => {
    const r = repoWithConfig({ "model-artifact-immutable": { allowedBuckets: ["acme-ml-models-us-east-1"] } });
    const head = r.head();
    const res = await promote(r);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.equal(
      res.stderr,
      "ml-gitops promote: promote llama-3-8b in production: refused\n" +
        `  - --uri "${URI_C}" is not pinned: is in bucket "models", which is not in allowedBuckets (acme-ml-models-us-east-1); publish the model to one of acme-ml-models-us-east-1.\n`,
    );
    assert.equal(r.head(), head);
  });

  it("promotes the same URI when its bucket is allowed", async () => {
    const r = repoWithConfig({ "model-artifact-immutable": { allowedBuckets: ["models"] } });
    const res = await promote(r);
    assert.equal(res.code, 0, res.stderr);
  });

  it("reads --policy-config over the repository's file", async () => {
    const r = repoWithConfig({ "model-artifact-immutable": { allowedBuckets: ["models"] } });
    const other = path.join(r.root, "..", `${path.basename(r.root)}-strict.json`);
    writeFileSync(other, JSON.stringify({ "model-artifact-immutable": { allowedBuckets: ["elsewhere"] } }));
    const res = await promote(r, "--policy-config", other);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /is in bucket "models", which is not in allowedBuckets \(elsewhere\)/);
  });

  it("exits 2 naming the file and key for an invalid config", async () => {
    const r = repoWithConfig({ "model-artifact-immutable": { allowedBuckets: "models" } });
    const res = await promote(r);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /config\.json.*model-artifact-immutable\.allowedBuckets: must be array \(got "models"\)/);
  });
});
