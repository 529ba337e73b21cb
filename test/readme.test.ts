import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_KEYS } from "../lib/config/keys";
import { commands } from "../cli/commands";
import { policies } from "../policies/pack";
import { Command } from "commander";
import { PROJECT_ROOT } from "./support/project-copy";

const README = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");

describe("README", () => {
  it("starts with the two commands a newcomer runs: set up and plan, then test", () => {
    const firstBlock = /^# ml-gitops\n\n```sh\n([\s\S]*?)```/.exec(README)?.[1] ?? "";
    const lines = firstBlock.trim().split("\n").map((l) => l.replace(/\s+#.*$/, ""));
    assert.deepEqual(lines, ["npm ci && npm run plan", "npm test"]);
    const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    assert.ok(scripts.plan && scripts.test, "package.json defines plan and test");
    assert.match(readFileSync(join(PROJECT_ROOT, ".ci/run"), "utf8"), /^npm ci\b.*\n^npm test$/m);
  });

  it("documents every config key", () => {
    for (const key of Object.keys(CONFIG_KEYS)) assert.match(README, new RegExp("`ml-gitops:" + key + "`"), key);
  });

  it("documents every policy of the pack", () => {
    for (const policy of policies) assert.match(README, new RegExp("\\| `" + policy.name + "` \\|"), policy.name);
  });

  it("documents every CLI command", () => {
    const program = new Command();
    for (const register of commands) register(program, () => undefined);
    for (const c of program.commands) assert.match(README, new RegExp(`ml-gitops(\\s--)?\\s${c.name()}\\b`), c.name());
  });
});
