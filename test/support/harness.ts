/**
 * Test harness for components: Pulumi mocks backed by the same provider emulation as the offline
 * plan, and a recording of every resource registered (inputs and resource options).
 */
import * as pulumi from "@pulumi/pulumi";
import { recordResources, type RecordedResource } from "../../plan/capture";
import { ProviderEmulator } from "../../plan/emulator";

export interface Harness {
  /** Every resource registered so far, in registration order. */
  readonly resources: RecordedResource[];
  /** Waits until every registration in flight has reached the monitor. */
  settle(): Promise<void>;
  ofType(type: string): RecordedResource[];
  /** The one resource of `type` whose name is `name`; fails the test when absent. */
  named(type: string, name: string): RecordedResource;
}

export async function mockRuntime(options: { region?: string; stack?: string; config?: Record<string, string> } = {}): Promise<Harness> {
  await pulumi.runtime.setMocks(new ProviderEmulator({ region: options.region ?? "us-east-1" }), "ml-gitops", options.stack ?? "test", false);
  pulumi.runtime.setAllConfig({ "aws:region": options.region ?? "us-east-1", ...options.config }, []);
  const resources = recordResources();
  const harness: Harness = {
    resources,
    settle: () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(),
    ofType: (type) => resources.filter((r) => r.type === type),
    named: (type, name) => {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) {
        const names = harness.ofType(type).map((r) => r.name);
        throw new Error(`no ${type} named ${name}; registered: ${names.join(", ") || "none"}`);
      }
      return found;
    },
  };
  return harness;
}

/** The value inside an Output, for assertions. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
