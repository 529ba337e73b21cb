/**
 * The GPU pool contract (lib/contracts/gpu-node-pool.ts) seen from both sides: each one-field
 * mistake gives the same message through the components (GpuNodePool, KarpenterGpuPool, under the
 * mock runtime) and through the stack config (ml-gitops:gpuPools[0]), only the prefix differs; and
 * for the numeric ranges, both accept and refuse exactly the same values (fast-check).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mockRuntime } from "../support/harness";
import { GPU_POOL_DISK_GIB, GPU_POOL_NODES } from "../../lib/contracts/gpu-node-pool";
import { isWholeNumberIn } from "../../lib/contracts/validators";
import { clusterConfigProblems, problemsOf, STACK_FILE } from "./problems";

const FILE = STACK_FILE;
const SUBNETS = ["us-east-1a", "us-east-1b"].map((z) => ({ id: `subnet-${z.slice(-1)}`, availabilityZone: z }));
const MANAGED = { amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["g6.xlarge"], minSize: 0, maxSize: 4 };
const KARPENTER = { provisioner: "karpenter", amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["p5.48xlarge"], minSize: 0, maxSize: 2 };
const DISK_FIX = "The NVIDIA AMI's root snapshot alone is 20 GiB, and serving images and model files need the rest (gp3 volumes end at 16384). Omit it for the default 200.";

/** The stack config's problems for one pool, formatted; [] when it parses. */
function configProblems(pool: Record<string, unknown>): string[] {
  return clusterConfigProblems({ "ml-gitops:gpuPools": JSON.stringify([{ name: "gpu", ...pool }]) });
}

/** A component's problems, formatted; [] when it constructs. */
/** One field changed, and the message it must give (path relative to the pool). */
interface Mutation {
  readonly name: string;
  readonly patch: Record<string, unknown>;
  readonly problems: readonly string[];
}

const MANAGED_MUTATIONS: readonly Mutation[] = [
  { name: "refuses a disk below the AMI's needs", patch: { diskSizeGiB: 49 }, problems: [`diskSizeGiB: must be a whole number of GiB from 50 to 16384 (got 49). ${DISK_FIX}`] },
  { name: "refuses a disk beyond gp3's largest volume", patch: { diskSizeGiB: 16385 }, problems: [`diskSizeGiB: must be a whole number of GiB from 50 to 16384 (got 16385). ${DISK_FIX}`] },
  { name: "refuses a fractional disk size", patch: { diskSizeGiB: 100.5 }, problems: [`diskSizeGiB: must be a whole number of GiB from 50 to 16384 (got 100.5). ${DISK_FIX}`] },
  { name: "refuses a pool that can never run a node", patch: { maxSize: 0 }, problems: ["maxSize: is below 1, so the pool can never run a node (got 0). Set maxSize to at least 1."] },
  { name: "refuses a negative minimum", patch: { minSize: -1 }, problems: ["minSize: must be a whole number of nodes, at least 0 (got -1). Use 0 or more."] },
  { name: "refuses a desired size above the maximum", patch: { desiredSize: 5 }, problems: ["desiredSize: must lie between minSize (0) and maxSize (4) (got 5). Set desiredSize within the pool's bounds."] },
  {
    name: "refuses an AMI without NVIDIA drivers",
    patch: { amiType: "AL2_x86_64_GPU" },
    problems: ['amiType: is not an NVIDIA GPU AMI type (got "AL2_x86_64_GPU"). Use one of: AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA, BOTTLEROCKET_ARM_64_NVIDIA.'],
  },
  { name: "refuses a pool without instance types", patch: { instanceTypes: [] }, problems: ["instanceTypes: is empty (got []). List the GPU instance types the pool may use, most preferred first."] },
  {
    name: "refuses reserved capacity on a managed node group",
    patch: { capacityType: "reserved" },
    problems: [`capacityType: is only available with provisioner: karpenter (this pool's provisioner is managed-node-group) (got "reserved"). Set provisioner: karpenter, or use ON_DEMAND or SPOT.`],
  },
  { name: "refuses an unknown capacity type", patch: { capacityType: "SPOTTY" }, problems: ['capacityType: is not a capacity type (got "SPOTTY"). Use one of: ON_DEMAND, SPOT.'] },
  {
    name: "refuses a label the platform sets",
    patch: { labels: { "ml-gitops.dev/gpu-model": "x" } },
    problems: ['labels.ml-gitops.dev/gpu-model: is set by the platform (got "x"). Remove it; the pool sets it from the instance types and AMI.'],
  },
];

const KARPENTER_MUTATIONS: readonly Mutation[] = [
  {
    name: "refuses warm nodes",
    patch: { minSize: 1 },
    problems: ["minSize: must be 0 for provisioner: karpenter, which launches nodes only for pending pods (got 1). Set minSize: 0 (or use provisioner: managed-node-group to keep warm nodes)."],
  },
  {
    name: "refuses reserved capacity without reservations",
    patch: { capacityType: "reserved" },
    problems: ["capacityReservations: is required when capacityType is reserved (got []). List the reservations to launch into, each as {id: cr-...} or {tags: {...}}."],
  },
  {
    name: "refuses an on-demand fallback outside reserved capacity",
    patch: { fallbackToOnDemand: true },
    problems: ["fallbackToOnDemand: applies only to capacityType reserved (this pool's is ON_DEMAND) (got true). Set capacityType: reserved, or remove fallbackToOnDemand."],
  },
  { name: "refuses the managed node group's old 20 GiB floor", patch: { diskSizeGiB: 20 }, problems: [`diskSizeGiB: must be a whole number of GiB from 50 to 16384 (got 20). ${DISK_FIX}`] },
];

describe("GPU pool contract", async () => {
  await mockRuntime({ region: "us-east-1" });
  const { GpuNodePool } = await import("../../components/gpu-node-pool");
  const { KarpenterGpuPool } = await import("../../components/karpenter-gpu-pool");
  let n = 0;
  const managed = (patch: Record<string, unknown>) =>
    problemsOf(() => new GpuNodePool(`m${n++}`, { clusterName: "ml", nodeRoleArn: "arn:aws:iam::123456789012:role/nodes", subnets: SUBNETS, ...MANAGED, ...patch } as never));
  const karpenter = (patch: Record<string, unknown>) =>
    problemsOf(
      () => new KarpenterGpuPool(`k${n++}`, { name: "h100", clusterName: "ml", nodeRoleName: "nodes", subnetIds: ["subnet-a"], ...KARPENTER, ...patch } as never),
    );

  it("accepts both valid pools on both sides", () => {
    assert.deepEqual([managed({}), configProblems(MANAGED), karpenter({}), configProblems(KARPENTER)], [[], [], [], []]);
  });

  describe("a managed node group pool", () => {
    for (const m of MANAGED_MUTATIONS) {
      it(`${m.name}, with the same message from the component and the stack config`, () => {
        assert.deepEqual(managed(m.patch), m.problems);
        assert.deepEqual(configProblems({ ...MANAGED, ...m.patch }), m.problems.map((p) => `${FILE}: ml-gitops:gpuPools[0].${p}`));
      });
    }
  });

  describe("a Karpenter pool", () => {
    for (const m of KARPENTER_MUTATIONS) {
      it(`${m.name}, with the same message from the component and the stack config`, () => {
        assert.deepEqual(karpenter(m.patch), m.problems);
        assert.deepEqual(configProblems({ ...KARPENTER, ...m.patch }), m.problems.map((p) => `${FILE}: ml-gitops:gpuPools[0].${p}`));
      });
    }
  });

  // Integers around and inside each range, plus fractions and non-finite numbers.
  const around = (min: number, max: number) =>
    fc.oneof(fc.integer({ min: min - 3, max: min + 3 }), fc.integer({ min: max - 3, max: max + 3 }), fc.integer({ min: min - 100, max: max + 100 }), fc.double({ min: min - 1, max: max + 1, noNaN: true }));

  it("accepts and refuses the same disk sizes from the component and the stack config, exactly the 50-16384 GiB integers", () => {
    fc.assert(
      fc.property(around(GPU_POOL_DISK_GIB.min, GPU_POOL_DISK_GIB.max), (disk) => {
        const fromComponent = managed({ diskSizeGiB: disk }).length === 0;
        const fromConfig = configProblems({ ...MANAGED, diskSizeGiB: disk }).length === 0;
        assert.equal(fromComponent, fromConfig);
        assert.equal(fromComponent, isWholeNumberIn(GPU_POOL_DISK_GIB, disk));
      }),
      { numRuns: 60 },
    );
  });

  it("accepts and refuses the same node counts from the component and the stack config", () => {
    fc.assert(
      fc.property(around(GPU_POOL_NODES.min, 6), around(GPU_POOL_NODES.min, 6), (minSize, maxSize) => {
        const fromComponent = managed({ minSize, maxSize }).length === 0;
        const fromConfig = configProblems({ ...MANAGED, minSize, maxSize }).length === 0;
        assert.equal(fromComponent, fromConfig);
        assert.equal(fromComponent, Number.isInteger(minSize) && Number.isInteger(maxSize) && minSize >= 0 && maxSize >= 1 && minSize <= maxSize);
      }),
      { numRuns: 60 },
    );
  });
});
