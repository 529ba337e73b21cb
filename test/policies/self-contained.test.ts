/**
 * `pulumi policy publish` packs policies/ alone (pulumi/pulumi@v3.248.0
 * pkg/backend/httpstate/policypack.go runs `npm pack` in the pack directory), and the service
 * installs policies/package.json's dependencies. So every module the pack loads must be inside
 * policies/ or declared there, and what the runner needs to compile it (typescript, the node
 * types its tsconfig names) must be declared too: without `typescript`, @pulumi/pulumi's
 * tsutils.js falls back to its vendored TypeScript 3.8.3.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { GPU_AMI_TYPES } from "../../lib/gpu/catalogue";
import { GPU_LABEL, GPU_TAINT, GPU_TAINT_K8S } from "../../lib/gpu/node-labels";
import { MODEL_DEPLOYMENT_TYPE } from "../../lib/deployments/types";
import * as platform from "../../policies/lib/platform";
import { PROJECT_ROOT } from "../support/project-copy";

const POLICIES = join(PROJECT_ROOT, "policies");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (e === "node_modules") return [];
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const packageName = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);

describe("the policy pack as published", () => {
  const pkg = JSON.parse(readFileSync(join(POLICIES, "package.json"), "utf8")) as { main: string; dependencies: Record<string, string> };
  const root = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

  it("imports nothing from outside policies/ and only packages policies/package.json declares", () => {
    const problems: string[] = [];
    for (const file of sources(POLICIES)) {
      const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
      for (const { fileName: spec } of info.importedFiles) {
        const where = relative(PROJECT_ROOT, file);
        if (spec.startsWith(".")) {
          const target = resolve(dirname(file), spec);
          if (relative(POLICIES, target).startsWith("..")) problems.push(`${where} imports ${spec}, outside policies/`);
        } else if (!builtinModules.includes(spec.replace(/^node:/, "")) && !(packageName(spec) in pkg.dependencies)) {
          problems.push(`${where} imports ${spec}, which policies/package.json does not declare`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it("declares what the runner needs to compile it, at the versions the repository tests", () => {
    for (const name of ["@pulumi/policy", "@pulumi/pulumi", "typescript", "@types/node"]) {
      assert.ok(name in pkg.dependencies, `${name} is not declared in policies/package.json`);
      assert.equal(pkg.dependencies[name], root.dependencies[name] ?? root.devDependencies[name], `${name} differs from the root package.json`);
      assert.match(pkg.dependencies[name]!, /^\d+\.\d+\.\d+$/, `${name} is not pinned exactly`);
    }
    assert.equal(pkg.main, "index.ts");
  });

  it("compiles with its own tsconfig.json, standing alone (the runner does not follow extends)", () => {
    const config = ts.readConfigFile(join(POLICIES, "tsconfig.json"), ts.sys.readFile);
    assert.equal(config.error, undefined);
    assert.equal((config.config as { extends?: unknown }).extends, undefined);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, POLICIES);
    // The runner spreads these over its defaults (module nodenext...), so they must be explicit.
    assert.equal(parsed.options.module, ts.ModuleKind.CommonJS);
    assert.equal(parsed.options.strict, true);
    const program = ts.createProgram([join(POLICIES, "index.ts")], { ...parsed.options, noEmit: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(diagnostics, []);
  });

  it("keeps its copies of the platform constants equal to the program's", () => {
    assert.deepEqual([...platform.NVIDIA_AMI_TYPES], [...GPU_AMI_TYPES]);
    assert.equal(platform.GPU_LABEL_KEY, GPU_LABEL);
    assert.deepEqual(platform.GPU_TAINT, GPU_TAINT);
    assert.deepEqual(platform.GPU_TAINT_K8S, GPU_TAINT_K8S);
    assert.equal(platform.MODEL_DEPLOYMENT_TYPE, MODEL_DEPLOYMENT_TYPE);
  });

  it("compiles from what npm pack puts in the published tarball alone", () => {
    // GIVEN the tarball `pulumi policy publish` uploads (npm pack in policies/), unpacked elsewhere
    const out = mkdtempSync(join(tmpdir(), "policy-pack-"));
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], { cwd: POLICIES, encoding: "utf8" }).trim().split("\n").pop()!;
    execFileSync("tar", ["xzf", join(out, tarball), "-C", out]);
    const unpacked = join(out, "package");
    // with its dependencies installed (here: the repository's, which the versions above equal)
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(unpacked, "node_modules"), "dir");
    const packed = sources(unpacked).map((f) => relative(unpacked, f)).sort();
    assert.deepEqual(packed, sources(POLICIES).map((f) => relative(POLICIES, f)).sort());
    // WHEN it is compiled there with its own tsconfig.json, THEN nothing is missing
    const config = ts.readConfigFile(join(unpacked, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, unpacked);
    const program = ts.createProgram([join(unpacked, "index.ts")], { ...parsed.options, noEmit: true });
    assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")), []);
    assert.ok(program.getSourceFiles().filter((f) => !f.isDeclarationFile).every((f) => !relative(unpacked, f.fileName).startsWith("..")), "a source outside the tarball was compiled");
  });
});
