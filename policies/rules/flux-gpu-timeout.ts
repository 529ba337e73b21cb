/**
 * Flux Kustomizations for GPU workloads need a long timeout: health checks wait for GPU pods
 * that take many minutes to pull images and load weights, and a short timeout fails healthy
 * releases.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseDurationSeconds } from "../lib/predicates/canary-steps";
import { isUnknown, obj } from "../lib/known";
import { isKind } from "../lib/k8s";
import { configOf, propsOf, show } from "../lib/policy";

interface Config {
  /** Regular expression; Kustomizations whose spec.path matches deploy GPU workloads. */
  gpuPathPattern: string;
  minTimeoutMinutes: number;
}
const defaults: Config = { gpuPathPattern: "gpu", minTimeoutMinutes: 30 };

export const fluxGpuTimeout: ResourceValidationPolicy = {
  name: "flux-gpu-timeout",
  description: "Flux Kustomizations for GPU paths must allow at least 30 minutes for apply and health checks.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      gpuPathPattern: { type: "string", default: "gpu", description: "Regular expression matching spec.path of GPU Kustomizations." },
      minTimeoutMinutes: { type: "integer", minimum: 1, default: 30, description: "Lowest accepted spec.timeout, in minutes." },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "fluxKustomization")) return;
    const config = configOf(defaults, args.getConfig);
    const spec = obj(propsOf(args).spec);
    const path = spec.path;
    if (typeof path !== "string" || !new RegExp(config.gpuPathPattern).test(path)) return;
    const timeout = spec.timeout;
    if (isUnknown(timeout)) return;
    const fix = `set spec.timeout to at least "${config.minTimeoutMinutes}m" so GPU pods can become ready`;
    if (timeout === undefined) {
      reportViolation(`spec.timeout is not set for GPU path "${path}", so Flux uses spec.interval (${show(spec.interval)}); ${fix}`);
      return;
    }
    const seconds = typeof timeout === "string" ? parseDurationSeconds(timeout) : undefined;
    if (seconds === undefined || seconds < config.minTimeoutMinutes * 60) {
      reportViolation(`spec.timeout is ${show(timeout)} for GPU path "${path}"; ${fix}`);
    }
  },
};
