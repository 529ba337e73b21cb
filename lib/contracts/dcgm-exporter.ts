/**
 * The input contract of DcgmExporter (components/dcgm-exporter.ts): where the GPU telemetry
 * exporter runs and how long Helm waits for its DaemonSet. Pure: it names Pulumi's types only.
 */
import type { Input } from "@pulumi/pulumi";
import type { Problem } from "../errors";
import { kubernetesNameProblem } from "../names";
import { helmTimeoutProblems } from "./helm-release";
import { pathIn } from "./validators";

export interface DcgmExporterArgs {
  /** An existing namespace to run in (the monitoring stack's). @default a namespace of its own, "dcgm-exporter" */
  readonly namespace?: Input<string>;
  /** Render the chart's ServiceMonitor: only where the Prometheus Operator's CRDs are installed. */
  readonly serviceMonitor: boolean;
  /** Helm wait for the DaemonSet. @default 10 min */
  readonly helmTimeoutMinutes?: number;
}

export const DCGM_EXPORTER_DEFAULTS = { namespace: "dcgm-exporter", helmTimeoutMinutes: 10 } as const;

/** Every problem with the args, each at `prefix` + its path; a namespace given as an Output is checked by whatever creates it. */
export function dcgmExporterArgsProblems(args: DcgmExporterArgs, prefix = ""): Problem[] {
  const at = pathIn(prefix);
  const problems: (Problem | undefined)[] = [];
  if (typeof args.namespace === "string") {
    problems.push(kubernetesNameProblem("dns1123-label", "namespace name", at("namespace"), args.namespace, `Name the monitoring stack's namespace, or omit it for a namespace of its own (${DCGM_EXPORTER_DEFAULTS.namespace}).`));
  }
  problems.push(...helmTimeoutProblems(args.helmTimeoutMinutes ?? DCGM_EXPORTER_DEFAULTS.helmTimeoutMinutes, DCGM_EXPORTER_DEFAULTS.helmTimeoutMinutes, at("helmTimeoutMinutes")));
  return problems.filter((p): p is Problem => p !== undefined);
}
