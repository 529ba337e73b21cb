/**
 * Load only what runs: the program's help lists every command from its light entry
 * (cli/commands/index.ts) and loads none of them; a command loads its own module only; and
 * `--help`, `status`, `history` and `check` never load `@pulumi/pulumi`. The last runs the built
 * command (bin/ml-gitops, CommonJS in dist/) with a preloaded hook that writes every module the
 * process loaded, as users run it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { after, describe, it } from "node:test";
import { Command, Help } from "commander";
import { COMMANDS } from "../../cli/commands";
import { requestedCommand } from "../../cli/main";
import { PROJECT_ROOT } from "../support/project-copy";

describe("the light command entries", () => {
  for (const entry of COMMANDS) {
    it(`list ${entry.name} exactly as its module registers it`, () => {
      const program = new Command();
      entry.load()(program, () => undefined);
      assert.equal(program.commands.length, 1);
      const cmd = program.commands[0]!;
      assert.deepEqual({ name: cmd.name(), term: new Help().subcommandTerm(cmd), summary: cmd.description() }, { name: entry.name, term: entry.term, summary: entry.summary });
    });
  }

  it("find the command to load: the first word, or the word after help; nothing for help alone or an unknown word", () => {
    assert.equal(requestedCommand(["status", "--json"]), "status");
    assert.equal(requestedCommand(["--json", "history", "m"]), "history");
    assert.equal(requestedCommand(["help", "check"]), "check");
    assert.equal(requestedCommand(["plan", "--stack", "status"]), "plan");
    assert.equal(requestedCommand(["--help"]), undefined);
    assert.equal(requestedCommand([]), undefined);
    assert.equal(requestedCommand(["statu"]), undefined);
  });
});

describe("the built command loads only what runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "ml-gitops-lazy-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const hook = join(dir, "loaded.cjs");
  // Written at exit: every module in the CommonJS cache, which is every module the process loaded.
  writeFileSync(hook, `process.on("exit", () => require("node:fs").writeFileSync(process.env.ML_GITOPS_LOADED, Object.keys(require.cache).join("\\n")));\n`);
  const run = (args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } => {
    const out = join(dir, `loaded-${args[0]}.txt`);
    const r = spawnSync(process.execPath, ["--require", hook, join(PROJECT_ROOT, "bin", "ml-gitops"), ...args], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, ML_GITOPS_LOADED: out } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded: readFileSync(out, "utf8").split("\n") };
  };
  const pulumiSdk = (loaded: string[]) => loaded.filter((f) => f.includes(`${sep}node_modules${sep}@pulumi${sep}pulumi${sep}`));
  const commandModules = (loaded: string[]) =>
    loaded
      .filter((f) => f.includes(`${sep}dist${sep}cli${sep}commands${sep}`))
      .map((f) => f.slice(f.lastIndexOf(sep) + 1))
      .sort();

  const cases: [string, string[], string[], RegExp][] = [
    ["--help", ["--help"], ["index.js"], /^Usage: ml-gitops/],
    ["status", ["status", "--env", "production"], ["index.js", "status.js"], /^ENVIRONMENT\s+MODEL/],
    ["history", ["history", "fraud-detector", "--env", "production"], ["history.js", "index.js"], /fraud-detector/],
    ["check", ["check", "deployments/production"], ["check.js", "index.js"], /^\d+ objects in \d+ files: 0 mandatory/m],
  ];
  for (const [label, args, modules, output] of cases) {
    it(`runs ${label} without loading @pulumi/pulumi, and loads no other command`, () => {
      const r = run(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, output);
      assert.deepEqual(pulumiSdk(r.loaded), []);
      assert.deepEqual(commandModules(r.loaded), modules);
    });
  }

  it("runs status over declarations with region waves without the yaml library: stack files take the fast path", () => {
    const r = run(["status", "--env", "production"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /llama-3-70b-instruct/);
    assert.deepEqual(r.loaded.filter((f) => f.includes(`${sep}node_modules${sep}yaml${sep}`)), []);
  });

  it("sees @pulumi/pulumi when a command does load it (the check can fail)", () => {
    const r = run(["plan", "--stack", "staging-us-west-2", "--policy-config", "policies/config.json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(pulumiSdk(r.loaded).length > 0);
  });
});
