/**
 * Child names are contract (test/plan/urns.txt): this proves the way out. A renamed component
 * that carries an alias to its old name plans no create and no delete of any child, the
 * protected bucket and key included; without the alias every child is replaced. Decided as the
 * engine decides it (test/support/engine-aliases.ts, ported from pulumi/pulumi@v3.248.0
 * pkg/resource/deploy/step_generator.go), since the mock runtime has no engine.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planUp, recordRegistrations, stateUrns, type Registration } from "../support/engine-aliases";
import { mockRuntime } from "../support/harness";

const PROJECT = "ml-gitops";
const STACK = "test";

describe("renaming a component", async () => {
  const h = await mockRuntime({ region: "us-east-1", stack: STACK });
  const registrations = recordRegistrations();
  const { ModelBucket } = await import("../../components/model-bucket");
  const args = { bucketName: "acme-models", breakGlassPrincipalArns: ["arn:aws:iam::123456789012:role/break-glass"] };

  /** The registrations one program makes, each program in its own slice of the recording. */
  const program = async (build: () => void): Promise<Registration[]> => {
    const from = registrations.length;
    build();
    await h.settle();
    return registrations.slice(from);
  };
  // GIVEN the state a `pulumi up` of today's program leaves
  const before = await program(() => new ModelBucket("models", args));
  const olds = stateUrns(before, PROJECT, STACK);
  // WHEN the component is renamed with an alias to its old name, and WHEN it is renamed without one
  const renamed = await program(() => new ModelBucket("model-artifacts", args, { aliases: [{ name: "models" }] }));
  const aliased = planUp(olds, renamed, PROJECT, STACK);
  const bare = planUp(olds, await program(() => new ModelBucket("model-store", args)), PROJECT, STACK);

  it("takes over every old resource through the alias: nothing created, nothing deleted", () => {
    assert.equal(olds.length, 11, "the component and its ten children");
    assert.deepEqual({ creates: aliased.creates, deletes: aliased.deletes }, { creates: [], deletes: [] });
    assert.equal(aliased.same.size, olds.length);
  });

  it("finds the protected bucket under its old URN, through the alias its parent passes down", () => {
    const bucket = [...aliased.same].find(([urn]) => urn.endsWith("$aws:s3/bucket:Bucket::model-artifacts-bucket"));
    assert.deepEqual(bucket, [
      "urn:pulumi:test::ml-gitops::ml-gitops:platform:ModelBucket$aws:s3/bucket:Bucket::model-artifacts-bucket",
      "urn:pulumi:test::ml-gitops::ml-gitops:platform:ModelBucket$aws:s3/bucket:Bucket::models-bucket",
    ]);
  });

  it("changes one input of what it takes over: the KMS key's description, which names the component", () => {
    // A child's role is its name past the component's: models-bucket and model-artifacts-bucket are both "-bucket".
    const role = (r: Registration, component: string) => `${r.type} ${r.name.slice(component.length)}`;
    const oldByRole = new Map(before.map((r) => [role(r, "models"), r]));
    // A resource taken over keeps its ID; the emulator derives IDs from names, so the new ones
    // are mapped back to the old before comparing (an ARN holds its key's ID).
    const ids = renamed.map((r) => [r.id, oldByRole.get(role(r, "model-artifacts"))?.id ?? r.id] as const).filter(([n, o]) => n !== "" && n !== o);
    const asOld = (v: unknown) => ids.reduce((text, [n, o]) => text.split(n).join(o), JSON.stringify(v) ?? "undefined");
    const propsOf = (r: Registration) => h.resources.find((x) => x.urn === r.mockUrn)!.props;
    assert.deepEqual(renamed.map((r) => role(r, "model-artifacts")).sort(), [...oldByRole.keys()].sort());
    const changed = renamed.flatMap((r) => {
      const now = propsOf(r);
      const was = propsOf(oldByRole.get(role(r, "model-artifacts"))!);
      return Object.keys({ ...now, ...was })
        .filter((k) => asOld(now[k]) !== (JSON.stringify(was[k]) ?? "undefined"))
        .map((k) => `${role(r, "model-artifacts")}: ${k} ${JSON.stringify(was[k])} → ${JSON.stringify(now[k])}`);
    });
    // KMS changes a key's description in place (the UpdateKeyDescription API): an update, not a replacement.
    assert.deepEqual(changed, ['aws:kms/key:Key -key: description "SSE-KMS key of model bucket models" → "SSE-KMS key of model bucket model-artifacts"']);
  });

  it("replaces every resource without the alias: the snapshot test's failure is real", () => {
    assert.equal(bare.creates.length, olds.length);
    assert.deepEqual([...bare.deletes].sort(), [...olds].sort());
  });
});

describe("the engine's alias rules, as ported", () => {
  const reg = (mockUrn: string, type: string, name: string, parent?: string, aliases: Registration["aliases"] = []): Registration => ({ mockUrn, id: "", type, name, ...(parent ? { parent } : {}), aliases });

  it("builds a grandchild's URN from the whole chain of parent types, as CreateURN does", () => {
    const urns = stateUrns([reg("p", "a:b:P", "p"), reg("c", "a:b:C", "p-c", "p"), reg("g", "x:y:G", "p-c-g", "c")], "proj", "s");
    assert.deepEqual(urns, ["urn:pulumi:s::proj::a:b:P::p", "urn:pulumi:s::proj::a:b:P$a:b:C::p-c", "urn:pulumi:s::proj::a:b:P$a:b:C$x:y:G::p-c-g"]);
  });

  it("does not rename a child whose name does not start with its parent's", () => {
    const olds = stateUrns([reg("p", "a:b:P", "old"), reg("c", "a:b:C", "shared", "p")], "proj", "s");
    const plan = planUp(olds, [reg("p2", "a:b:P", "new", undefined, [{ name: "old" }]), reg("c2", "a:b:C", "shared", "p2")], "proj", "s");
    assert.deepEqual({ creates: plan.creates, deletes: plan.deletes }, { creates: [], deletes: [] });
  });

  it("lets one old resource be taken over only once", () => {
    const olds = stateUrns([reg("a", "t:m:R", "a")], "proj", "s");
    const plan = planUp(olds, [reg("b", "t:m:R", "b", undefined, [{ name: "a" }]), reg("c", "t:m:R", "c", undefined, [{ name: "a" }])], "proj", "s");
    assert.deepEqual(plan.creates, ["urn:pulumi:s::proj::t:m:R::c"]);
  });
});
