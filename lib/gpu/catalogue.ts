/**
 * What the platform knows about EC2 instance types and EKS AMI families. Typed and exhaustive:
 * adding a GPU model or an AMI type fails to compile until every table handles it.
 * Figures are AWS's published specifications (vCPU, memory, GPUs per instance).
 */

export type Architecture = "x86_64" | "arm64";
export type GpuVendor = "nvidia";

/** GPU models by the name ML engineers use in declarations (`spec.serving.gpu.types`). */
export const GPU_MODELS = ["T4", "T4G", "A10G", "L4", "L40S", "A100", "A100-80GB", "H100", "H200"] as const;
export type GpuModel = (typeof GPU_MODELS)[number];

export interface GpuModelInfo {
  readonly vendor: GpuVendor;
  readonly memoryGiB: number;
  /** Node label value for `ml-gitops.dev/gpu-model`; lowercase as Kubernetes label values conventionally are. */
  readonly label: string;
}

export const GPU_MODEL_INFO: { readonly [m in GpuModel]: GpuModelInfo } = {
  T4: { vendor: "nvidia", memoryGiB: 16, label: "t4" },
  T4G: { vendor: "nvidia", memoryGiB: 16, label: "t4g" },
  A10G: { vendor: "nvidia", memoryGiB: 24, label: "a10g" },
  L4: { vendor: "nvidia", memoryGiB: 24, label: "l4" },
  L40S: { vendor: "nvidia", memoryGiB: 48, label: "l40s" },
  A100: { vendor: "nvidia", memoryGiB: 40, label: "a100" },
  "A100-80GB": { vendor: "nvidia", memoryGiB: 80, label: "a100-80gb" },
  H100: { vendor: "nvidia", memoryGiB: 80, label: "h100" },
  H200: { vendor: "nvidia", memoryGiB: 141, label: "h200" },
};

export interface InstanceTypeInfo {
  readonly arch: Architecture;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** GPUs per instance; absent for CPU-only types. */
  readonly gpu?: { readonly model: GpuModel; readonly count: number };
}

type Size = readonly [name: string, vcpus: number, memoryGiB: number, gpus: number];

function family(prefix: string, arch: Architecture, model: GpuModel | undefined, sizes: readonly Size[]) {
  return Object.fromEntries(
    sizes.map(([size, vcpus, memoryGiB, gpus]) => [
      `${prefix}.${size}`,
      model && gpus > 0 ? { arch, vcpus, memoryGiB, gpu: { model, count: gpus } } : { arch, vcpus, memoryGiB },
    ]),
  ) as Record<string, InstanceTypeInfo>;
}

const G5_SIZES: readonly Size[] = [
  ["xlarge", 4, 16, 1], ["2xlarge", 8, 32, 1], ["4xlarge", 16, 64, 1], ["8xlarge", 32, 128, 1],
  ["12xlarge", 48, 192, 4], ["16xlarge", 64, 256, 1], ["24xlarge", 96, 384, 4], ["48xlarge", 192, 768, 8],
];
const G6E_SIZES: readonly Size[] = [
  ["xlarge", 4, 32, 1], ["2xlarge", 8, 64, 1], ["4xlarge", 16, 128, 1], ["8xlarge", 32, 256, 1],
  ["12xlarge", 48, 384, 4], ["16xlarge", 64, 512, 1], ["24xlarge", 96, 768, 4], ["48xlarge", 192, 1536, 8],
];
const CPU_SIZES: readonly Size[] = [
  ["large", 2, 8, 0], ["xlarge", 4, 16, 0], ["2xlarge", 8, 32, 0], ["4xlarge", 16, 64, 0], ["8xlarge", 32, 128, 0],
];

/** Instance types the platform can place GPU pools on, plus common CPU types so a mistake gets a precise message. */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeInfo>> = {
  ...family("g4dn", "x86_64", "T4", [["xlarge", 4, 16, 1], ["2xlarge", 8, 32, 1], ["4xlarge", 16, 64, 1], ["12xlarge", 48, 192, 4], ["metal", 96, 384, 8]]),
  ...family("g5g", "arm64", "T4G", [["xlarge", 4, 8, 1], ["2xlarge", 8, 16, 1], ["4xlarge", 16, 32, 1], ["8xlarge", 32, 64, 1], ["16xlarge", 64, 128, 2]]),
  ...family("g5", "x86_64", "A10G", G5_SIZES),
  ...family("g6", "x86_64", "L4", G5_SIZES),
  ...family("g6e", "x86_64", "L40S", G6E_SIZES),
  ...family("p4d", "x86_64", "A100", [["24xlarge", 96, 1152, 8]]),
  ...family("p4de", "x86_64", "A100-80GB", [["24xlarge", 96, 1152, 8]]),
  ...family("p5", "x86_64", "H100", [["48xlarge", 192, 2048, 8], ["4xlarge", 16, 256, 1]]),
  ...family("p5e", "x86_64", "H200", [["48xlarge", 192, 2048, 8]]),
  ...family("p5en", "x86_64", "H200", [["48xlarge", 192, 2048, 8]]),
  ...family("m7i", "x86_64", undefined, CPU_SIZES),
  ...family("c7i", "x86_64", undefined, CPU_SIZES),
  ...family("r7i", "x86_64", undefined, CPU_SIZES),
  ...family("m7g", "arm64", undefined, CPU_SIZES),
};

/** EKS managed node group AMI types that carry the NVIDIA driver and container toolkit. */
export const GPU_AMI_TYPES = [
  "AL2023_x86_64_NVIDIA",
  "AL2023_ARM_64_NVIDIA",
  "BOTTLEROCKET_x86_64_NVIDIA",
  "BOTTLEROCKET_ARM_64_NVIDIA",
] as const;
export type GpuAmiType = (typeof GPU_AMI_TYPES)[number];

export interface AmiTypeInfo {
  readonly arch: Architecture;
  readonly gpuVendor: GpuVendor;
  readonly os: "al2023" | "bottlerocket";
  /**
   * Whether the AMI runs the NVIDIA device plugin itself. Bottlerocket's NVIDIA variants do;
   * AL2023's NVIDIA AMI has the driver and toolkit but not the plugin, so the platform installs it.
   */
  readonly shipsDevicePlugin: boolean;
}

export const AMI_TYPES: { readonly [a in GpuAmiType]: AmiTypeInfo } = {
  AL2023_x86_64_NVIDIA: { arch: "x86_64", gpuVendor: "nvidia", os: "al2023", shipsDevicePlugin: false },
  AL2023_ARM_64_NVIDIA: { arch: "arm64", gpuVendor: "nvidia", os: "al2023", shipsDevicePlugin: false },
  BOTTLEROCKET_x86_64_NVIDIA: { arch: "x86_64", gpuVendor: "nvidia", os: "bottlerocket", shipsDevicePlugin: true },
  BOTTLEROCKET_ARM_64_NVIDIA: { arch: "arm64", gpuVendor: "nvidia", os: "bottlerocket", shipsDevicePlugin: true },
};

export function isGpuAmiType(value: string): value is GpuAmiType {
  return (GPU_AMI_TYPES as readonly string[]).includes(value);
}

export function isGpuModel(value: string): value is GpuModel {
  return (GPU_MODELS as readonly string[]).includes(value);
}

/** Why an instance type cannot join a pool with this AMI, or undefined when it can. */
export function instanceAmiMismatch(instanceType: string, amiType: GpuAmiType): string | undefined {
  const info = INSTANCE_TYPES[instanceType];
  if (!info) return `${instanceType} is not in the instance catalogue (lib/gpu/catalogue.ts)`;
  if (!info.gpu) return `${instanceType} has no GPU`;
  const ami = AMI_TYPES[amiType];
  if (info.arch !== ami.arch) return `${instanceType} is ${info.arch} but ${amiType} is built for ${ami.arch}`;
  if (GPU_MODEL_INFO[info.gpu.model].vendor !== ami.gpuVendor) {
    return `${instanceType} carries ${info.gpu.model} GPUs, which ${amiType} has no driver for`;
  }
  return undefined;
}
