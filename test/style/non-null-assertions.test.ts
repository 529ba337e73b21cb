/**
 * No `!` non-null assertions in infra/, the components, the renderers (lib/render/) or the input
 * contracts (lib/contracts/): an assertion there stands in
 * for a union the types should carry (create/attach, argocd/flux/direct, vllm/kserve), and it
 * fails far from the rule it assumes. Parsed with the TypeScript compiler API, so comments,
 * strings and `!==` never count.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const GUARDED = ["infra", "components", "lib/render", "lib/contracts"];

function sources(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return sources(path);
      return entry.endsWith(".ts") && !entry.endsWith(".d.ts") ? [path] : [];
    });
}

/** `file:line: text` of every NonNullExpression in the source. */
export function nonNullAssertions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNonNullExpression(node)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${file}:${line + 1}: ${node.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("non-null assertions", () => {
  it("finds a `!` assertion and names its file and line, but not `!==`, `!x` or a `!` in a string", () => {
    const text = ['const a = x !== undefined && !y;', 'const s = "serving.vllm!";', "const v = serving.vllm!;", "const w = list[0]!.name;"].join("\n");
    assert.deepEqual(nonNullAssertions("lib/render/example.ts", text), ["lib/render/example.ts:3: serving.vllm!", "lib/render/example.ts:4: list[0]!"]);
  });

  for (const dir of GUARDED) {
    it(`refuses any in ${dir}/, naming file:line`, () => {
      const files = sources(join(ROOT, dir));
      assert.ok(files.length > 0, `${dir}/ has TypeScript sources`);
      const found = files.flatMap((f) => nonNullAssertions(relative(ROOT, f), readFileSync(f, "utf8")));
      assert.deepEqual(found, [], `narrow with the unions instead of asserting:\n${found.join("\n")}`);
    });
  }
});
