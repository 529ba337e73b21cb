/**
 * `provisioner: karpenter` and reserved capacity on ml-gitops:gpuPools items: validated in the
 * same contract as the rest of the pool, one problem per mistake, each naming key, value and fix.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ValidationError, formatProblem } from "../../lib/errors";
import { parseStackConfig, type ClusterStackConfig } from "../../lib/config/stack-config";

const ID = { stack: "test", file: "stacks/Pulumi.test.yaml" };
const SECRETS = ["ml-gitops:argocdAdminPasswordBcrypt", "ml-gitops:gitToken"];
const KARPENTER_POOL = {
  name: "h100",
  provisioner: "karpenter",
  amiType: "AL2023_x86_64_NVIDIA",
  instanceTypes: ["p5.48xlarge"],
  capacityType: "reserved",
  capacityReservations: [{ id: "cr-0123456789abcdef0" }],
  fallbackToOnDemand: true,
  minSize: 0,
  maxSize: 2,
};

function config(pool: Record<string, unknown>): Record<string, string> {
  return {
    "aws:region": "us-east-1",
    "ml-gitops:environment": "production",
    "ml-gitops:clusterName": "ml-test",
    "ml-gitops:privateSubnetIds": JSON.stringify(["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001b"]),
    "ml-gitops:gpuPools": JSON.stringify([pool]),
    "ml-gitops:modelBucketName": "acme-test-models",
    "ml-gitops:gitRepoUrl": "https://github.com/acme/deploy.git",
    "ml-gitops:argocdAdminPasswordBcrypt": "[secret]",
    "ml-gitops:gitToken": "[secret]",
    "ml-gitops:gatewayClassName": "envoy",
  };
}

const parsePool = (pool: Record<string, unknown>) => (parseStackConfig(config(pool), ID, SECRETS) as ClusterStackConfig).gpuPools[0]!;

function problemsOf(pool: Record<string, unknown>): string[] {
  try {
    parseStackConfig(config(pool), ID, SECRETS);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems.map(formatProblem);
  }
  assert.fail("expected the config to be rejected");
}

const at = (key: string) => `stacks/Pulumi.test.yaml: ml-gitops:gpuPools[0].${key}`;

describe("gpuPools provisioner and reserved capacity", () => {
  it("defaults to an on-demand managed node group, which has no reservations to carry", () => {
    const pool = parsePool({ name: "h100", amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["p5.48xlarge"], minSize: 1, maxSize: 2 });
    assert.deepEqual({ provisioner: pool.provisioner, capacityType: pool.capacityType }, { provisioner: "managed-node-group", capacityType: "ON_DEMAND" });
    // The pool is a union: reservations and fallback exist only on the Karpenter side.
    assert.equal("capacityReservations" in pool || "fallbackToOnDemand" in pool, false);
  });

  it("accepts a Karpenter pool in reserved capacity with fallback", () => {
    const pool = parsePool(KARPENTER_POOL);
    assert.ok(pool.provisioner === "karpenter");
    assert.deepEqual(pool.capacityReservations, [{ id: "cr-0123456789abcdef0" }]);
    assert.equal(pool.fallbackToOnDemand, true);
  });

  it("refuses an unknown provisioner and names the two", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, provisioner: "cluster-autoscaler" }), [
      `${at("provisioner")}: is not a GPU pool provisioner (got "cluster-autoscaler"). Use one of: managed-node-group, karpenter.`,
    ]);
  });

  it("refuses reserved capacity on a managed node group", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, provisioner: "managed-node-group", minSize: 1 }), [
      `${at("capacityType")}: is only available with provisioner: karpenter (this pool's provisioner is managed-node-group) (got "reserved"). Set provisioner: karpenter, or use ON_DEMAND or SPOT.`,
    ]);
  });

  it("refuses reserved capacity without reservations", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, capacityReservations: undefined }), [
      `${at("capacityReservations")}: is required when capacityType is reserved (got []). List the reservations to launch into, each as {id: cr-...} or {tags: {...}}.`,
    ]);
  });

  it("refuses reservations and fallback on a pool that is not reserved", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, capacityType: "ON_DEMAND" }), [
      `${at("capacityReservations")}: applies only to capacityType reserved (this pool's is ON_DEMAND) (got [{"id":"cr-0123456789abcdef0"}]). Set capacityType: reserved, or remove capacityReservations.`,
      `${at("fallbackToOnDemand")}: applies only to capacityType reserved (this pool's is ON_DEMAND) (got true). Set capacityType: reserved, or remove fallbackToOnDemand.`,
    ]);
  });

  it("refuses a reservation selected by both id and tags, or by neither", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, capacityReservations: [{ id: "cr-0a", tags: { team: "ml" } }, {}] }), [
      `${at("capacityReservations[0]")}: sets both id and tags (got {"id":"cr-0a","tags":{"team":"ml"}}). Select each reservation by exactly one of id ("cr-...") or tags.`,
      `${at("capacityReservations[1]")}: sets neither id nor tags (got {}). Select each reservation by exactly one of id ("cr-...") or tags.`,
    ]);
  });

  it("refuses an owner on a reservation selected by id", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, capacityReservations: [{ id: "cr-0a", ownerId: "123456789012" }] }), [
      `${at("capacityReservations[0].ownerId")}: cannot be combined with id (got "123456789012"). Remove ownerId (an id names one reservation), or select by tags.`,
    ]);
  });

  it("accepts a shared reservation selected by tags and owner", () => {
    const pool = parsePool({ ...KARPENTER_POOL, capacityReservations: [{ tags: { team: "ml" }, ownerId: "123456789012" }] });
    assert.ok(pool.provisioner === "karpenter");
    assert.deepEqual(pool.capacityReservations, [{ tags: { team: "ml" }, ownerId: "123456789012" }]);
  });

  it("refuses a reservation id that is not one", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, capacityReservations: [{ id: "cb-123" }] }), [
      `${at("capacityReservations[0].id")}: must be a capacity reservation id like "cr-0123456789abcdef0" (got "cb-123"). Copy the id from the EC2 console or aws ec2 describe-capacity-reservations.`,
    ]);
  });

  it("refuses warm nodes and a desired size on a Karpenter pool", () => {
    assert.deepEqual(problemsOf({ ...KARPENTER_POOL, minSize: 1, desiredSize: 1 }), [
      `${at("minSize")}: must be 0 for provisioner: karpenter, which launches nodes only for pending pods (got 1). Set minSize: 0 (or use provisioner: managed-node-group to keep warm nodes).`,
      `${at("desiredSize")}: has no meaning for provisioner: karpenter (got 1). Remove desiredSize; Karpenter sizes the pool from pending pods, up to maxSize nodes.`,
    ]);
  });
});
