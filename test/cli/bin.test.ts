import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../support/project-copy";

interface Build {
  staleness(root: string): string | undefined;
  build(root: string): number;
}
// scripts/build.cjs is plain JavaScript run by node before anything is compiled.
const { staleness, build } = require(join(PROJECT_ROOT, "scripts", "build.cjs")) as Build;

describe("bin/ml-gitops", () => {
  it("runs from any directory, with nothing resolved against the working directory", () => {
    // GIVEN a working directory with no node_modules
    const cwd = mkdtempSync(join(tmpdir(), "ml-gitops-bin-"));
    try {
      // WHEN the command runs there
      const result = spawnSync(process.execPath, [join(PROJECT_ROOT, "bin", "ml-gitops"), "--help"], { cwd, encoding: "utf8" });
      // THEN it starts (building dist/ if needed) and prints its usage
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^Usage: ml-gitops/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("bin/ml-gitops runs what it loads lazily (compiled CommonJS, not tsx)", () => {
  // Commands load their heavy modules inside their action; a dynamic import() would work under
  // tsx and fail in dist/. These run the built command itself.
  const bin = (args: string[], cwd = PROJECT_ROOT) => spawnSync(process.execPath, [join(PROJECT_ROOT, "bin", "ml-gitops"), ...args], { cwd, encoding: "utf8" });

  it("plans a stack", () => {
    const result = bin(["plan", "--stack", "staging-us-west-2", "--policy-config", "policies/config.json"]);
    assert.equal(result.status, 0, result.stderr);
    // The artifact store it reads is planned first.
    assert.match(result.stdout, /\nplan: 2 stacks, no mandatory violations\n$/);
  });

  it("reads the pack config for promote", () => {
    // A directory that is no git repository: promote must get as far as saying so (exit 2), not crash.
    const cwd = mkdtempSync(join(tmpdir(), "ml-gitops-bin-promote-"));
    try {
      const result = bin(["promote", "m", "--env", "production", "--version", "v2", "--uri", `s3://b/m/sha256-${"a".repeat(64)}/`, "--policy-config", join(PROJECT_ROOT, "policies", "config.json"), "--root", cwd], cwd);
      assert.equal(result.status, 2, result.stderr);
      assert.doesNotMatch(result.stderr, /Cannot find module/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("the build", () => {
  it("compiles the sources into dist/ with the same tree, and rebuilds only when a source changed", () => {
    // GIVEN a project with one source file
    const root = mkdtempSync(join(tmpdir(), "ml-gitops-build-"));
    try {
      writeFileSync(join(root, "package.json"), "{}\n");
      writeFileSync(join(root, "tsconfig.json"), "{}\n");
      mkdirSync(join(root, "lib", "k8s"), { recursive: true });
      writeFileSync(join(root, "lib", "k8s", "a.ts"), "export const a: number = 1;\n");
      assert.equal(staleness(root), "dist/ has not been built");
      // WHEN it is built
      assert.equal(build(root), 1);
      // THEN the JavaScript sits at the same path under dist/ and the build is current
      assert.ok(existsSync(join(root, "dist", "lib", "k8s", "a.js")));
      assert.equal(staleness(root), undefined);
      // and a source edited later, or a new source, makes it stale
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(root, "lib", "k8s", "a.ts"), later, later);
      assert.equal(staleness(root), "lib/k8s/a.ts changed since the build");
      build(root);
      writeFileSync(join(root, "lib", "b.ts"), "export const b = 2;\n");
      assert.equal(staleness(root), "sources were added or removed (1 built, 2 now)");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
