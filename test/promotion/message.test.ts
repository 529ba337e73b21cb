import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatCommitMessage, parseTrailerLines, readTrailers, type Trailers } from "../../lib/promotion/message";

const PROMOTE: Trailers = {
  model: "llama-3-8b",
  environment: "production",
  action: "promote",
  fromVersion: "v3.1.0",
  toVersion: "v3.2.0",
  step: "1/7",
  approvedBy: ["dana.ml-lead", "sam.platform"],
  evaluation: "mmlu=0.81, toxicity=0.01",
};

describe("promotion commit messages", () => {
  it("writes the subject, a blank line and one trailer per line, Approved-by repeated", () => {
    assert.equal(
      formatCommitMessage("promote llama-3-8b v3.1.0 -> v3.2.0 (production, canary 10%)", PROMOTE),
      "promote llama-3-8b v3.1.0 -> v3.2.0 (production, canary 10%)\n\nModel: llama-3-8b\nEnvironment: production\nAction: promote\nFrom-Version: v3.1.0\nTo-Version: v3.2.0\nStep: 1/7\nApproved-by: dana.ml-lead\nApproved-by: sam.platform\nEvaluation: mmlu=0.81, toxicity=0.01\n",
    );
  });

  it("keeps every value on one line", () => {
    const message = formatCommitMessage("abort m v2 (prod): a\nb", { model: "m", environment: "prod", action: "abort", reason: "latency\n\nFoo: bar" });
    assert.equal(message, "abort m v2 (prod): a b\n\nModel: m\nEnvironment: prod\nAction: abort\nReason: latency Foo: bar\n");
  });

  it("reads back what it writes", () => {
    const text = formatCommitMessage("s", PROMOTE).split("\n\n")[1]!;
    assert.deepEqual(readTrailers(parseTrailerLines(text)), PROMOTE);
  });

  it("writes a wave and one Region trailer per region after the step, and reads them back", () => {
    const t: Trailers = { model: "m", environment: "production", action: "advance", fromVersion: "v1", toVersion: "v2", step: "1/9", wave: "2/3", regions: ["eu-central-1", "eu-west-1"] };
    const text = formatCommitMessage("s", t).split("\n\n")[1]!;
    assert.equal(text, "Model: m\nEnvironment: production\nAction: advance\nFrom-Version: v1\nTo-Version: v2\nStep: 1/9\nWave: 2/3\nRegion: eu-central-1\nRegion: eu-west-1\n");
    assert.deepEqual(readTrailers(parseTrailerLines(text)), t);
  });

  it("ignores commits without Model, Environment and a known Action", () => {
    assert.equal(readTrailers([["Signed-off-by", "x"]]), undefined);
    assert.equal(readTrailers([["Model", "m"], ["Environment", "e"], ["Action", "deploy"]]), undefined);
  });

  it("round-trips any one-line reason and approver names", () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(word, { maxLength: 4 }), fc.string({ minLength: 1 }), (approvers, reason) => {
        const t: Trailers = { model: "m", environment: "e", action: "rollback", ...(approvers.length > 0 ? { approvedBy: approvers } : {}), reason };
        const back = readTrailers(parseTrailerLines(formatCommitMessage("s", t).split("\n\n")[1]!));
        const oneLine = reason.replace(/\s+/g, " ").trim();
        assert.deepEqual(back?.approvedBy, approvers.length > 0 ? approvers : undefined);
        assert.equal(back?.reason, oneLine === "" ? undefined : oneLine);
      }),
    );
  });
});
