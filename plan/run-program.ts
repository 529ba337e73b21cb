/**
 * Runs a Pulumi program under the mock runtime exactly as `pulumi up` would run it — inside a
 * Stack resource, with the stack's config — and returns every resource it registered. One
 * process can run many stacks in turn: each run resets the runtime's options and monitor.
 */
import * as pulumi from "@pulumi/pulumi";
import { recordResources, type RecordedResource } from "./capture";
import { ProviderEmulator } from "./emulator";

export const PROJECT = "ml-gitops";

export interface ProgramRun {
  readonly stack: string;
  /** Config as the CLI hands it to the language host: `project:key` → string (objects as JSON). */
  readonly config: Readonly<Record<string, string>>;
  /** Keys of `config` that are secrets; their values are placeholders, never decrypted. */
  readonly secretKeys?: readonly string[];
  /** `aws:region` of the stack. */
  readonly region: string;
  readonly stackOutputs?: ReadonlyMap<string, Record<string, unknown>>;
  /** Run as a preview (some values unknown), like `pulumi preview`. @default true */
  readonly preview?: boolean;
}

export interface ProgramResult {
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
}

export async function runProgram(
  run: ProgramRun,
  program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
): Promise<ProgramResult> {
  await pulumi.runtime.setMocks(
    new ProviderEmulator({ region: run.region, ...(run.stackOutputs && { stackOutputs: run.stackOutputs }) }),
    PROJECT,
    run.stack,
    run.preview ?? true,
  );
  pulumi.runtime.setAllConfig({ ...run.config }, [...(run.secretKeys ?? [])]);
  const resources = recordResources();
  const outputs = (await pulumi.runtime.runInPulumiStack(async () => (await program()) ?? {})) as Record<string, unknown>;
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { resources, outputs: outputs ?? {} };
}
