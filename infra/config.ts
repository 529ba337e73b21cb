/**
 * Reads this stack's config from the Pulumi runtime, the same way under `pulumi up` and the
 * offline plan, and parses it once into typed objects (lib/config/stack-config.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, stackFile, PROJECT, type StackConfig } from "../lib/config/stack-config";

/**
 * Whether a key was set as a secret. The SDK keeps this in `runtime.isConfigSecret`, which it
 * exports without declaring; `Config.getSecret` cannot tell, because it wraps any value.
 */
function isSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return runtime.isConfigSecret?.(key) ?? false;
}

export function readStackConfig(): StackConfig {
  const all = pulumi.runtime.allConfig();
  const secretKeys = Object.keys(all).filter(isSecret);
  const stack = pulumi.getStack();
  return parseStackConfig(all, { stack, file: stackFile(stack) }, secretKeys);
}

/** A secret config value as a Pulumi secret Output; never read as plain text. */
export function secret(key: string): pulumi.Output<string> | undefined {
  return new pulumi.Config(PROJECT).getSecret(key);
}
