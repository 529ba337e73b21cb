/**
 * A Helm release of a pinned chart, installed the way every platform add-on is: atomically (a
 * half-installed controller without its CRDs, or CRDs without the webhooks they need, is worse
 * than none, so a failed install rolls back), into a namespace the component owns, and with
 * Pulumi's timeouts a little longer than Helm's own wait, so Helm reports the failure.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { chartRef, type ChartPin } from "../lib/versions";
import { helmTimeoutProblems } from "../lib/contracts/helm-release";

/** The one rule for every add-on's `helmTimeoutMinutes` (lib/contracts/helm-release.ts). */
export { helmTimeoutProblems };

export interface PinnedReleaseArgs {
  readonly pin: ChartPin;
  /** Helm release name. */
  readonly releaseName: string;
  readonly namespace: pulumi.Input<string>;
  readonly values: pulumi.Inputs;
  /** Helm's wait for the release to become ready. */
  readonly timeoutMinutes: number;
}

export function pinnedRelease(name: string, args: PinnedReleaseArgs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  const { pin, timeoutMinutes } = args;
  return new k8s.helm.v3.Release(
    name,
    {
      ...chartRef(pin),
      version: pin.version,
      name: args.releaseName,
      namespace: args.namespace,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      timeout: timeoutMinutes * 60,
      values: args.values,
    },
    { ...opts, customTimeouts: { create: `${timeoutMinutes + 5}m`, update: `${timeoutMinutes + 5}m` } },
  );
}
