/**
 * The input contract of Karpenter (components/karpenter.ts): the cluster it serves and the Helm
 * wait for its controller. The cluster's name and OIDC provider come from ClusterAccess, whose
 * contract checks them (lib/contracts/cluster-access.ts). Pure: it names Pulumi's types only.
 */
import type { Input } from "@pulumi/pulumi";
import type { Problem } from "../errors";
import { helmTimeoutProblems } from "./helm-release";
import { pathIn } from "./validators";

export interface KarpenterArgs {
  readonly clusterName: Input<string>;
  /** From ClusterAccess. */
  readonly oidcProviderArn: Input<string>;
  readonly oidcIssuer: Input<string>;
  readonly tags?: Record<string, string>;
  /** Helm wait for the controller. @default 10 min */
  readonly helmTimeoutMinutes?: number;
}

export const KARPENTER_DEFAULTS = { helmTimeoutMinutes: 10 } as const;

/** Every problem with the args, each at `prefix` + its path (nothing for the component). */
export function karpenterArgsProblems(args: KarpenterArgs, prefix = ""): Problem[] {
  return helmTimeoutProblems(args.helmTimeoutMinutes ?? KARPENTER_DEFAULTS.helmTimeoutMinutes, KARPENTER_DEFAULTS.helmTimeoutMinutes, pathIn(prefix)("helmTimeoutMinutes"));
}
