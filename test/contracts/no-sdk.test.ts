/**
 * The contracts are pure (README "Architecture"): the stack config, the offline checks and the
 * CLI check args without paying for the Pulumi SDK. A contract that imported @pulumi/pulumi for
 * a value (not `import type`) would pass the layer test and fail this one.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("the input contracts", () => {
  it("load without loading any @pulumi package", () => {
    const files = readdirSync(join(ROOT, "lib", "contracts")).filter((f) => f.endsWith(".ts"));
    assert.ok(files.length >= 10, `only ${files.length} contracts found`);
    const script = `
      for (const f of ${JSON.stringify(files)}) require("./lib/contracts/" + f);
      const pulumi = Object.keys(require.cache).filter((k) => k.includes("node_modules/@pulumi/"));
      process.stdout.write(JSON.stringify(pulumi));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8" })) as string[];
    assert.deepEqual(loaded, []);
  });
});
