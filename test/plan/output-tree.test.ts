/** `plan --out DIR` writes only below DIR and removes only what an earlier run wrote. */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { isSafeRelative, OUTPUT_MANIFEST, OutputError, writeTree } from "../../lib/output-tree";
import { cli } from "../support/cli";
import { copyProject } from "../support/project-copy";

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(path.join(tmpdir(), "ml-gitops-out-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const tree = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("output tree", () => {
  it("writes files and a manifest, then removes only files it wrote that are no longer produced", () => {
    const base = scratch();
    const out = path.join(base, "plan");
    writeTree(out, tree({ "a/plan.json": "1", "a/manifests/x.yaml": "x", "summary.md": "s" }));
    mkdirSync(path.join(out, "a", "mine"), { recursive: true });
    writeFileSync(path.join(out, "a", "mine", "notes.txt"), "keep me");
    writeFileSync(path.join(out, "a", "manifests", "notes.txt"), "keep me too");
    const result = writeTree(out, tree({ "a/plan.json": "2", "summary.md": "s2" }));
    assert.deepEqual(result, { written: ["a/plan.json", "summary.md"], removed: ["a/manifests/x.yaml"] });
    assert.equal(readFileSync(path.join(out, "a", "plan.json"), "utf8"), "2");
    assert.equal(readFileSync(path.join(out, "a", "mine", "notes.txt"), "utf8"), "keep me");
    assert.equal(readFileSync(path.join(out, "a", "manifests", "notes.txt"), "utf8"), "keep me too");
    assert.deepEqual(JSON.parse(readFileSync(path.join(out, OUTPUT_MANIFEST), "utf8")).files, ["a/plan.json", "summary.md"]);
  });

  it("refuses to overwrite a file it did not write, listing every conflict before writing anything", () => {
    const out = scratch();
    writeFileSync(path.join(out, "summary.md"), "the user's notes");
    mkdirSync(path.join(out, "a"));
    writeFileSync(path.join(out, "a", "plan.json"), "theirs");
    assert.throws(() => writeTree(out, tree({ "a/plan.json": "1", "summary.md": "s", "b/new.json": "n" })), (err: Error) => {
      assert.ok(err instanceof OutputError);
      assert.equal(
        err.message,
        `--out ${out}: refusing to write:\n  - ${out}/a/plan.json exists and was not written by ml-gitops; move it away or choose another directory\n  - ${out}/summary.md exists and was not written by ml-gitops; move it away or choose another directory`,
      );
      return true;
    });
    assert.equal(existsSync(path.join(out, "b")), false);
    assert.equal(readFileSync(path.join(out, "summary.md"), "utf8"), "the user's notes");
  });

  it("takes over a plan directory written before manifests, replacing only the files it writes", () => {
    const out = scratch();
    writeFileSync(path.join(out, "summary.md"), "# ml-gitops plan\nold");
    mkdirSync(path.join(out, "a"));
    writeFileSync(path.join(out, "a", "old.yaml"), "old output, not produced any more");
    writeTree(out, tree({ "summary.md": "# ml-gitops plan\nnew" }), { legacy: { file: "summary.md", startsWith: "# ml-gitops plan\n" } });
    assert.equal(readFileSync(path.join(out, "summary.md"), "utf8"), "# ml-gitops plan\nnew");
    assert.ok(existsSync(path.join(out, "a", "old.yaml")), "never deleted: nothing proves it was ours");
  });

  it("refuses paths that leave the directory and symbolic links on the way", () => {
    const base = scratch();
    const out = path.join(base, "out");
    const outside = path.join(base, "outside");
    mkdirSync(outside);
    mkdirSync(out);
    symlinkSync(outside, path.join(out, "stack"));
    for (const rel of ["../escape.json", "/etc/passwd", "a/../../b", "./a", "a//b", ""]) {
      assert.throws(() => writeTree(out, tree({ [rel]: "x" })), new RegExp(`${JSON.stringify(rel).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not a plain relative path below`));
    }
    assert.throws(() => writeTree(out, tree({ "stack/plan.json": "x" })), /stack is a symbolic link; ml-gitops writes only real files below/);
    assert.deepEqual(readdirSync(outside), []);
  });

  it("fails fast on a virtual file system instead of spinning in mkdir", () => {
    const started = Date.now();
    assert.throws(() => writeTree("/proc/x", tree({ "a.json": "x" })), /--out \/proc\/x: \/proc is on a virtual file system \(\/proc, \/sys, \/dev\); write the plan to a directory of your own/);
    assert.ok(Date.now() - started < 1000);
  });

  it("accepts exactly the relative paths that stay below the base", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b.yaml", "..", ".", "", "/", "\\"), { minLength: 1, maxLength: 6 }), (parts) => {
        const rel = parts.join("/");
        const resolved = path.posix.resolve("/base", rel);
        if (isSafeRelative(rel)) assert.ok(resolved.startsWith("/base/") && path.posix.normalize(rel) === rel, rel);
      }),
    );
  });
});

describe("ml-gitops plan never reaches outside its tree", () => {
  it("refuses --stack names that are paths, before planning", async () => {
    const root = copyProject();
    dirs.push(root);
    for (const stack of ["..", "../stacks/x", "/etc/passwd"]) {
      const res = await cli(["plan", "--stack", stack, "--out", path.join(root, "out")], { cwd: root });
      assert.equal(res.code, 2, stack);
      assert.match(res.stderr, /--stack: is not a stack name: use letters, digits, "\.", "_" and "-", starting with a letter or digit/);
    }
  });

  it("refuses a stack file whose stack part is not a name (Pulumi....yaml)", async () => {
    const root = copyProject();
    dirs.push(root);
    writeFileSync(path.join(root, "stacks", "Pulumi....yaml"), "config: {}\n");
    const res = await cli(["plan", "--out", path.join(root, "out", "plan")], { cwd: root });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /stacks\/Pulumi\.\.\.\.yaml: \(file name\): is not a stack name/);
    assert.ok(existsSync(path.join(root, "stacks")));
  });

  it("fails fast on --out /proc/x with exit 2", async () => {
    const root = copyProject();
    dirs.push(root);
    const started = Date.now();
    const res = await cli(["plan", "--out", "/proc/x"], { cwd: root });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^ml-gitops plan: --out \/proc\/x: \/proc is on a virtual file system/);
    assert.ok(Date.now() - started < 2000, "before any stack is planned");
  });
});
