/**
 * The cluster contract (lib/contracts/cluster-access.ts): each one-field mistake gives the same
 * message from the ClusterAccess component (mock runtime, path under create.) and from the stack
 * config (its own key), and the public endpoint is refused or allowed alike on both sides.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mockRuntime } from "../support/harness";
import { isIpv4Cidr } from "../../lib/contracts/cluster-access";
import { clusterConfigProblems, problemsOf, STACK_FILE } from "./problems";

const FILE = STACK_FILE;
const SUBNETS = ["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001b"];

function configProblems(patch: Record<string, string>): string[] {
  return clusterConfigProblems(patch);
}

interface Mutation {
  readonly name: string;
  readonly create: Record<string, unknown>;
  readonly config: Record<string, string>;
  /** [component path, config path, the rest of the line] */
  readonly problems: readonly (readonly [string, string, string])[];
}

const MUTATIONS: readonly Mutation[] = [
  {
    name: "refuses a Kubernetes version that is not major.minor",
    create: { kubernetesVersion: "v1.34" },
    config: { "ml-gitops:kubernetesVersion": "v1.34" },
    problems: [["create.kubernetesVersion", "ml-gitops:kubernetesVersion", 'is not an EKS Kubernetes version (got "v1.34"). Write major.minor, e.g. "1.34".']],
  },
  {
    name: "refuses a created cluster in one subnet",
    create: { subnetIds: [SUBNETS[0]] },
    config: { "ml-gitops:privateSubnetIds": JSON.stringify([SUBNETS[0]]) },
    problems: [["create.subnetIds", "ml-gitops:privateSubnetIds", `lists one subnet, but EKS places a created cluster in at least two availability zones (got ["${SUBNETS[0]}"]). List private subnets of the VPC in at least two availability zones.`]],
  },
  {
    name: "refuses a public endpoint without an allow-list",
    create: { endpointPublicAccess: true },
    config: { "ml-gitops:endpointPublicAccess": "true" },
    problems: [["create.publicAccessCidrs", "ml-gitops:publicAccessCidrs", "is empty while the public endpoint is on, so AWS would open it to 0.0.0.0/0 (got []). List the CIDRs of your offices and CI runners, or turn endpointPublicAccess off."]],
  },
  {
    name: "refuses an allow-list on a private endpoint",
    create: { publicAccessCidrs: ["10.0.0.0/8"] },
    config: { "ml-gitops:publicAccessCidrs": '["10.0.0.0/8"]' },
    problems: [["create.publicAccessCidrs", "ml-gitops:publicAccessCidrs", 'is set but endpointPublicAccess is false, so it would restrict nothing (got ["10.0.0.0/8"]). Remove it, or set endpointPublicAccess: true.']],
  },
  {
    name: "refuses opening the endpoint to the whole internet",
    create: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
    config: { "ml-gitops:endpointPublicAccess": "true", "ml-gitops:publicAccessCidrs": '["0.0.0.0/0"]' },
    problems: [["create.publicAccessCidrs[0]", "ml-gitops:publicAccessCidrs[0]", 'opens the API endpoint to the whole internet (got "0.0.0.0/0"). List the CIDRs of your offices and CI runners.']],
  },
];

describe("cluster contract", async () => {
  await mockRuntime();
  const { ClusterAccess } = await import("../../components/cluster-access");
  let n = 0;
  const component = (create: Record<string, unknown>): string[] => {
    return problemsOf(() => new ClusterAccess(`c${n++}`, { create: { subnetIds: SUBNETS, ...create } }));
  };

  it("accepts the valid cluster on both sides", () => {
    assert.deepEqual([component({}), configProblems({})], [[], []]);
  });

  for (const m of MUTATIONS) {
    it(`${m.name}, with the same message from the component and the stack config`, () => {
      assert.deepEqual(component(m.create), m.problems.map(([path, , rest]) => `${path}: ${rest}`));
      assert.deepEqual(configProblems(m.config), m.problems.map(([, path, rest]) => `${FILE}: ${path}: ${rest}`));
    });
  }

  it("accepts and refuses the same public endpoint allow-lists on both sides", () => {
    const octet = fc.integer({ min: 0, max: 300 });
    const cidr = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 })).map(([a, b, c, d, m]) => `${a}.${b}.${c}.${d}/${m}`);
    fc.assert(
      fc.property(fc.boolean(), fc.array(cidr, { maxLength: 3 }), (open, cidrs) => {
        const fromComponent = component({ endpointPublicAccess: open, publicAccessCidrs: cidrs }).length === 0;
        const fromConfig = configProblems({ "ml-gitops:endpointPublicAccess": String(open), "ml-gitops:publicAccessCidrs": JSON.stringify(cidrs) }).length === 0;
        assert.equal(fromComponent, fromConfig);
        assert.equal(fromComponent, open ? cidrs.length > 0 && cidrs.every((c) => isIpv4Cidr(c) && !c.endsWith("/0")) : cidrs.length === 0);
      }),
      { numRuns: 60 },
    );
  });
});
