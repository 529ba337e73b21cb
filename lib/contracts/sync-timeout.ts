/**
 * How long GitOps waits for model workloads to become healthy: one range for Argo CD
 * (`controller.sync.timeout.seconds`, components/argo-cd.ts), Flux (each Kustomization's
 * `spec.timeout`, components/flux.ts) and the stack config key ml-gitops:syncTimeoutMinutes.
 *
 * Why 30 to 180 minutes: GPU nodes take 15-25 minutes from cold to join, pull multi-GB serving
 * images and load kernel modules, and model pods need 10+ more to load weights, so below 30 a
 * healthy first sync fails (Argo CD then stops retrying that revision; Flux marks it failed).
 * Above 180 a stuck sync holds the application for hours: Argo CD runs one operation at a time
 * and a hung one never fails, so its retry never fires (lib/render/argocd.ts argoCdValues).
 * The training Kustomization alone may wait longer: it waits for the longest training deadline
 * (FLUX_TRAINING_TIMEOUT_MINUTES).
 */
import type { Problem } from "../errors";
import { wholeNumberProblem, type WholeNumberRule } from "./validators";

export const SYNC_TIMEOUT_MINUTES = {
  unit: "minutes",
  min: 30,
  max: 180,
  default: 45,
  why: "GPU nodes take 15-25 minutes to turn healthy from cold and model pods 10+ more; a shorter timeout fails healthy syncs, a longer one holds a stuck sync for hours.",
} as const satisfies WholeNumberRule;

/** The training Jobs' Kustomization waits for the longest training deadline: same floor, no ceiling. */
export const FLUX_TRAINING_TIMEOUT_MINUTES = {
  unit: "minutes",
  min: SYNC_TIMEOUT_MINUTES.min,
  default: SYNC_TIMEOUT_MINUTES.default,
  why: "GPU nodes take 15-25 minutes to turn healthy from cold; a shorter timeout fails healthy syncs.",
} as const satisfies WholeNumberRule;

/** The problem with a sync timeout at `path`, if any. */
export function syncTimeoutProblem(path: string, minutes: unknown): Problem | undefined {
  return wholeNumberProblem(SYNC_TIMEOUT_MINUTES, path, minutes);
}
