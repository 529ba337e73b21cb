/**
 * Region-aware instance selection for a GPU node group: which of the preferred instance types
 * to ask for, and which subnets to place the group in, given what EC2 offers per zone.
 *
 * The rule: EKS managed node groups launch any of their instance types into any of their
 * subnets, and a type that the subnet's zone does not offer makes launches fail there (and
 * `CreateNodegroup` refuses some combinations outright). So every kept subnet's zone must offer
 * every kept type. Preference decides the trade-off: the most preferred type offered in any
 * subnet's zone fixes the zones (every subnet zone that offers it); each later type is kept only
 * if it is offered in all of those zones, so adding a fallback type never shrinks placement.
 */

export interface Offering {
  readonly instanceType: string;
  readonly zone: string;
}

export interface SubnetPlacement {
  readonly id: string;
  readonly availabilityZone: string;
}

export interface SelectionInput {
  readonly region: string;
  /** Instance types in preference order, most preferred first. */
  readonly preferred: readonly string[];
  readonly offerings: readonly Offering[];
  readonly subnets: readonly SubnetPlacement[];
}

export interface Dropped {
  readonly instanceType: string;
  readonly reason: string;
}

export type Selection =
  | {
      readonly ok: true;
      /** A subsequence of `preferred`. */
      readonly instanceTypes: readonly string[];
      readonly subnetIds: readonly string[];
      readonly zones: readonly string[];
      /** Preferred types left out, and why: for the plan output, not an error. */
      readonly dropped: readonly Dropped[];
    }
  | { readonly ok: false; readonly message: string };

/** Offerings as the EC2 API returns them (parallel arrays) → rows. */
export function offeringsFrom(result: { readonly instanceTypes: readonly string[]; readonly locations: readonly string[] }): Offering[] {
  return result.instanceTypes.map((instanceType, i) => ({ instanceType, zone: result.locations[i] ?? "" }));
}

function zonesByType(offerings: readonly Offering[]): Map<string, Set<string>> {
  const byType = new Map<string, Set<string>>();
  for (const o of offerings) {
    const zones = byType.get(o.instanceType) ?? new Set<string>();
    zones.add(o.zone);
    byType.set(o.instanceType, zones);
  }
  return byType;
}

const sorted = (values: Iterable<string>) => [...values].sort();

export function selectInstances(input: SelectionInput): Selection {
  const offered = zonesByType(input.offerings);
  const subnetZones = new Set(input.subnets.map((s) => s.availabilityZone));
  const dropped: Dropped[] = [];
  let zones: Set<string> | undefined;
  const kept: string[] = [];

  for (const type of new Set(input.preferred)) {
    const typeZones = offered.get(type) ?? new Set<string>();
    if (typeZones.size === 0) {
      dropped.push({ instanceType: type, reason: `not offered in ${input.region}` });
      continue;
    }
    if (zones === undefined) {
      const usable = sorted(typeZones).filter((z) => subnetZones.has(z));
      if (usable.length === 0) {
        dropped.push({ instanceType: type, reason: `offered only in ${sorted(typeZones).join(", ")}, where no subnet is` });
        continue;
      }
      zones = new Set(usable);
      kept.push(type);
      continue;
    }
    const missing = sorted(zones).filter((z) => !typeZones.has(z));
    if (missing.length > 0) {
      dropped.push({ instanceType: type, reason: `not offered in ${missing.join(", ")}, where ${kept[0]} places the group` });
      continue;
    }
    kept.push(type);
  }

  if (zones === undefined) {
    const offeredNow = [...offered.entries()]
      .filter(([type]) => input.preferred.includes(type))
      .map(([type, z]) => `${type} in ${sorted(z).join(", ")}`);
    const what = offeredNow.length > 0 ? `offered: ${offeredNow.join("; ")}` : "the region offers none of them";
    return {
      ok: false,
      message:
        `none of the instance types ${input.preferred.join(", ")} is offered in ${input.region} ` +
        `in the zones of the given subnets (${sorted(subnetZones).join(", ") || "no subnets"}); ${what}`,
    };
  }
  const zoneSet = zones;
  return {
    ok: true,
    instanceTypes: kept,
    subnetIds: input.subnets.filter((s) => zoneSet.has(s.availabilityZone)).map((s) => s.id),
    zones: sorted(zoneSet),
    dropped,
  };
}
