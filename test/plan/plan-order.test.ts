import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planOrder } from "../../plan/plan";

/** A project whose stacks reference each other through ml-gitops:artifactStack. */
function project(stacks: Record<string, string | undefined>): string {
  const root = mkdtempSync(join(tmpdir(), "plan-order-"));
  mkdirSync(join(root, "stacks"));
  for (const [stack, ref] of Object.entries(stacks)) {
    writeFileSync(join(root, "stacks", `Pulumi.${stack}.yaml`), `config:\n  aws:region: us-east-1\n${ref ? `  ml-gitops:artifactStack: acme/ml-gitops/${ref}\n` : ""}`);
  }
  return root;
}

describe("the order stacks are planned in", () => {
  it("plans every referenced stack before the stacks that reference it", () => {
    const root = project({ "prod-a": "artifacts", artifacts: undefined, "prod-b": "artifacts" });
    assert.deepEqual(planOrder(root, []).map((f) => f.stack), ["artifacts", "prod-a", "prod-b"]);
    assert.deepEqual(planOrder(root, ["prod-b"]).map((f) => f.stack), ["artifacts", "prod-b"]);
  });

  it("refuses a cycle of references, naming the file, the key, the cycle and the fix", () => {
    const root = project({ a: "b", b: "a" });
    assert.throws(() => planOrder(root, ["a"]), {
      name: "ValidationError",
      message: 'stack references: 1 problem\n  - stacks/Pulumi.b.yaml: ml-gitops:artifactStack: closes a cycle of stack references (a → b → a), so no stack can be planned first (got "acme/ml-gitops/a"). Point ml-gitops:artifactStack at the artifacts stack, which references no other stack.',
    });
  });

  it("refuses a reference to a stack with no file, naming the known ones", () => {
    const root = project({ prod: "artifact" });
    assert.throws(() => planOrder(root, []), {
      name: "ValidationError",
      message: 'stack references: 1 problem\n  - stacks/Pulumi.prod.yaml: ml-gitops:artifactStack: names stack artifact, which has no file in stacks/ (known: prod) (got "acme/ml-gitops/artifact"). Create stacks/Pulumi.artifact.yaml, or name one of the known stacks.',
    });
  });
});
