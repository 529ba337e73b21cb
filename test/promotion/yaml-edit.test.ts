import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parse } from "yaml";
import { applyEdits, renderScalar, YamlEditError } from "../../lib/promotion/yaml-edit";

const DOC = `# header comment
spec:
  stable:                 # aligned comment
    version: "2025.05"
    uri: s3://b/m/sha256-x/
  # about the candidate
  candidate:
    version: v2
    step: 4               # keep me
    evaluation: { mmlu: 0.823, toxicity: 0.009 }
  releases:
  - version: v1
    promotedAt: "2025-01-01T00:00:00Z"
  rollout: { steps: [1, 2] }
`;

describe("yaml edits", () => {
  it("replaces a scalar in place, keeping its quoting and the comment after it", () => {
    const out = applyEdits(DOC, [{ op: "set", path: ["spec", "candidate", "step"], value: 5 }, { op: "set", path: ["spec", "stable", "version"], value: "2025.06" }]);
    assert.equal(out, DOC.replace("step: 4 ", "step: 5 ").replace('"2025.05"', '"2025.06"'));
  });

  it("replaces a value inside a flow map", () => {
    const out = applyEdits(DOC, [{ op: "set", path: ["spec", "candidate", "evaluation", "mmlu"], value: 0.9 }]);
    assert.equal(out, DOC.replace("mmlu: 0.823", "mmlu: 0.9"));
  });

  it("deletes a key with its value and the comment lines above it", () => {
    const out = applyEdits(DOC, [{ op: "delete", path: ["spec", "candidate"] }]);
    assert.equal(out, DOC.replace(/ {2}# about the candidate\n {2}candidate:\n(?: {4}.*\n){3}/, ""));
  });

  it("inserts a new block after a sibling, in the samples' style", () => {
    const out = applyEdits(DOC, [
      { op: "delete", path: ["spec", "candidate"] },
      { op: "set", path: ["spec", "candidate"], after: "stable", value: { version: "v3", step: 0, startedAt: "2025-06-02T08:15:00Z", approvedBy: ["a.b", "c"], evaluation: { mmlu: 0.8 } } },
    ]);
    assert.equal(
      out,
      DOC.replace(/ {2}# about the candidate\n {2}candidate:\n(?: {4}.*\n){3}/, "").replace(
        "    uri: s3://b/m/sha256-x/\n",
        '    uri: s3://b/m/sha256-x/\n  candidate:\n    version: v3\n    step: 0\n    startedAt: "2025-06-02T08:15:00Z"\n    approvedBy: [a.b, c]\n    evaluation: { mmlu: 0.8 }\n',
      ),
    );
  });

  it("appends to a block sequence at its own indentation, even when it sits at the key's indentation", () => {
    const out = applyEdits(DOC, [{ op: "append", path: ["spec", "releases"], value: { version: "v2", promotedAt: "2025-02-01T00:00:00Z" } }]);
    assert.equal(out, DOC.replace('  rollout:', '  - version: v2\n    promotedAt: "2025-02-01T00:00:00Z"\n  rollout:'));
  });

  it("creates a missing sequence", () => {
    const out = applyEdits("spec:\n  stable: { version: v1 }\n", [{ op: "append", path: ["spec", "releases"], value: { version: "v1" } }]);
    assert.equal(out, "spec:\n  stable: { version: v1 }\n  releases:\n    - version: v1\n");
  });

  it("replaces a map key by key, removing keys the new value lacks", () => {
    const text = "spec:\n  stable:\n    version: v1\n    uri: u1   # uri\n    image: i1\n  next: 1\n";
    assert.equal(applyEdits(text, [{ op: "set", path: ["spec", "stable"], value: { version: "v2", uri: "u2" } }]), "spec:\n  stable:\n    version: v2\n    uri: u2   # uri\n  next: 1\n");
    assert.equal(applyEdits(text, [{ op: "set", path: ["spec", "stable"], value: { version: "v2", uri: "u2", image: "i2" } }]), "spec:\n  stable:\n    version: v2\n    uri: u2   # uri\n    image: i2\n  next: 1\n");
    const noImage = "spec:\n  stable:\n    version: v1\n    uri: u1\n  next: 1\n";
    assert.equal(applyEdits(noImage, [{ op: "set", path: ["spec", "stable"], value: { version: "v2", uri: "u2", image: "i2" } }]), "spec:\n  stable:\n    version: v2\n    uri: u2\n    image: i2\n  next: 1\n");
  });

  it("refuses to add a key to a flow mapping rather than reflow it", () => {
    assert.throws(
      () => applyEdits("spec: { stable: { version: v1 } }\n", [{ op: "set", path: ["spec", "candidate"], value: { version: "v2" } }]),
      new YamlEditError("spec is a flow mapping; write it as a block mapping so ml-gitops can add candidate"),
    );
  });

  it("handles a file without a final newline", () => {
    assert.equal(applyEdits("spec:\n  a: 1", [{ op: "set", path: ["spec", "b"], value: 2 }]), "spec:\n  a: 1\n  b: 2\n");
  });

  it("renders any string so that it reads back as the same string", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        assert.equal(parse(`k: ${renderScalar(s)}`).k, s);
        assert.deepEqual(parse(`k: [${renderScalar(s)}]`).k, [s]);
      }),
    );
    assert.equal(renderScalar("2025.05"), '"2025.05"');
    assert.equal(renderScalar("true"), '"true"');
    assert.equal(renderScalar("2025-06-02T08:15:00Z"), '"2025-06-02T08:15:00Z"');
    assert.equal(renderScalar("s3://b/m/sha256-x/"), "s3://b/m/sha256-x/");
  });
});
