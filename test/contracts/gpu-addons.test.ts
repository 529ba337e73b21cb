/**
 * The DcgmExporter and NvidiaDevicePlugin contracts (lib/contracts/dcgm-exporter.ts,
 * nvidia-device-plugin.ts): a namespace Kubernetes would refuse, or a Helm wait below a minute, is
 * refused at construction with the same words every add-on uses.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime } from "../support/harness";
import { problemsOf } from "./problems";

describe("GPU add-on contracts", async () => {
  await mockRuntime();
  const { DcgmExporter } = await import("../../components/dcgm-exporter");
  const { NvidiaDevicePlugin } = await import("../../components/nvidia-device-plugin");
  let n = 0;

  it("accept the defaults", () => {
    assert.deepEqual(problemsOf(() => new DcgmExporter(`dcgm-${n++}`, { serviceMonitor: false })), []);
    assert.deepEqual(problemsOf(() => new NvidiaDevicePlugin(`plugin-${n++}`)), []);
  });

  it("refuse a DCGM exporter namespace Kubernetes would refuse", () => {
    assert.deepEqual(problemsOf(() => new DcgmExporter(`dcgm-${n++}`, { serviceMonitor: true, namespace: "Monitoring" })), [
      `namespace: is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (got "Monitoring"). Name the monitoring stack's namespace, or omit it for a namespace of its own (dcgm-exporter).`,
    ]);
  });

  it("refuse a DCGM exporter Helm wait below a minute, naming the default", () => {
    assert.deepEqual(problemsOf(() => new DcgmExporter(`dcgm-${n++}`, { serviceMonitor: false, helmTimeoutMinutes: 0 })), [
      "helmTimeoutMinutes: must be a whole number of minutes, at least 1 (got 0). Omit it for the default 10.",
    ]);
  });

  it("refuse a device plugin namespace Kubernetes would refuse", () => {
    assert.deepEqual(problemsOf(() => new NvidiaDevicePlugin(`plugin-${n++}`, { namespace: "gpu_operator" })), [
      `namespace: is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (got "gpu_operator"). Omit it for the default kube-system.`,
    ]);
  });
});
