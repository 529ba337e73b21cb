/**
 * The few platform constants the pack judges against. They are defined by the program
 * (lib/gpu/catalogue.ts, lib/gpu/node-labels.ts, lib/deployments/types.ts), but the pack must
 * not import from outside policies/: `pulumi policy publish` packs this directory alone
 * (pulumi/pulumi@v3.248.0:pkg/backend/httpstate/policypack.go runs `npm pack` in it). The copies
 * are held equal to the program's by test/policies/self-contained.test.ts.
 */

/** EKS managed node group AMI types that carry the NVIDIA driver and container toolkit. */
export const NVIDIA_AMI_TYPES = [
  "AL2023_x86_64_NVIDIA",
  "AL2023_ARM_64_NVIDIA",
  "BOTTLEROCKET_x86_64_NVIDIA",
  "BOTTLEROCKET_ARM_64_NVIDIA",
] as const;

/** The label GPU node pools carry. */
export const GPU_LABEL_KEY = "ml-gitops.dev/gpu";

/** The GPU taint, as the EKS node group API spells its effect. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" } as const;
/** The same taint as Kubernetes (and a Karpenter NodePool) spells it. */
export const GPU_TAINT_K8S = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;

/** The type token of the program's ModelDeployment component. */
export const MODEL_DEPLOYMENT_TYPE = "ml-gitops:serving:ModelDeployment";
