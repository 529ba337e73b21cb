/**
 * Stack files are read by the fast path (js-yaml, lib/manifests/fast-yaml.ts); the yaml library (with
 * positions) reads only what it declines. Whatever the fast path answers must equal the
 * reference reading (the yaml library with positions): the same config and secret keys, or the
 * same problems.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { readStackFile, readWithPositions } from "../../lib/config/stack-file";
import { PROJECT_ROOT } from "../support/project-copy";

function sameReading(stack: string, text: string): void {
  const root = mkdtempSync(join(tmpdir(), "stack-fast-"));
  mkdirSync(join(root, "stacks"));
  writeFileSync(join(root, "stacks", `Pulumi.${stack}.yaml`), text);
  let reference: unknown;
  try {
    reference = readWithPositions(stack, `stacks/Pulumi.${stack}.yaml`, text);
  } catch (err) {
    assert.throws(() => readStackFile(root, stack), { message: (err as Error).message }, text);
    return;
  }
  const read = readStackFile(root, stack);
  assert.deepEqual({ config: read.config, secretKeys: read.secretKeys }, reference, text);
}

const SAMPLES = readdirSync(join(PROJECT_ROOT, "stacks")).map((f) => ({ stack: /^Pulumi\.(.+)\.yaml$/.exec(f)![1]!, text: readFileSync(join(PROJECT_ROOT, "stacks", f), "utf8") }));

describe("the stack file's fast path", () => {
  it("reads every sample stack as the reference does", () => {
    assert.ok(SAMPLES.length >= 4);
    for (const s of SAMPLES) sameReading(s.stack, s.text);
  });

  it("agrees on the edge cases: empty config, a config that is not a mapping, integers, secrets, lists, YAML errors", () => {
    for (const text of [
      "",
      "# only a comment\n",
      "config:\n",
      "config: 3\n",
      "config: [a, b]\n",
      "- a\n- b\n",
      "config:\n  aws:region: us-east-1\n  ml-gitops:maxSize: 3\n  ml-gitops:ratio: 0.5\n  ml-gitops:on: yes\n  ml-gitops:none: null\n",
      "config:\n  1: one\n  aws:region: us-east-1\n",
      "config:\n  ml-gitops:token:\n    secure: v1:abc\n  plain: value\n",
      "config:\n  ml-gitops:list:\n    - { name: a, size: 1 }\n    - name: b\n",
      "config:\n  aws:region: us-east-1\n  aws:region: eu-west-1\n",
      "config:\n  a: &x 1\n  b: *x\n",
      "config:\n  a: &x { k: [1, 2] }\n  b: *x\n",
      "config:\n  a: 1\n  b: *unset\n",
      "config:\n  key: [unclosed\n",
      "config:\n\tkey: tab\n",
    ]) {
      sameReading("edge", text);
    }
  });

  it("reads an alias as the anchored value, as the Pulumi CLI does, and names an alias to an anchor never set", () => {
    assert.deepEqual(readWithPositions("s", "stacks/Pulumi.s.yaml", "config:\n  ml-gitops:a: &x { k: [1, 2] }\n  ml-gitops:b: *x\n").config, {
      "ml-gitops:a": '{"k":[1,2]}',
      "ml-gitops:b": '{"k":[1,2]}',
    });
    assert.throws(() => readWithPositions("s", "stacks/Pulumi.s.yaml", "config:\n  ml-gitops:a: 1\n  ml-gitops:b: *unset\n"), {
      message:
        "stack s: 1 problem\n  - stacks/Pulumi.s.yaml:3:16: config.ml-gitops:b: Unresolved alias (the anchor must be set before the alias): unset. Set the anchor (&name) before the alias (*name) that uses it, or write the value out",
    });
  });

  it("agrees with the reference on sample stacks with one line removed or duplicated (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.nat(), fc.boolean(), (s, n, duplicate) => {
        const lines = s.text.split("\n");
        const i = n % lines.length;
        const edited = duplicate ? [...lines.slice(0, i + 1), ...lines.slice(i)] : [...lines.slice(0, i), ...lines.slice(i + 1)];
        sameReading(s.stack, edited.join("\n"));
      }),
      { numRuns: 200 },
    );
  });
});
