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
  /** Project root (where Pulumi.yaml is), as the language host tells the program. */
  readonly root: string;
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
  setRootDirectory(run.root);
  const resources = recordResources();
  // An error thrown inside an apply surfaces as an unhandled rejection; under `pulumi up` it fails
  // the update, so here it fails the stack's plan with the same message.
  // A registration whose inputs failed never completes, so the stack would wait forever: the
  // first failure ends the run.
  const failures: unknown[] = [];
  let fail: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const onRejection = (reason: unknown) => {
    failures.push(reason);
    fail(reason);
  };
  process.on("unhandledRejection", onRejection);
  // The SDK stores `new Error().stack` on every output promise it makes (runtime/debuggable.js),
  // for leak reports the plan never shows; capturing and formatting those stacks was about a
  // tenth of a plan. Errors keep their messages, which is all a plan reports;
  // ML_GITOPS_STACK_TRACES=1 keeps full stacks for debugging the program.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!process.env.ML_GITOPS_STACK_TRACES) Error.stackTraceLimit = 0;
  try {
    const outputs = (await Promise.race([
      pulumi.runtime.runInPulumiStack(async () => (await program()) ?? {}),
      failed,
    ])) as Record<string, unknown>;
    await Promise.race([(pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(), failed]);
    // Rejections are reported on the next turns of the event loop.
    await new Promise((r) => setImmediate(r));
    if (failures.length > 0) throw new ProgramError(run.stack, failures);
    process.off("unhandledRejection", onRejection);
    return { resources, outputs: outputs ?? {} };
  } catch (err) {
    // A failed run leaves registrations that reject later, one by one, with the same cause; the
    // listener stays to absorb them, as the plan stops at the first failed stack.
    if (err instanceof ProgramError) throw err;
    throw new ProgramError(run.stack, [err, ...failures.filter((f) => f !== err)]);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The language host passes the project root in PULUMI_NODEJS_ROOT_DIRECTORY, read once when the
 * runtime's store is created; the SDK has no setter, so set the store's option as the host would.
 */
function setRootDirectory(root: string): void {
  const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { settings: { options: { rootDirectory?: string } } } };
  state.getStore().settings.options.rootDirectory = root;
}

/** The program failed for a stack, as `pulumi up` would have; carries every distinct error. */
export class ProgramError extends Error {
  readonly causes: readonly unknown[];

  constructor(stack: string, causes: readonly unknown[]) {
    const messages = [...new Set(causes.map(describe))];
    super(`stack ${stack}: the program failed:\n${messages.map((m) => `  ${m.replace(/\n/g, "\n  ")}`).join("\n")}`);
    this.name = "ProgramError";
    this.causes = causes;
  }
}

/** Pulumi wraps errors from serialization ("error serializing property"); keep the cause's words. */
function describe(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(/^error serializing property "[^"]*": /, "");
}
