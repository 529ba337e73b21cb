/**
 * The policies of the ml-gitops pack. Importing this module has no side effects; only
 * index.ts constructs the PolicyPack (which starts CrossGuard's gRPC server).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { argocdAppSyncSafe } from "./rules/argocd-app-sync-safe";
import { argocdProjectAdmits } from "./rules/argocd-project-admits";
import { fluxGpuTimeout } from "./rules/flux-gpu-timeout";
import { gpuNodeGroupHardened } from "./rules/gpu-node-group-hardened";
import { karpenterGpuPoolHardened } from "./rules/karpenter-gpu-pool-hardened";
import { helmReleasePinned } from "./rules/helm-release-pinned";
import { modelArtifactImmutable } from "./rules/model-artifact-immutable";
import { modelBucketHardened } from "./rules/model-bucket-hardened";
import { modelCanaryRequired } from "./rules/model-canary-required";
import { modelServingCanaryCapable } from "./rules/model-serving-canary-capable";
import { modelWorkloadHardened } from "./rules/model-workload-hardened";
import { servingImageDigest } from "./rules/serving-image-digest";
import { stableRequiresCanary } from "./rules/stable-requires-canary";
import { trainingJobPinned } from "./rules/training-job-pinned";

export const PACK_NAME = "ml-gitops";
/** The pack's default; each policy sets its own level, which wins over this. */
export const PACK_ENFORCEMENT_LEVEL = "mandatory" as const;

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  modelArtifactImmutable,
  servingImageDigest,
  modelCanaryRequired,
  modelServingCanaryCapable,
  modelWorkloadHardened,
  modelBucketHardened,
  gpuNodeGroupHardened,
  karpenterGpuPoolHardened,
  helmReleasePinned,
  argocdAppSyncSafe,
  argocdProjectAdmits,
  fluxGpuTimeout,
  stableRequiresCanary,
  trainingJobPinned,
];
