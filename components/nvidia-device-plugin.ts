/**
 * The NVIDIA device plugin DaemonSet, which advertises `nvidia.com/gpu` to the kubelet. Installed
 * once per cluster when some GPU pool's AMI lacks it (AL2023); Bottlerocket's NVIDIA variants run
 * it themselves, so the DaemonSet stays off their nodes.
 */
import * as k8s from "@pulumi/kubernetes";
import { throwIfProblems } from "../lib/errors";
import { NVIDIA_DEVICE_PLUGIN_DEFAULTS, nvidiaDevicePluginArgsProblems, type NvidiaDevicePluginArgs } from "../lib/contracts/nvidia-device-plugin";
import * as pulumi from "@pulumi/pulumi";
import { AMI_TYPES, GPU_AMI_TYPES, type GpuAmiType } from "../lib/gpu/catalogue";
import { CHARTS, chartRef } from "../lib/versions";
import { GPU_LABEL, GPU_TAINT_K8S, NODE_OS_LABEL } from "../lib/gpu/node-labels";

/** Whether any of these AMIs leaves the device plugin to the platform. */
export function needsDevicePlugin(amiTypes: Iterable<GpuAmiType>): boolean {
  for (const ami of amiTypes) if (!AMI_TYPES[ami].shipsDevicePlugin) return true;
  return false;
}

export { NVIDIA_DEVICE_PLUGIN_DEFAULTS, nvidiaDevicePluginArgsProblems, type NvidiaDevicePluginArgs } from "../lib/contracts/nvidia-device-plugin";

/** Chart values: run on platform GPU nodes whose AMI lacks the plugin, tolerating the GPU taint. */
export function devicePluginValues(): Record<string, unknown> {
  const osWithoutPlugin = [...new Set(GPU_AMI_TYPES.filter((a) => !AMI_TYPES[a].shipsDevicePlugin).map((a) => AMI_TYPES[a].os))];
  return {
    nodeSelector: { [GPU_LABEL]: "true" },
    // Replaces the chart's default affinity (NFD/GFD labels or nvidia.com/gpu.present).
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_OS_LABEL, operator: "In", values: osWithoutPlugin }] }],
        },
      },
    },
    tolerations: [
      { key: GPU_TAINT_K8S.key, operator: "Exists", effect: GPU_TAINT_K8S.effect },
      { key: "CriticalAddonsOnly", operator: "Exists" },
    ],
    priorityClassName: "system-node-critical",
    gfd: { enabled: false },
  };
}

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  readonly releaseName: pulumi.Output<string>;
  readonly namespace: string;
  readonly chartVersion: string;

  /** Pass the cluster's provider: `{ providers: [cluster.provider] }` or `{ provider: cluster.provider }`. */
  constructor(name: string, args: NvidiaDevicePluginArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:NvidiaDevicePlugin", name, args, opts);
    const pin = CHARTS.nvidiaDevicePlugin;
    throwIfProblems(`NvidiaDevicePlugin ${name}`, nvidiaDevicePluginArgsProblems(args));
    this.namespace = args.namespace ?? NVIDIA_DEVICE_PLUGIN_DEFAULTS.namespace;
    this.chartVersion = pin.version;
    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        ...chartRef(pin),
        version: pin.version,
        namespace: this.namespace,
        createNamespace: this.namespace !== NVIDIA_DEVICE_PLUGIN_DEFAULTS.namespace,
        values: devicePluginValues(),
        maxHistory: 5,
      },
      { parent: this },
    );
    this.releaseName = release.name;
    this.registerOutputs({ releaseName: this.releaseName, namespace: this.namespace, chartVersion: this.chartVersion });
  }
}
