import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { REGIONS } from "../../plan/fixtures";
import { offeringsFrom, selectInstances, type Offering, type SubnetPlacement } from "../../lib/gpu/select-instances";

/** Offerings of a fixture region, the way the EC2 API answers for the wanted types. */
function offeringsIn(region: string, wanted: readonly string[]): Offering[] {
  const facts = REGIONS[region];
  assert.ok(facts, `fixture region ${region}`);
  return Object.entries(facts.offerings)
    .filter(([type]) => wanted.includes(type))
    .flatMap(([instanceType, zones]) => zones.map((zone) => ({ instanceType, zone })));
}

/** One subnet per zone of the fixture region, or of the zones given. */
function subnetsIn(region: string, zones?: readonly string[]): SubnetPlacement[] {
  return (zones ?? REGIONS[region]!.zones).map((z) => ({ id: `subnet-${z}`, availabilityZone: z }));
}

describe("instance selection", () => {
  const table: { region: string; preferred: string[]; zones?: string[]; types: string[]; subnetZones: string[] }[] = [
    // GIVEN g5 everywhere in us-east-1 THEN every subnet stays.
    { region: "us-east-1", preferred: ["g5.xlarge", "g5.2xlarge"], types: ["g5.xlarge", "g5.2xlarge"], subnetZones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"] },
    // g6 is not in us-east-1f: the subnet there is dropped.
    { region: "us-east-1", preferred: ["g6.xlarge"], types: ["g6.xlarge"], subnetZones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"] },
    // g6 first fixes 4 zones; g6e is missing from us-east-1d, so it is dropped rather than shrinking placement.
    { region: "us-east-1", preferred: ["g6.xlarge", "g6e.xlarge", "g5.xlarge"], types: ["g6.xlarge", "g5.xlarge"], subnetZones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"] },
    // p5 is absent from eu-west-1: fall back to p4d in its two zones.
    { region: "eu-west-1", preferred: ["p5.48xlarge", "p4d.24xlarge"], types: ["p4d.24xlarge"], subnetZones: ["eu-west-1a", "eu-west-1c"] },
    // p5 in eu-central-1b only.
    { region: "eu-central-1", preferred: ["p5.48xlarge"], types: ["p5.48xlarge"], subnetZones: ["eu-central-1b"] },
    // Subnets only where g6e is not: g6e is skipped for g5.
    { region: "eu-west-1", preferred: ["g6e.xlarge", "g5.xlarge"], zones: ["eu-west-1a"], types: ["g5.xlarge"], subnetZones: ["eu-west-1a"] },
    { region: "us-west-2", preferred: ["p5en.48xlarge", "p5.48xlarge"], types: ["p5en.48xlarge", "p5.48xlarge"], subnetZones: ["us-west-2b"] },
  ];
  for (const c of table) {
    it(`keeps ${c.types.join(", ")} in ${c.subnetZones.join(", ")} for ${c.preferred.join(" > ")} in ${c.region}`, () => {
      // WHEN
      const s = selectInstances({ region: c.region, preferred: c.preferred, offerings: offeringsIn(c.region, c.preferred), subnets: subnetsIn(c.region, c.zones) });
      // THEN
      assert.equal(s.ok, true, s.ok ? "" : s.message);
      assert.ok(s.ok);
      assert.deepEqual(s.instanceTypes, c.types);
      assert.deepEqual(s.subnetIds, c.subnetZones.map((z) => `subnet-${z}`));
    });
  }

  it("says why a preferred type was left out", () => {
    const preferred = ["p5.48xlarge", "g6.xlarge", "g6e.xlarge"];
    const s = selectInstances({ region: "eu-west-1", preferred, offerings: offeringsIn("eu-west-1", preferred), subnets: subnetsIn("eu-west-1") });
    assert.ok(s.ok);
    assert.deepEqual(s.dropped, [
      { instanceType: "p5.48xlarge", reason: "not offered in eu-west-1" },
      { instanceType: "g6e.xlarge", reason: "not offered in eu-west-1a, where g6.xlarge places the group" },
    ]);
  });

  it("fails naming the region, the request and what is offered when no type fits the subnets", () => {
    const preferred = ["p5.48xlarge"];
    const s = selectInstances({ region: "eu-central-1", preferred, offerings: offeringsIn("eu-central-1", preferred), subnets: subnetsIn("eu-central-1", ["eu-central-1a", "eu-central-1c"]) });
    assert.deepEqual(s, {
      ok: false,
      message:
        "none of the instance types p5.48xlarge is offered in eu-central-1 in the zones of the given subnets (eu-central-1a, eu-central-1c); offered: p5.48xlarge in eu-central-1b",
    });
  });

  it("fails saying the region offers none of them when nothing is offered anywhere", () => {
    const preferred = ["p5e.48xlarge", "p4de.24xlarge"];
    const s = selectInstances({ region: "eu-west-1", preferred, offerings: offeringsIn("eu-west-1", preferred), subnets: subnetsIn("eu-west-1") });
    assert.deepEqual(s, {
      ok: false,
      message:
        "none of the instance types p5e.48xlarge, p4de.24xlarge is offered in eu-west-1 in the zones of the given subnets (eu-west-1a, eu-west-1b, eu-west-1c); the region offers none of them",
    });
  });

  it("reads the EC2 API's parallel arrays", () => {
    assert.deepEqual(offeringsFrom({ instanceTypes: ["g5.xlarge", "g5.xlarge"], locations: ["us-east-1a", "us-east-1b"] }), [
      { instanceType: "g5.xlarge", zone: "us-east-1a" },
      { instanceType: "g5.xlarge", zone: "us-east-1b" },
    ]);
  });
});

describe("instance selection properties", () => {
  const TYPES = ["a.1", "a.2", "b.1", "b.2", "c.1"];
  const ZONES = ["z-a", "z-b", "z-c", "z-d"];
  const arbInput = fc.record({
    preferred: fc.uniqueArray(fc.constantFrom(...TYPES), { minLength: 1 }),
    offerings: fc.uniqueArray(fc.record({ instanceType: fc.constantFrom(...TYPES), zone: fc.constantFrom(...ZONES) }), {
      selector: (o) => `${o.instanceType}@${o.zone}`,
    }),
    subnetZones: fc.uniqueArray(fc.constantFrom(...ZONES), { minLength: 1 }),
  });
  const run = (i: { preferred: string[]; offerings: Offering[]; subnetZones: string[] }) =>
    selectInstances({ region: "r", preferred: i.preferred, offerings: i.offerings, subnets: i.subnetZones.map((z) => ({ id: `s-${z}`, availabilityZone: z })) });

  it("never returns a type that is not offered in every kept subnet's zone", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const s = run(i);
        if (!s.ok) return;
        for (const t of s.instanceTypes) {
          for (const z of s.zones) assert.ok(i.offerings.some((o) => o.instanceType === t && o.zone === z), `${t} in ${z}`);
        }
        assert.deepEqual(s.subnetIds, i.subnetZones.filter((z) => s.zones.includes(z)).map((z) => `s-${z}`));
      }),
    );
  });

  it("returns types in preference order, a subsequence of the request", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const s = run(i);
        if (!s.ok) return;
        const positions = s.instanceTypes.map((t) => i.preferred.indexOf(t));
        assert.ok(positions.every((p) => p >= 0));
        assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
      }),
    );
  });

  it("succeeds exactly when some preferred type is offered in some subnet's zone", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const possible = i.offerings.some((o) => i.preferred.includes(o.instanceType) && i.subnetZones.includes(o.zone));
        assert.equal(run(i).ok, possible);
      }),
    );
  });
});
