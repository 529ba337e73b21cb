/**
 * Provider emulation for the offline plan and the tests: Pulumi mocks that behave like the AWS
 * and Kubernetes providers where the program depends on it (ids, ARNs, EKS cluster outputs,
 * invokes answered from plan/fixtures.ts). Everything is derived from the resource's type and
 * name, so two runs of the same stack produce byte-identical results.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, REGIONS, SUBNETS, type RegionFacts } from "./fixtures";

type State = Record<string, unknown>;

function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

export interface EmulatorOptions {
  /** The stack's default AWS region (`aws:region`). */
  readonly region: string;
  /** Outputs of stacks this stack references, by fully qualified or short stack name. */
  readonly stackOutputs?: ReadonlyMap<string, Record<string, unknown>>;
}

export class ProviderEmulator implements pulumi.runtime.Mocks {
  /** Region of each explicit AWS provider, by provider resource name, for invokes and ARNs. */
  private readonly providerRegions = new Map<string, string>();

  constructor(private readonly options: EmulatorOptions) {}

  private regionOf(provider: string | undefined, inputs?: State): string {
    const explicit = typeof inputs?.region === "string" ? inputs.region : undefined;
    if (explicit) return explicit;
    if (provider) {
      // Provider references are "<urn>::<id>"; the URN ends with the provider's name.
      const name = provider.split("::")[3];
      const region = name ? this.providerRegions.get(name) : undefined;
      if (region) return region;
    }
    return this.options.region;
  }

  private facts(region: string): RegionFacts {
    const facts = REGIONS[region];
    if (!facts) {
      throw new Error(
        `the offline plan has no data for region ${region}; plan/fixtures.ts knows ${Object.keys(REGIONS).join(", ")}`,
      );
    }
    return facts;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
    const { type, name, inputs } = args;
    // The SDK resolves nothing from a local component's registration (its outputs are set in
    // its constructor), so echoing its inputs back would only serialize them twice more: for a
    // ModelDeployment, the whole declaration, once per model.
    if (args.custom === false) return { id: undefined, state: {} };
    const region = this.regionOf(args.provider, inputs);
    const id = `${name}-${digest(`${type}:${name}`, 8)}`;
    const state: State = { ...inputs };
    switch (type) {
      case "pulumi:providers:aws":
        this.providerRegions.set(name, region);
        return { id, state };
      case "pulumi:pulumi:StackReference": {
        const stackName = String(inputs.name ?? name);
        const outputs = this.lookupStack(stackName);
        return { id: stackName, state: { ...state, name: stackName, outputs, secretOutputNames: [] } };
      }
      case "aws:eks/cluster:Cluster": {
        const clusterName = String(inputs.name ?? id);
        const oidc = digest(clusterName, 32).toUpperCase();
        return {
          id: clusterName,
          state: {
            ...state,
            name: clusterName,
            arn: `arn:aws:eks:${region}:${ACCOUNT_ID}:cluster/${clusterName}`,
            endpoint: `https://${oidc}.gr7.${region}.eks.amazonaws.com`,
            version: inputs.version ?? "1.34",
            status: "ACTIVE",
            certificateAuthority: { data: Buffer.from(`emulated-ca-${clusterName}`).toString("base64") },
            identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${oidc}` }] }],
            vpcConfig: { ...(inputs.vpcConfig as State), clusterSecurityGroupId: `sg-${digest(clusterName, 17)}` },
          },
        };
      }
      case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        const host = String(inputs.url ?? "").replace(/^https:\/\//, "");
        return { id, state: { ...state, arn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${host}` } };
      }
      case "aws:iam/role:Role": {
        const roleName = String(inputs.name ?? id);
        return { id: roleName, state: { ...state, name: roleName, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${roleName}` } };
      }
      case "aws:iam/policy:Policy": {
        const policyName = String(inputs.name ?? id);
        return { id, state: { ...state, name: policyName, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${policyName}` } };
      }
      case "aws:kms/key:Key": {
        const keyId = `${digest(`${name}:a`, 8)}-${digest(`${name}:b`, 4)}-${digest(`${name}:c`, 4)}-${digest(`${name}:d`, 4)}-${digest(`${name}:e`, 12)}`;
        return { id: keyId, state: { ...state, keyId, arn: `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${keyId}` } };
      }
      case "aws:kms/alias:Alias":
        return { id, state: { ...state, arn: `arn:aws:kms:${region}:${ACCOUNT_ID}:${String(inputs.name)}` } };
      case "aws:s3/bucket:Bucket": {
        const bucket = String(inputs.bucket ?? `${name}-${digest(name, 7)}`);
        return {
          id: bucket,
          state: {
            ...state,
            bucket,
            arn: `arn:aws:s3:::${bucket}`,
            region,
            bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
          },
        };
      }
      case "aws:ec2/launchTemplate:LaunchTemplate":
        return { id: `lt-${digest(name, 17)}`, state: { ...state, latestVersion: 1, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:launch-template/lt-${digest(name, 17)}` } };
      case "aws:eks/nodeGroup:NodeGroup":
        return {
          id: `${String(inputs.clusterName)}:${name}`,
          state: {
            ...state,
            nodeGroupName: inputs.nodeGroupName ?? name,
            arn: `arn:aws:eks:${region}:${ACCOUNT_ID}:nodegroup/${String(inputs.clusterName)}/${String(inputs.nodeGroupName ?? name)}/${digest(name, 8)}`,
            status: "ACTIVE",
          },
        };
      default:
        if (type.startsWith("aws:")) {
          return { id, state: { arn: `arn:aws:${type.split(/[:/]/)[1]}:${region}:${ACCOUNT_ID}:${id}`, ...state } };
        }
        return { id, state };
    }
  }

  call(args: pulumi.runtime.MockCallArgs): State {
    const region = this.regionOf(args.provider, args.inputs);
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/offline-plan`, userId: "AIDAOFFLINEPLAN", id: ACCOUNT_ID };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      case "aws:index/getRegion:getRegion":
        return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
      case "aws:index/getAvailabilityZones:getAvailabilityZones": {
        const zones = this.facts(region).zones;
        return { names: zones, zoneIds: zones.map((z) => z.replace(/^([a-z]+)-([a-z]+)-(\d)([a-z])$/, "$1$3-az$4")), id: region };
      }
      case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings":
        return this.instanceTypeOfferings(region, args.inputs);
      case "aws:ec2/getSubnet:getSubnet": {
        const id = String(args.inputs.id);
        const subnet = SUBNETS[id];
        if (!subnet) throw new Error(`the offline plan does not know subnet ${id}; add it to SUBNETS in plan/fixtures.ts`);
        return { id, ...subnet, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${id}` };
      }
      case "aws:eks/getCluster:getCluster": {
        const clusterName = String(args.inputs.name);
        const state = this.newResource({ type: "aws:eks/cluster:Cluster", name: clusterName, inputs: { name: clusterName }, custom: true }).state;
        // The invoke answers with a list of authorities where the resource has one.
        return { ...state, id: clusterName, region, certificateAuthorities: [state.certificateAuthority] };
      }
      default:
        throw new Error(`the offline plan does not emulate the invoke ${args.token}; add it to plan/emulator.ts`);
    }
  }

  private instanceTypeOfferings(region: string, inputs: State): State {
    const filters = (inputs.filters as { name: string; values: string[] }[] | undefined) ?? [];
    const wanted = filters.find((f) => f.name === "instance-type")?.values;
    const zonesWanted = filters.find((f) => f.name === "location")?.values;
    const rows: { type: string; location: string }[] = [];
    for (const [type, zones] of Object.entries(this.facts(region).offerings)) {
      if (wanted && !wanted.includes(type)) continue;
      for (const zone of zones) {
        if (zonesWanted && !zonesWanted.includes(zone)) continue;
        rows.push({ type, location: inputs.locationType === "availability-zone" ? zone : region });
      }
    }
    const unique = [...new Map(rows.map((r) => [`${r.type}@${r.location}`, r])).values()];
    return {
      id: region,
      instanceTypes: unique.map((r) => r.type),
      locations: unique.map((r) => r.location),
      locationTypes: unique.map(() => String(inputs.locationType ?? "region")),
    };
  }

  private lookupStack(stackName: string): Record<string, unknown> {
    const outputs = this.options.stackOutputs;
    const short = stackName.split("/").pop() ?? stackName;
    const found = outputs?.get(stackName) ?? outputs?.get(short);
    if (!found) {
      throw new Error(
        `stack reference ${stackName}: the offline plan has no outputs for it; plan the referenced stack too (it is planned first when it is in stacks/)`,
      );
    }
    return found;
  }
}
