/**
 * Which clusters serve an environment: every cluster stack in `stacks/` whose
 * `ml-gitops:environment` names it, with its `aws:region`. Region waves (`spec.rollout.waves`)
 * name clusters by region or stack name, so the loader, the renderer's caller (infra/), the plan
 * and the promotion CLI all need this one map; it is read here and nowhere else.
 *
 * Only the three keys that decide membership are read (role, environment, region): a problem in
 * any other key of a stack file is the stack's own validation's business (parseStackConfig, run by
 * the plan and `pulumi up`), not a reason to refuse a model declaration.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { listStacks, readStackFile } from "./stack-file";

// Defined beside the waves it is used by, so rendering needs nothing from lib/config (no cycle).
export type { EnvironmentCluster } from "../deployments/waves";
import type { EnvironmentCluster } from "../deployments/waves";

/** Whether the project has a `stacks/` directory to read clusters from. */
export function hasStacks(root: string): boolean {
  const dir = join(root, "stacks");
  return existsSync(dir) && statSync(dir).isDirectory();
}

/**
 * Every environment's clusters, sorted by stack name. Artifact-store stacks (`ml-gitops:role:
 * artifacts`) serve no environment; a cluster stack without an environment or a region is left
 * out (its own config validation names the missing key).
 * @throws ValidationError when a stack file cannot be read or parsed as YAML.
 */
export function environmentClusters(root: string): ReadonlyMap<string, readonly EnvironmentCluster[]> {
  const out = new Map<string, EnvironmentCluster[]>();
  if (!hasStacks(root)) return out;
  for (const stack of listStacks(root)) {
    const file = readStackFile(root, stack);
    if ((file.config["ml-gitops:role"] ?? "cluster") !== "cluster") continue;
    const environment = file.config["ml-gitops:environment"];
    const region = file.config["aws:region"];
    if (!environment || !region) continue;
    const list = out.get(environment) ?? [];
    list.push({ stack, region, file: file.file });
    out.set(environment, list);
  }
  return out;
}

/** The clusters serving one environment, sorted by stack name; empty when none does. */
export function clustersOf(root: string, environment: string): readonly EnvironmentCluster[] {
  return environmentClusters(root).get(environment) ?? [];
}
