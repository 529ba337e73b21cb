/**
 * Values for NVIDIA's DCGM exporter chart, the source of the GPU memory an analysis can gate on
 * (lib/analysis/slo.ts). Keys read at NVIDIA/dcgm-exporter@4.5.3-4.8.2:deployment/values.yaml:
 * - `nodeSelector` (line 150) and `tolerations` (line 153): GPU nodes only, through their taint
 *   (the node contract in lib/gpu/node-labels.ts); the chart's default toleration is for
 *   control-plane nodes, which hold no GPU;
 * - `serviceMonitor.enabled` (line 129) only where the stack installs the Prometheus Operator's
 *   CRDs, and `serviceMonitor.honorLabels` (line 132) true: the exporter labels each GPU's series
 *   with the `namespace` and `pod` using it (internal/pkg/transformation/const.go,
 *   DCGM_EXPORTER_KUBERNETES is always on in templates/daemonset.yaml:135), and without
 *   honorLabels Prometheus would rename them `exported_namespace`/`exported_pod` in favour of
 *   the exporter's own, breaking the join the GPU-memory query makes.
 */
import { GPU_LABEL, GPU_TAINT_K8S } from "../gpu/node-labels";

export interface DcgmExporterValuesInput {
  /** Render the ServiceMonitor (needs the monitoring.coreos.com CRDs). */
  readonly serviceMonitor: boolean;
}

export function dcgmExporterValues(input: DcgmExporterValuesInput): Record<string, unknown> {
  return {
    nodeSelector: { [GPU_LABEL]: "true" },
    serviceMonitor: { enabled: input.serviceMonitor, honorLabels: true, interval: "15s" },
    tolerations: [{ effect: GPU_TAINT_K8S.effect, key: GPU_TAINT_K8S.key, operator: "Exists" }],
  };
}
