/**
 * The contract between GPU node pools and everything scheduled onto them: the labels the node
 * groups carry and the taint they set. Pools set them (components/gpu-node-pool.ts); renderers,
 * the device plugin and the local model cache select on them. One definition, so they agree.
 */
import { AMI_TYPES, GPU_MODEL_INFO, type GpuAmiType, type GpuModel } from "./catalogue";

export const GPU_LABEL = "ml-gitops.dev/gpu";
/** The GPU model's catalogue label (`GPU_MODEL_INFO[model].label`), e.g. `h100`. */
export const GPU_MODEL_LABEL = "ml-gitops.dev/gpu-model";
/** Node OS, so DaemonSets can skip AMIs that already run what they install. */
export const NODE_OS_LABEL = "ml-gitops.dev/node-os";
/** The NVIDIA device plugin chart's default node affinity requires it (no NFD/GFD here). */
export const NVIDIA_GPU_PRESENT_LABEL = "nvidia.com/gpu.present";

/** The GPU taint, as the EKS node group API spells its effect. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" } as const;
/** The same taint as Kubernetes spells it, for tolerations. */
export const GPU_TAINT_K8S = { key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NoSchedule" } as const;

/** Labels every node of a GPU pool carries, whichever provisioner launches it. */
export function gpuPoolLabels(amiType: GpuAmiType, model: GpuModel, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    ...extra,
    [GPU_LABEL]: "true",
    [GPU_MODEL_LABEL]: GPU_MODEL_INFO[model].label,
    [NODE_OS_LABEL]: AMI_TYPES[amiType].os,
    [NVIDIA_GPU_PRESENT_LABEL]: "true",
  };
}
