import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { cli } from "../support/cli";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel } from "../../lib/render/model-manifests";
import { toPolicyResource } from "../../lib/manifests/resources";
import { readManifests } from "../../lib/manifests/read";
import { evaluatePolicies } from "../../plan/policy/evaluate";
import { CONTEXT, FILE, VALID_TRAINING } from "../deployments/fixture";

const CTX = { kserveMode: "Standard" as const, storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
const job = renderModel(loadDeploymentFile(FILE, VALID_TRAINING, CONTEXT), CTX).find((o) => o.kind === "Job")!;
const MUTABLE = "s3://datasets/support/latest/";
const bad = { ...job, metadata: { ...job.metadata, annotations: { ...job.metadata.annotations, "ml-gitops.dev/training-dataset-uri": MUTABLE } } };

describe("ml-gitops check on training Jobs in a GitOps repository", () => {
  it("passes the rendered Job and refuses one whose dataset can change, with the pack's message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "check-training-"));
    writeFileSync(join(dir, "good.yaml"), stringify(job));
    writeFileSync(join(dir, "bad.yaml"), stringify(bad));
    const r = await cli(["check", dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const expected = `metadata.annotations["ml-gitops.dev/training-dataset-uri"] "${MUTABLE}" is not pinned: the key has no sha256 content-digest segment (sha256-<64 lowercase hex>); pin it as s3://datasets/support/sha256-<64 hex>/ in an Object Lock bucket (a dataset that can change makes the run unrepeatable).`;
    assert.match(r.stdout, new RegExp(`bad\\.yaml:\\d+: Job/llama-train-v2: training-job-pinned \\[mandatory\\]: ${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`));
    assert.match(r.stdout, /2 objects in 2 files: 1 mandatory and 0 advisory violations/);
    // The same files judged by the pack directly give the same verdict.
    const direct = evaluatePolicies(readManifests([dir]).objects.map(toPolicyResource)).filter((v) => v.policy === "training-job-pinned");
    assert.deepEqual(direct.map((v) => v.message), [expected]);
  });
});
