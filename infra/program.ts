/**
 * The program: reads the stack's config once and wires the components for the stack's role.
 * Wiring only — every resource lives in a component, every computation in lib/.
 */
import { artifactStore } from "./artifacts";
import { clusterPlatform } from "./cluster";
import { readStackConfig } from "./config";

export async function program(): Promise<Record<string, unknown>> {
  const config = readStackConfig();
  return config.role === "artifacts" ? artifactStore(config) : clusterPlatform(config);
}
