/**
 * The layer rules (README "Architecture") over every import in the project, read with the
 * TypeScript compiler API (test/support/import-graph.ts). A failure names the file, the line
 * and the edge, or the cycle's path.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CODE_DIRS, cycles, edgesOf, importsOf, layerViolations, projectFiles, unresolved, type SourceFiles } from "../support/import-graph";

const ROOT = join(__dirname, "..", "..");
const edges = edgesOf(projectFiles(ROOT, CODE_DIRS));

const graph = (files: Record<string, string>): SourceFiles => new Map(Object.entries(files));

describe("the project's imports", () => {
  it("read enough of the project to mean something", () => {
    // A walker that silently found nothing would pass every rule below.
    const from = new Set(edges.map((e) => e.from.split("/")[0]));
    for (const layer of ["lib", "components", "policies", "plan", "cli", "infra"]) assert.ok(from.has(layer), `no import read from ${layer}/`);
    assert.ok(edges.length > 500, `only ${edges.length} imports read`);
  });

  it("follow the layers: lib/ → lib/ and the pack's kernel, components/ → lib/, policies/ → policies/, plan/ not → cli/, infra/ → lib/ and components/", () => {
    assert.deepEqual(layerViolations(edges), []);
  });

  it("form no cycle, type-only imports included", () => {
    assert.deepEqual(cycles(edges), []);
  });

  it("name only files that exist", () => {
    assert.deepEqual(unresolved(edges), []);
  });
});

describe("reading imports", () => {
  it("sees every form a dependency can take, with its line", () => {
    const text = [
      `import a from "./a";`,
      `import type { B } from "./b";`,
      `export * from "./c";`,
      `export { d } from "./d";`,
      `import e = require("./e");`,
      `const f = require("./f") as typeof import("./g");`,
      `type H = import("./h").H;`,
      `void import("./i");`,
      `const notAnImport = "./j";`,
    ].join("\n");
    assert.deepEqual(
      importsOf("x.ts", text).map((r) => `${r.line} ${r.kind} ${r.specifier}`),
      ["1 import ./a", "2 import type ./b", "3 export from ./c", "4 export from ./d", "5 import = require ./e", "6 require ./f", "6 typeof import ./g", "7 typeof import ./h", "8 import() ./i"],
    );
  });
});

describe("the layer rules", () => {
  it("refuse lib/ importing the pack outside its kernel, naming file, line and edge", () => {
    const e = edgesOf(graph({ "lib/x.ts": `\nimport { policies } from "../policies/pack";`, "policies/pack.ts": "" }));
    assert.deepEqual(layerViolations(e), [`lib/x.ts:2: lib/ must not import policies/: import "../policies/pack" (policies/pack.ts)`]);
  });

  it("allow lib/ to re-export the pack's kernel", () => {
    const e = edgesOf(graph({ "lib/predicates/p.ts": `export * from "../../policies/lib/predicates/p";`, "policies/lib/predicates/p.ts": "" }));
    assert.deepEqual(layerViolations(e), []);
  });

  it("refuse the kernel importing the rest of the pack", () => {
    const e = edgesOf(graph({ "policies/lib/k.ts": `import type { P } from "../pack";`, "policies/pack.ts": "" }));
    assert.deepEqual(layerViolations(e), [`policies/lib/k.ts:1: policies/lib/ must not import policies/: import type "../pack" (policies/pack.ts)`]);
  });

  it("refuse a type-only import against the layers as firmly as a value import", () => {
    const e = edgesOf(graph({ "lib/promotion/outcome.ts": `import type { ExitCode } from "../../cli/exit";`, "cli/exit.ts": "" }));
    assert.deepEqual(layerViolations(e), [`lib/promotion/outcome.ts:1: lib/ must not import cli/: import type "../../cli/exit" (cli/exit.ts)`]);
  });

  it("refuse plan/ importing cli/, also through a lazy require", () => {
    const e = edgesOf(graph({ "plan/p.ts": `const x = require("../cli/exit");`, "cli/exit.ts": "" }));
    assert.deepEqual(layerViolations(e), [`plan/p.ts:1: plan/ must not import cli/: require "../cli/exit" (cli/exit.ts)`]);
  });

  it("refuse components/ importing plan/ or policies/, and infra/ importing plan/", () => {
    const e = edgesOf(
      graph({
        "components/c.ts": `import "../plan/fixtures";\nexport { p } from "../policies/lib/k8s";`,
        "infra/i.ts": `import "../plan/fixtures";`,
        "plan/fixtures.ts": "",
        "policies/lib/k8s.ts": "",
      }),
    );
    assert.deepEqual(layerViolations(e), [
      `components/c.ts:1: components/ must not import plan/: import "../plan/fixtures" (plan/fixtures.ts)`,
      `components/c.ts:2: components/ must not import policies/lib/: export from "../policies/lib/k8s" (policies/lib/k8s.ts)`,
      `infra/i.ts:1: infra/ must not import plan/: import "../plan/fixtures" (plan/fixtures.ts)`,
    ]);
  });

  it("let cli/ import anything below it and npm packages everywhere", () => {
    const e = edgesOf(graph({ "cli/c.ts": `import "../plan/plan";\nimport "../lib/l";\nimport "commander";`, "lib/l.ts": `import "yaml";\nimport "node:fs";`, "plan/plan.ts": "" }));
    assert.deepEqual(layerViolations(e), []);
  });
});

describe("the cycle check", () => {
  it("reports a cycle through a type-only import with its path", () => {
    const e = edgesOf(
      graph({
        "lib/render/model-manifests.ts": `import { renderRollout } from "./rollout";`,
        "lib/render/rollout.ts": `import type { ModelView } from "./model-manifests";`,
      }),
    );
    assert.deepEqual(cycles(e), ["lib/render/model-manifests.ts → lib/render/rollout.ts → lib/render/model-manifests.ts"]);
  });

  it("reports the shortest path through a longer cycle and names every file in it", () => {
    const e = edgesOf(
      graph({
        "a.ts": `import "./b";`,
        "b.ts": `import "./c";`,
        "c.ts": `import "./a";\nimport "./d";`,
        "d.ts": `import "./b";`,
      }),
    );
    assert.deepEqual(cycles(e), ["a.ts → b.ts → c.ts → a.ts (cycle among 4 files: a.ts, b.ts, c.ts, d.ts)"]);
  });

  it("reports a file that imports itself, and nothing for a diamond", () => {
    assert.deepEqual(cycles(edgesOf(graph({ "s.ts": `export * from "./s";` }))), ["s.ts → s.ts"]);
    assert.deepEqual(cycles(edgesOf(graph({ "a.ts": `import "./b";\nimport "./c";`, "b.ts": `import "./d";`, "c.ts": `import "./d";`, "d.ts": "" }))), []);
  });

  it("reports an import of a file that does not exist", () => {
    assert.deepEqual(unresolved(edgesOf(graph({ "lib/a.ts": `import "./gone";` }))), [`lib/a.ts:1: import "./gone" names no file`]);
  });
});
