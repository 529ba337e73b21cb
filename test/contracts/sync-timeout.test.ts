/**
 * One sync timeout range (lib/contracts/sync-timeout.ts) for the ArgoCd and Flux components and
 * the ml-gitops:syncTimeoutMinutes key: the same message from each, only the path differs, and
 * all three accept and refuse exactly the same values (fast-check).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { mockRuntime } from "../support/harness";
import { SYNC_TIMEOUT_MINUTES } from "../../lib/contracts/sync-timeout";
import { isWholeNumberIn } from "../../lib/contracts/validators";
import { clusterConfigProblems, problemsOf, STACK_FILE } from "./problems";

const FILE = STACK_FILE;
const HASH = "$2a$10$abcdefghijklmnopqrstuJ0dGwz7hXh5b2c3d4e5f6g7h8i9j0kLm";
const WHY =
  "GPU nodes take 15-25 minutes to turn healthy from cold and model pods 10+ more; a shorter timeout fails healthy syncs, a longer one holds a stuck sync for hours. Omit it for the default 45.";

function configProblems(minutes: string): string[] {
  return clusterConfigProblems({ "ml-gitops:syncTimeoutMinutes": minutes });
}

describe("sync timeout contract", async () => {
  await mockRuntime();
  const { ArgoCd } = await import("../../components/argo-cd");
  const { Flux } = await import("../../components/flux");
  let n = 0;
  const argoCd = (syncTimeoutMinutes: number) =>
    problemsOf(
      () =>
        new ArgoCd(`argocd-${n++}`, {
          adminPasswordBcrypt: pulumi.secret(HASH),
          repo: { url: "https://github.com/acme/gitops.git", token: pulumi.secret("ghp_token"), modelsPath: "models/prod" },
          modelNamespaces: ["models"],
          syncTimeoutMinutes,
        }),
    );
  const flux = (timeoutMinutes: number) =>
    problemsOf(() => new Flux(`flux-${n++}`, { repo: { url: "https://github.com/acme/gitops.git", token: pulumi.secret("ghp_token") }, models: { path: "clusters/prod/models", timeoutMinutes } }));

  for (const [minutes, why] of [[29, "below the floor GPU nodes need"], [181, "above the ceiling a stuck sync may hold"]] as const) {
    it(`refuses ${minutes} minutes (${why}) with one message from Argo CD, Flux and the stack config`, () => {
      const message = `must be a whole number of minutes from 30 to 180 (got ${minutes}). ${WHY}`;
      assert.deepEqual(argoCd(minutes), [`syncTimeoutMinutes: ${message}`]);
      assert.deepEqual(flux(minutes), [`models.timeoutMinutes: ${message}`]);
      assert.deepEqual(configProblems(String(minutes)), [`${FILE}: ml-gitops:syncTimeoutMinutes: ${message}`]);
    });
  }

  it("accepts and refuses the same values in Argo CD, Flux and the stack config: the integers from 30 to 180", () => {
    const values = fc.oneof(fc.integer({ min: 25, max: 35 }), fc.integer({ min: 175, max: 185 }), fc.integer({ min: -10, max: 400 }), fc.double({ min: 29, max: 181, noNaN: true }));
    fc.assert(
      fc.property(values, (minutes) => {
        const expected = isWholeNumberIn(SYNC_TIMEOUT_MINUTES, minutes);
        assert.equal(argoCd(minutes).length === 0, expected, `ArgoCd, ${minutes}`);
        assert.equal(flux(minutes).length === 0, expected, `Flux, ${minutes}`);
        // The config holds what `pulumi config set` wrote: the number's text.
        assert.equal(configProblems(String(minutes)).length === 0, expected, `config, ${minutes}`);
      }),
      { numRuns: 80 },
    );
  });
});
