/**
 * The launch template a GPU node group uses: encrypted gp3 volumes sized for model images and
 * IMDSv2 with a hop limit of 1.
 *
 * Hop limit 1: a pod on the pod network is one hop further than the node, so it cannot reach the
 * instance metadata service and borrow the node role's credentials; pods get their own through
 * IRSA. Host-network pods (the VPC CNI, kube-proxy, the device plugin) still reach IMDS.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AMI_TYPES, type GpuAmiType } from "./catalogue";

export interface LaunchTemplateInput {
  readonly amiType: GpuAmiType;
  readonly diskSizeGiB: number;
  /** Customer-managed key for the volumes; the account's AWS-managed EBS key when absent. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface BlockDevice {
  readonly deviceName: string;
  readonly ebs: {
    readonly encrypted: "true";
    readonly deleteOnTermination: "true";
    readonly volumeType: "gp3";
    readonly volumeSize?: number;
    readonly kmsKeyId?: pulumi.Input<string>;
  };
}

export interface LaunchTemplateSpec {
  readonly blockDeviceMappings: readonly BlockDevice[];
  readonly metadataOptions: {
    readonly httpEndpoint: "enabled";
    readonly httpTokens: "required";
    readonly httpPutResponseHopLimit: 1;
    readonly instanceMetadataTags: "disabled";
  };
  readonly tagSpecifications: readonly { readonly resourceType: "instance" | "volume"; readonly tags: Readonly<Record<string, string>> }[];
}

/**
 * Where images and container layers live. AL2023 keeps them on the root volume. Bottlerocket has
 * a small OS volume (/dev/xvda) and a data volume (/dev/xvdb): the size belongs on the data volume,
 * and the OS volume keeps its snapshot size but is still encrypted.
 */
export function blockDevices(input: LaunchTemplateInput): BlockDevice[] {
  const ebs = {
    encrypted: "true",
    deleteOnTermination: "true",
    volumeType: "gp3",
    ...(input.kmsKeyArn !== undefined && { kmsKeyId: input.kmsKeyArn }),
  } as const;
  const os = AMI_TYPES[input.amiType].os;
  switch (os) {
    case "al2023":
      return [{ deviceName: "/dev/xvda", ebs: { ...ebs, volumeSize: input.diskSizeGiB } }];
    case "bottlerocket":
      return [
        { deviceName: "/dev/xvda", ebs },
        { deviceName: "/dev/xvdb", ebs: { ...ebs, volumeSize: input.diskSizeGiB } },
      ];
    default: {
      const unhandled: never = os;
      throw new Error(`no volume layout for ${String(unhandled)}`);
    }
  }
}

export function launchTemplateSpec(input: LaunchTemplateInput): LaunchTemplateSpec {
  return {
    blockDeviceMappings: blockDevices(input),
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
    tagSpecifications: [
      { resourceType: "instance", tags: input.tags },
      { resourceType: "volume", tags: input.tags },
    ],
  };
}
