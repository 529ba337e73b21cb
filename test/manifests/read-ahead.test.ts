/**
 * Files read ahead on a second thread (lib/manifests/read-ahead.ts): the caller gets every file's
 * text, in order and grouped as asked, as if it had read them itself; an unreadable file is its
 * error in its place; a caller that stops early leaves no thread waiting.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { readInGroups, type ReadResult } from "../../lib/manifests/read-ahead";
import { readManifests } from "../../lib/manifests/read";

let dir = "";
const FILES = 60;
const paths: string[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "ml-gitops-read-ahead-"));
  for (let i = 0; i < FILES; i++) {
    const file = join(dir, `f-${String(i).padStart(3, "0")}.yaml`);
    // Sizes differ from file to file, a few past one read buffer (64 KiB).
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  v: "${"é".repeat((i * 977) % 40_000)}"\n`);
    paths.push(file);
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(file: string): string {
  try {
    readFileSync(file, "utf8");
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${file} is readable`);
}

const all = (files: readonly string[], group: number): ReadResult[][] => [...readInGroups(files, group)];

describe("files read ahead of the parsing", () => {
  it("are every file's text, in order, in groups of the size asked, for any count and group size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FILES }), fc.integer({ min: 1, max: 9 }), (count, group) => {
        const files = paths.slice(0, count);
        const groups = all(files, group);
        assert.deepEqual(groups.map((g) => g.length), files.length === 0 ? [] : Array.from({ length: Math.ceil(count / group) }, (_, i) => Math.min(group, count - i * group)));
        assert.deepEqual(groups.flat(), files.map((f) => readFileSync(f, "utf8")));
      }),
      { numRuns: 25 },
    );
  });

  it("give an unreadable file its error in its place, on either thread", () => {
    const missing = join(dir, "missing.yaml");
    const subdir = join(dir, "a-directory.yaml");
    mkdirSync(subdir, { recursive: true });
    // First group: read by the caller; later groups: by the reader thread.
    const files = [missing, ...paths.slice(0, 7), subdir, ...paths.slice(7, 9)];
    const got = all(files, 4).flat();
    assert.deepEqual(got[0], { error: errorOf(missing) });
    assert.deepEqual(got[8], { error: errorOf(subdir) });
    assert.deepEqual(got.filter((t) => typeof t === "string"), [...paths.slice(0, 9)].map((f) => readFileSync(f, "utf8")));
  });

  it("stop the reader when the caller stops early", async () => {
    let taken = 0;
    for (const group of readInGroups(paths, 3)) {
      taken += group.length;
      if (taken >= 6) break;
    }
    assert.equal(taken, 6);
    // Nothing is left running: the reader was terminated (and was never keeping the process alive).
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(process.getActiveResourcesInfo().filter((r) => r === "MessagePort" || r === "Worker").length, 0);
  });

  it("give readManifests every file's objects in order, past one group (a thread reads the rest)", () => {
    const many = join(dir, "many");
    mkdirSync(many);
    const count = 700;
    for (let i = 0; i < count; i++) writeFileSync(join(many, `m-${String(i).padStart(4, "0")}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m-${i}\n`);
    const set = readManifests([many]);
    assert.equal(set.files, count);
    assert.deepEqual(set.failures, []);
    assert.deepEqual(set.objects.map((o) => [o.file, o.line, (o.object.metadata as { name: string }).name]), Array.from({ length: count }, (_, i) => [join(many, `m-${String(i).padStart(4, "0")}.yaml`), 1, `m-${i}`]));
  });
});
