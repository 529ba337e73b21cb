/**
 * The small table of realistic cloud data the offline plan answers invokes from: one account,
 * availability zones per region, and which GPU instance types each zone offers (AWS's published
 * offerings, trimmed to the types in lib/gpu/catalogue.ts: p5 and p4d are not everywhere).
 */

export const ACCOUNT_ID = "123456789012";

export interface RegionFacts {
  readonly zones: readonly string[];
  /** Instance type → zones that offer it. Types absent here are not offered in the region. */
  readonly offerings: Readonly<Record<string, readonly string[]>>;
}

const everyZone = (zones: readonly string[], types: readonly string[]) =>
  Object.fromEntries(types.map((t) => [t, zones]));

const G5 = ["g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.12xlarge", "g5.16xlarge", "g5.24xlarge", "g5.48xlarge"];
const G6 = G5.map((t) => t.replace("g5.", "g6."));
const G6E = G5.map((t) => t.replace("g5.", "g6e."));
const CPU = ["m7i.large", "m7i.xlarge", "m7i.2xlarge", "m7i.4xlarge", "c7i.2xlarge", "r7i.2xlarge", "m7g.xlarge"];

const US_EAST_1 = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"];
const US_WEST_2 = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"];
const EU_WEST_1 = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const EU_CENTRAL_1 = ["eu-central-1a", "eu-central-1b", "eu-central-1c"];

export const REGIONS: Readonly<Record<string, RegionFacts>> = {
  "us-east-1": {
    zones: US_EAST_1,
    offerings: {
      ...everyZone(US_EAST_1, CPU),
      ...everyZone(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"], G5),
      ...everyZone(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], G6),
      ...everyZone(["us-east-1a", "us-east-1b", "us-east-1c"], G6E),
      "p4d.24xlarge": ["us-east-1a", "us-east-1b", "us-east-1c"],
      "p4de.24xlarge": ["us-east-1c"],
      "p5.48xlarge": ["us-east-1a", "us-east-1c", "us-east-1d"],
      "p5e.48xlarge": ["us-east-1a"],
      "p5en.48xlarge": ["us-east-1c"],
    },
  },
  "us-west-2": {
    zones: US_WEST_2,
    offerings: {
      ...everyZone(US_WEST_2, CPU),
      ...everyZone(US_WEST_2, G5),
      ...everyZone(["us-west-2a", "us-west-2b", "us-west-2c"], G6),
      ...everyZone(["us-west-2a", "us-west-2b", "us-west-2c"], G6E),
      "p4d.24xlarge": ["us-west-2a", "us-west-2b", "us-west-2c"],
      "p5.48xlarge": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
      "p5en.48xlarge": ["us-west-2b"],
    },
  },
  "eu-west-1": {
    zones: EU_WEST_1,
    offerings: {
      ...everyZone(EU_WEST_1, CPU),
      ...everyZone(EU_WEST_1, G5),
      ...everyZone(["eu-west-1a", "eu-west-1b"], G6),
      ...everyZone(["eu-west-1b", "eu-west-1c"], G6E),
      "p4d.24xlarge": ["eu-west-1a", "eu-west-1c"],
    },
  },
  "eu-central-1": {
    zones: EU_CENTRAL_1,
    offerings: {
      ...everyZone(EU_CENTRAL_1, CPU),
      ...everyZone(EU_CENTRAL_1, G5),
      ...everyZone(["eu-central-1a", "eu-central-1b"], G6),
      ...everyZone(["eu-central-1a", "eu-central-1b"], G6E),
      "p5.48xlarge": ["eu-central-1b"],
    },
  },
};

/**
 * Subnets of the sample stacks, as `aws ec2 describe-subnets` would describe them. A user's own
 * subnets are planned by adding them here; the offline plan names this file when one is missing.
 */
export const SUBNETS: Readonly<Record<string, { readonly availabilityZone: string; readonly vpcId: string }>> = {
  "subnet-0e1a5c0de0000001a": { availabilityZone: "us-east-1a", vpcId: "vpc-0e1a5c0de00000001" },
  "subnet-0e1a5c0de0000001b": { availabilityZone: "us-east-1b", vpcId: "vpc-0e1a5c0de00000001" },
  "subnet-0e1a5c0de0000001c": { availabilityZone: "us-east-1c", vpcId: "vpc-0e1a5c0de00000001" },
  "subnet-0e1a5c0de0000001d": { availabilityZone: "us-east-1d", vpcId: "vpc-0e1a5c0de00000001" },
  "subnet-0e0e5c0de0000002a": { availabilityZone: "eu-west-1a", vpcId: "vpc-0e0e5c0de00000002" },
  "subnet-0e0e5c0de0000002b": { availabilityZone: "eu-west-1b", vpcId: "vpc-0e0e5c0de00000002" },
  "subnet-0e0e5c0de0000002c": { availabilityZone: "eu-west-1c", vpcId: "vpc-0e0e5c0de00000002" },
  "subnet-0e2c5c0de0000003a": { availabilityZone: "us-west-2a", vpcId: "vpc-0e2c5c0de00000003" },
  "subnet-0e2c5c0de0000003b": { availabilityZone: "us-west-2b", vpcId: "vpc-0e2c5c0de00000003" },
  "subnet-0e2c5c0de0000003c": { availabilityZone: "us-west-2c", vpcId: "vpc-0e2c5c0de00000003" },
};
