import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli as runCli } from "../support/cli";
import { judgeDeclaration, type ClustersRead } from "../../lib/manifests/declarations";
import { readManifests } from "../../lib/manifests/read";
import { toPolicyResource } from "../../lib/manifests/resources";
import { evaluatePolicies } from "../../plan/policy/evaluate";

const FIXTURES = join(__dirname, "../fixtures/policies");

/** Runs the CLI in-process, capturing stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(argv);
  return { code, out: stdout, err: stderr };
}

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "check-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const BAD = `apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
    - name: c
      image: nginx@sha256:${"a".repeat(64)}
---
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers:
    - name: c
      image: nginx:latest
`;

describe("ml-gitops check", () => {
  it("exits 0 on compliant fixtures", async () => {
    const r = await cli("check", FIXTURES);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^6 objects in 6 files: 0 mandatory and 0 advisory violations, 0 documents that could not be judged\n$/);
  });

  it("judges an LLMInferenceService routing group across files, once, at its first member", async () => {
    const { readFileSync } = await import("node:fs");
    const stable = readFileSync(join(FIXTURES, "llm-inference-service-stable.yaml"), "utf8").replace("route: { group: qwen, weight: 90 }", "route: { group: qwen, weight: 95 }");
    const candidate = readFileSync(join(FIXTURES, "llm-inference-service-candidate.yaml"), "utf8");
    const dir = tempDir({ "a-stable.yaml": stable, "b-candidate.yaml": candidate });
    const r = await cli("check", dir);
    assert.equal(r.code, 1);
    assert.equal(
      r.out,
      `${join(dir, "a-stable.yaml")}:3: LLMInferenceService/qwen-v2-5-2025-04: model-canary-required [mandatory]: spec.router.route.weight is 95 on stable v2.5-2025-04, but the candidate v2.5-2025-06 is declared at weight 10 (annotation ml-gitops.dev/canary-step-weights is "10"), so the stable's share is 90; set it to 90 so the pair sums to 100\n` +
        `${join(dir, "a-stable.yaml")}:3: LLMInferenceService/qwen-v2-5-2025-04: model-canary-required [mandatory]: the LLMInferenceServices of routing group "qwen" in namespace "models" have weights qwen-v2-5-2025-04: 95, qwen-v2-5-2025-06: 10, summing to 105; KServe splits traffic in proportion to them, so no version gets the share written: make them sum to 100 (stable 100 − w, candidate w)\n` +
        "2 objects in 2 files: 2 mandatory and 0 advisory violations, 0 documents that could not be judged\n",
    );
  });

  it("prints file:line: Kind/name: policy [level]: message and exits 1", async () => {
    const dir = tempDir({ "pods.yaml": BAD });
    const r = await cli("check", dir);
    assert.equal(r.code, 1);
    assert.equal(
      r.out,
      `${join(dir, "pods.yaml")}:10: Pod/bad: serving-image-digest [mandatory]: spec.containers[0].image "nginx:latest" uses the :latest tag, which moves with every push; pin it by digest: nginx@sha256:<64 hex>.\n` +
        "2 objects in 1 files: 1 mandatory and 0 advisory violations, 0 documents that could not be judged\n",
    );
  });

  it("fails on a document it cannot parse, and still judges the rest; expands Lists", async () => {
    const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Pod", metadata: { name: "in-list" }, spec: { containers: [{ image: "busybox" }] } }] }, null, 2);
    const dir = tempDir({ "b.yaml": "a: [\n", "c.json": list });
    const r = await cli("check", "--json", dir);
    const report = JSON.parse(r.out) as { files: number; objects: number; violations: { file: string; line: number; name: string }[]; failures: { file: string; line: number; reason: string }[] };
    assert.equal(r.code, 1);
    assert.equal(report.files, 2);
    assert.equal(report.objects, 1);
    assert.deepEqual(report.violations.map((v) => [v.file, v.line, v.name]), [[join(dir, "c.json"), 5, "in-list"]]);
    assert.deepEqual(report.failures.map((s) => [s.file, s.line]), [[join(dir, "b.yaml"), 2]]);
    assert.match(report.failures[0]!.reason, /^does not parse as YAML: /);
  });

  it("exits 1 when the only problem is an unparseable file", async () => {
    const dir = tempDir({ "ok.yaml": BAD.split("---")[0]!, "broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata: [\n" });
    const r = await cli("check", dir);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /broken\.yaml:4: cannot be judged: does not parse as YAML: /);
    assert.match(r.out, /1 objects in 2 files: 0 mandatory and 0 advisory violations, 1 documents that could not be judged\n$/);
  });

  it("reports an alias to an anchor never set as a document that cannot be judged, and checks the others", async () => {
    const dir = tempDir({ "ok.yaml": BAD.split("---")[0]!, "alias.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: *missing\n" });
    const r = await cli("check", dir);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /alias\.yaml:1: cannot be judged: does not parse as YAML: Unresolved alias \(the anchor must be set before the alias\): missing\n/);
    assert.match(r.out, /1 objects in 2 files: .* 1 documents that could not be judged\n$/);
  });

  it("exits 1 on a YAML document that is not a Kubernetes object", async () => {
    const dir = tempDir({ "values.yaml": "replicas: 2\n" });
    const r = await cli("check", dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /values\.yaml:1: cannot be judged: is not a Kubernetes object \(no apiVersion and kind\), so it cannot be checked; pass only manifests\n/);
  });

  it("exits 2 for a file it cannot read", async () => {
    const dir = tempDir({ "pods.yaml": BAD });
    chmodSync(join(dir, "pods.yaml"), 0o000);
    const r = await cli("check", join(dir, "pods.yaml"));
    chmodSync(join(dir, "pods.yaml"), 0o644);
    // root reads any file; the refusal can only be observed as another user
    if (process.getuid?.() === 0) assert.equal(r.code, 1);
    else {
      assert.equal(r.code, 2);
      assert.match(r.err, /pods\.yaml: cannot be read/);
    }
  });

  it("exits 2 for a missing path, a bad policy config, or no path", async () => {
    assert.equal((await cli("check", "/no/such/path")).code, 2);
    const dir = tempDir({ "config.json": JSON.stringify({ "model-canary-required": { maxInitialWeight: "ten" } }) });
    const bad = await cli("check", "--policy-config", join(dir, "config.json"), FIXTURES);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /model-canary-required\.maxInitialWeight: must be integer \(got "ten"\)/);
    assert.equal((await cli("check")).code, 2);
  });

  it("applies the policy config", async () => {
    const dir = tempDir({ "pods.yaml": BAD, "config.json": JSON.stringify({ "serving-image-digest": "advisory" }) });
    const r = await cli("check", "--policy-config", join(dir, "config.json"), join(dir, "pods.yaml"));
    assert.equal(r.code, 0);
    assert.match(r.out, /\[advisory\]/);
  });

  it("prints help", async () => {
    const r = await cli("check", "--help");
    assert.equal(r.code, 0);
    assert.match(r.out, /--policy-config <file>/);
  });

  it("agrees with evaluatePolicies on the same manifests", async () => {
    const dir = tempDir({ "pods.yaml": BAD });
    for (const paths of [[FIXTURES], [dir], [join(__dirname, "../../../shared/corpus/kyverno-disallow-latest-tag")]]) {
      const r = await cli("check", "--json", ...paths);
      if (r.code === 2) continue;
      const fromCli = (JSON.parse(r.out) as { violations: { policy: string; level: string; message: string }[] }).violations.map((v) => [v.policy, v.level, v.message]);
      const direct = evaluatePolicies(readManifests(paths).objects.map(toPolicyResource)).map((v) => [v.policy, v.level, v.message]);
      assert.deepEqual(fromCli, direct);
    }
  });
});

describe("check on declarations with region waves", () => {
  const root = join(__dirname, "../..");
  const sample = join(root, "deployments/production/llama-3-70b-instruct.yaml");

  it("judges the waves against the stacks of the project the declaration sits in", async () => {
    const r = await cli("check", join(root, "deployments/production"));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^3 objects in 3 files: 0 mandatory and 0 advisory violations, 0 documents that could not be judged$/m);
  });

  it("reads a project's stacks once in a run, however many declarations declare waves", () => {
    // GIVEN a project with stacks and two declarations with waves
    const dir = mkdtempSync(join(tmpdir(), "check-waves-once-"));
    mkdirSync(join(dir, "deployments/production"), { recursive: true });
    cpSync(join(root, "stacks"), join(dir, "stacks"), { recursive: true });
    const text = readFileSync(sample, "utf8");
    const read: ClustersRead = new Map();
    const file = join(dir, "deployments/production/llama-3-70b-instruct.yaml");
    const judge = (t: string) => judgeDeclaration(file, t, 1, {}, read);
    // WHEN the first is judged, the stacks are removed, and the second is judged in the same run
    assert.deepEqual(judge(text).failures, []);
    rmSync(join(dir, "stacks"), { recursive: true });
    // THEN the second is judged against the clusters read for the first
    assert.deepEqual(judge(text.replace("team: ", "team: other-")).failures, []);
    assert.deepEqual([...read.keys()], [`${dir}\0production`]);
    // and a new run reads the stacks again (here: finds none)
    assert.match(String(judgeDeclaration(file, text, 1, {}).failures[0]?.reason), /no stack in stacks\/ serves environment production/);
  });

  it("refuses waves it cannot check when no project's stacks are beside the declaration", async () => {
    const dir = mkdtempSync(join(tmpdir(), "check-waves-"));
    const copy = join(dir, "deployments/production/llama-3-70b-instruct.yaml");
    mkdirSync(join(dir, "deployments/production"), { recursive: true });
    copyFileSync(sample, copy);
    const r = await cli("check", copy);
    assert.equal(r.code, 1);
    assert.match(r.out, /llama-3-70b-instruct\.yaml:81: cannot be judged: is refused by the ModelDeployment loader: spec\.rollout\.waves: names clusters, but no stack in stacks\/ serves environment production\./);
  });
});
