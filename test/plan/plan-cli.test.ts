import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cli } from "../support/cli";
import { copyProject, PROJECT_ROOT } from "../support/project-copy";

/** Runs `ml-gitops plan` in a copy of the project. */
async function plan(root: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await cli(["plan", ...args], { cwd: root });
  return { code, out: stdout, err: stderr };
}

/**
 * Runs `ml-gitops plan` as its own process, for failures of the program itself: as under
 * pulumi up they surface as rejections inside the runtime, which the test runner would claim.
 */
function planProcess(root: string, ...args: string[]): { code: number | null; err: string } {
  const tsx = pathToFileURL(join(PROJECT_ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  const result = spawnSync(process.execPath, ["--import", tsx, join(PROJECT_ROOT, "cli/main.ts"), "plan", ...args], { cwd: root, encoding: "utf8" });
  return { code: result.status, err: result.stderr };
}

function edit(root: string, file: string, from: string | RegExp, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  assert.notEqual(next, text, `${file} has no ${String(from)}`);
  writeFileSync(path, next);
}

const LLAMA = "deployments/production/llama-3-70b-instruct.yaml";

describe("ml-gitops plan", () => {
  it("exits 0 and prints a line per stack when every stack passes", async () => {
    const { code, out } = await plan(copyProject());
    assert.equal(code, 0);
    assert.match(out, /^\[1\/4\] artifacts: \d+ resources, 0 mandatory/m);
    assert.match(out, /^\[4\/4\] staging-us-west-2: \d+ resources, 0 mandatory/m);
    assert.match(out, /plan: 4 stacks, no mandatory violations/);
  });

  it("exits 1 on a mutable artifact URI, naming the policy, the resource and the declaration file", async () => {
    const root = copyProject();
    edit(root, LLAMA, /(  candidate:\n    version: v2\.2\.0\n    uri: )\S+/, "$1s3://acme-ml-models-us-east-1/models/llama-3-70b-instruct/latest/");
    const { code, out } = await plan(root, "--stack", "prod-us-east-1");
    assert.equal(code, 1);
    assert.match(
      out,
      /MANDATORY model-artifact-immutable: llama-3-70b-instruct \(ml-gitops:serving:ModelDeployment, declared in deployments\/production\/llama-3-70b-instruct\.yaml\): declaration\.spec\.candidate\.uri "s3:\/\/acme-ml-models-us-east-1\/models\/llama-3-70b-instruct\/latest\/" is not pinned/,
    );
  });

  it("exits 1 when someone edits the stable version by hand, skipping the canary", async () => {
    const root = copyProject();
    edit(root, LLAMA, /(  stable:\n    version: )v2\.1\.0(\n    uri: )\S+/, "$1v2.2.0$2s3://acme-ml-models-us-east-1/models/llama-3-70b-instruct/sha256-568568772adcd3fe8f9f8617672d5e921791ed49cca7417235683082debcab12/");
    edit(root, LLAMA, /  candidate:\n(    .*\n)+?(?=  releases:)/, "");
    const { code, out } = await plan(root, "--stack", "prod-us-east-1");
    assert.equal(code, 1);
    assert.match(out, /MANDATORY stable-requires-canary: llama-3-70b-instruct .*v2\.2\.0.*v2\.1\.0/);
  });

  it("exits 2 on a typo in a stack file, naming the file and the key", async () => {
    const root = copyProject();
    edit(root, "stacks/Pulumi.prod-eu-west-1.yaml", "ml-gitops:clusterName:", "ml-gitops:clustername:");
    const { code, err } = await plan(root);
    assert.equal(code, 2);
    assert.match(err, /stacks\/Pulumi\.prod-eu-west-1\.yaml: ml-gitops:clustername: unknown config key \(got "ml-prod-euw1"\)\. Did you mean ml-gitops:clusterName\?/);
  });

  it("exits 2 for a cluster in a region the artifact store does not replicate to, naming the region and the artifact stack", () => {
    const root = copyProject();
    edit(root, "stacks/Pulumi.artifacts.yaml", "    - eu-west-1\n", "");
    const { code, err } = planProcess(root);
    assert.equal(code, 2);
    assert.match(err, /stack prod-eu-west-1: the program failed:\n  artifact store acme\/ml-gitops\/artifacts has no replica in eu-west-1 \(it serves us-east-1, us-west-2\): add eu-west-1 to ml-gitops:replicaRegions of acme\/ml-gitops\/artifacts/);
  });

  it("exits 2 when no preferred instance type of a pool is offered in the region", () => {
    const root = copyProject();
    edit(root, "stacks/Pulumi.prod-eu-west-1.yaml", "instanceTypes: [p4d.24xlarge]", "instanceTypes: [p5.48xlarge]");
    const { code, err } = planProcess(root, "--stack", "prod-eu-west-1");
    assert.equal(code, 2, err);
    assert.match(
      err,
      /stack prod-eu-west-1: the program failed:\n  GpuNodePool gpu-a100: none of the instance types p5\.48xlarge is offered in eu-west-1 in the zones of the given subnets \(eu-west-1a, eu-west-1b, eu-west-1c\)/,
    );
  });

  it("exits 2 for a stack that does not exist", async () => {
    const { code, err } = await plan(copyProject(), "--stack", "prod-mars-1");
    assert.equal(code, 2);
    assert.match(err, /stacks\/Pulumi\.prod-mars-1\.yaml: \(file\): cannot be read\. Create it, or pick a stack from: artifacts, prod-eu-west-1, prod-us-east-1, staging-us-west-2/);
  });

  it("prints the plan documents with --json", async () => {
    const { code, out } = await plan(copyProject(), "--stack", "artifacts", "--json");
    assert.equal(code, 0);
    const docs = JSON.parse(out) as { stack: string; resources: { urn: string; type: string; props: Record<string, unknown>; options: Record<string, unknown> }[]; violations: unknown[] }[];
    assert.deepEqual(docs.map((d) => d.stack), ["artifacts"]);
    const bucket = docs[0]!.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.props.bucket === "acme-ml-models-us-east-1")!;
    assert.equal(bucket.options.protect, true);
    assert.equal(bucket.options.retainOnDelete, true);
    assert.equal(bucket.options.provider, "urn:pulumi:artifacts::ml-gitops::ml-gitops:platform:ArtifactStore$pulumi:providers:aws::artifacts-provider-us-east-1");
  });
});
