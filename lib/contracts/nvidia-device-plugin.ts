/**
 * The input contract of NvidiaDevicePlugin (components/nvidia-device-plugin.ts). Pure.
 */
import type { Problem } from "../errors";
import { kubernetesNameProblem } from "../names";
import { pathIn } from "./validators";

export interface NvidiaDevicePluginArgs {
  /** @default "kube-system" (the chart's priority class, system-node-critical, is only allowed there by default) */
  readonly namespace?: string;
}

export const NVIDIA_DEVICE_PLUGIN_DEFAULTS = { namespace: "kube-system" } as const;

/** Every problem with the args, each at `prefix` + its path (nothing for the component). */
export function nvidiaDevicePluginArgsProblems(args: NvidiaDevicePluginArgs, prefix = ""): Problem[] {
  const namespace = args.namespace ?? NVIDIA_DEVICE_PLUGIN_DEFAULTS.namespace;
  const problem = kubernetesNameProblem("dns1123-label", "namespace name", pathIn(prefix)("namespace"), namespace, `Omit it for the default ${NVIDIA_DEVICE_PLUGIN_DEFAULTS.namespace}.`);
  return problem ? [problem] : [];
}
