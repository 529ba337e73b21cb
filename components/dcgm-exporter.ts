/**
 * NVIDIA's DCGM exporter on every GPU node: per-GPU telemetry labelled with the pod using each
 * GPU, which canary analyses join to the candidate's pods (GPU memory) and people read beside it.
 */
import { throwIfProblems } from "../lib/errors";
import { DCGM_EXPORTER_DEFAULTS, dcgmExporterArgsProblems, type DcgmExporterArgs } from "../lib/contracts/dcgm-exporter";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { dcgmExporterValues } from "../lib/render/dcgm-exporter";
import { CHARTS } from "../lib/versions";
import { pinnedRelease } from "./pinned-release";

export { DCGM_EXPORTER_DEFAULTS, dcgmExporterArgsProblems, type DcgmExporterArgs } from "../lib/contracts/dcgm-exporter";

export class DcgmExporter extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: DcgmExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:DcgmExporter", name, args, opts);
    throwIfProblems(`DcgmExporter ${name}`, dcgmExporterArgsProblems(args));
    this.release = pinnedRelease(
      `${name}-release`,
      {
        pin: CHARTS.dcgmExporter,
        releaseName: "dcgm-exporter",
        namespace: args.namespace ?? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: DCGM_EXPORTER_DEFAULTS.namespace } }, { parent: this }).metadata.name,
        timeoutMinutes: args.helmTimeoutMinutes ?? DCGM_EXPORTER_DEFAULTS.helmTimeoutMinutes,
        values: dcgmExporterValues({ serviceMonitor: args.serviceMonitor }),
      },
      { parent: this },
    );
    this.registerOutputs({ release: this.release });
  }
}
