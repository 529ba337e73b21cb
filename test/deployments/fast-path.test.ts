/**
 * The loader's fast path (yaml.parse, positions only for problems) must decide exactly what the
 * full path (a Document with positions) decides: the same declaration for a valid file, the same
 * problems, byte for byte, for a broken one. Property test over every sample declaration with a
 * line removed, duplicated or altered, plus the cases each kind of problem takes.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { checkFile, checkFileWithPositions, type Checked } from "../../lib/deployments/loader";
import type { DeploymentContext } from "../../lib/deployments/validate";
import { clustersOf } from "../../lib/config/environment-clusters";
import { PROJECT_ROOT } from "../support/project-copy";

// Production's sample declares region waves: they are checked against the project's stacks.
const CONTEXT: DeploymentContext = { gpuPools: [], defaultKServeMode: "Standard", clusters: () => clustersOf(PROJECT_ROOT, "production") };
const SAMPLES = ["production", "staging"].flatMap((env) =>
  readdirSync(join(PROJECT_ROOT, "deployments", env))
    .sort()
    .map((f) => ({ file: `deployments/${env}/${f}`, text: readFileSync(join(PROJECT_ROOT, "deployments", env, f), "utf8") })),
);

/** What a caller sees of a check: the declaration, the problems, and where metadata.name is. */
function outcome(c: Checked): unknown {
  return { deployment: c.deployment, problems: c.problems, name: c.source?.nameIfAny(), at: c.source?.at(["metadata", "name"]) };
}

function sameDecision(file: string, text: string): void {
  assert.deepEqual(outcome(checkFile(file, text, CONTEXT)), outcome(checkFileWithPositions(file, text, CONTEXT)), `${file}:\n${text}`);
}

describe("the declaration loader's fast path", () => {
  it("loads every sample declaration as the full path does", () => {
    assert.ok(SAMPLES.length >= 7);
    for (const s of SAMPLES) {
      assert.equal(checkFile(s.file, s.text, CONTEXT).problems.length, 0, s.file);
      sameDecision(s.file, s.text);
    }
  });

  it("reports a YAML error, a duplicate key, an empty file, an unresolved alias, a schema error and a cross-field problem as the full path does", () => {
    const s = SAMPLES[0]!;
    const variants = [
      s.text.replace("metadata:", "metadata: [unclosed"),
      s.text.replace(/^(\s*)name: (.*)$/m, "$1name: $2\n$1name: $2"),
      "",
      "# nothing\n",
      s.text.replace(/^spec:/m, "spec:\n  surprise: 1"),
      s.text.replace(/^(\s*)name: .*$/m, "$1name: renamed-model"),

      // An alias to an anchor never set: the yaml library parses it and throws only in toJS.
      s.text.replace(/^(\s*)name: (.*)$/m, "$1name: *unset"),
    ];
    for (const text of variants) {
      assert.ok(checkFile(s.file, text, CONTEXT).problems.length > 0, text);
      sameDecision(s.file, text);
    }
  });

  it("decides like the full path for any line removed, duplicated, cut short or given a YAML indicator (property)", () => {
    const indicator = fc.constantFrom(":", "- ", "#", '"', "'", "[", "{", "}", "&a ", "*a", "!!str ", "|", ">", "? ", "\t", "%", "@", ",", "---", "<<: ", " ", "\r", "~", "0");
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.nat(), fc.constantFrom("remove", "duplicate", "cut", "insert"), fc.nat(), indicator, (s, n, edit, m, ind) => {
        const lines = s.text.split("\n");
        const i = n % lines.length;
        if (edit === "remove") lines.splice(i, 1);
        else if (edit === "duplicate") lines.splice(i, 0, lines[i]!);
        else if (edit === "cut") lines[i] = lines[i]!.slice(0, Math.floor(lines[i]!.length / 2));
        else {
          const at = m % (lines[i]!.length + 1);
          lines[i] = lines[i]!.slice(0, at) + ind + lines[i]!.slice(at);
        }
        sameDecision(s.file, lines.join("\n"));
      }),
      { numRuns: Number(process.env.FAST_PATH_RUNS ?? 600) },
    );
  });
});
