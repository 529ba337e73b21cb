/**
 * NVIDIA's DCGM exporter on every GPU node: per-GPU telemetry labelled with the pod using each
 * GPU, which canary analyses join to the candidate's pods (GPU memory) and people read beside it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { dcgmExporterValues } from "../lib/render/dcgm-exporter";
import { CHARTS } from "../lib/versions";
import { pinnedRelease } from "./pinned-release";

export interface DcgmExporterArgs {
  /** An existing namespace to run in (the monitoring stack's). @default a namespace of its own, "dcgm-exporter" */
  readonly namespace?: pulumi.Input<string>;
  /** Render the chart's ServiceMonitor: only where the Prometheus Operator's CRDs are installed. */
  readonly serviceMonitor: boolean;
  /** Helm wait for the DaemonSet. @default 10 min */
  readonly helmTimeoutMinutes?: number;
}

export class DcgmExporter extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: DcgmExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:DcgmExporter", name, args, opts);
    this.release = pinnedRelease(
      `${name}-release`,
      {
        pin: CHARTS.dcgmExporter,
        releaseName: "dcgm-exporter",
        namespace: args.namespace ?? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: "dcgm-exporter" } }, { parent: this }).metadata.name,
        timeoutMinutes: args.helmTimeoutMinutes ?? 10,
        values: dcgmExporterValues({ serviceMonitor: args.serviceMonitor }),
      },
      { parent: this },
    );
    this.registerOutputs({ release: this.release });
  }
}
