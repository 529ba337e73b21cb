/**
 * The fast YAML path (lib/manifests/fast-yaml.ts, js-yaml) against the reference, the `yaml`
 * library as lib/manifests/read.ts has always used it: whenever the fast path answers, the
 * objects and lines are the reference's; when it cannot be sure it declines. Inputs: the objects
 * the renderers write for every sample declaration (as GitOps files), hand-written edge cases,
 * generated documents (fast-check), and ../shared/corpus when it is there.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { clustersOf } from "../../lib/config/environment-clusters";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { mayHoldTemplate, parseManifests, parseManifestsWithYaml } from "../../lib/manifests/read";
import { parseFastYaml, parseFastYamlMany, resolvePlain } from "../../lib/manifests/fast-yaml";
import { manifestFile } from "../../lib/render/manifest-file";
import { renderModel, type RenderContext } from "../../lib/render/model-manifests";
import { PROJECT_ROOT } from "../support/project-copy";

const context = (env: string) => ({ gpuPools: [], defaultKServeMode: "Standard" as const, clusters: () => clustersOf(PROJECT_ROOT, env) });
const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus:9090" };

/** Same answer as the reference; returns whether the fast path answered. */
function agrees(text: string): boolean {
  const reference = parseManifestsWithYaml(text, "f.yaml");
  assert.deepEqual(parseManifests(text, "f.yaml"), reference, text);
  const fast = parseFastYaml(text);
  return fast !== undefined && reference.failures.length === 0 && fast.length === reference.objects.length;
}

function rendered(): string[] {
  return ["production", "staging"].flatMap((env) =>
    readdirSync(join(PROJECT_ROOT, "deployments", env))
      .sort()
      .flatMap((f) => {
        const file = `deployments/${env}/${f}`;
        const d = loadDeploymentFile(file, readFileSync(join(PROJECT_ROOT, file), "utf8"), context(env));
        return renderModel(d, { ...CTX, delivery: "argocd" }).map((o) => manifestFile(o, "x.yaml", file).content);
      }),
  );
}

describe("the fast YAML path (js-yaml)", () => {
  it("reads every rendered GitOps file itself, with the reference's objects and lines", () => {
    const files = rendered();
    assert.ok(files.length > 30);
    const answered = files.filter(agrees).length;
    assert.equal(answered, files.length, "every file the renderers write is in the subset");
    const joined = files.join("---\n");
    assert.ok(agrees(joined), "and all of them as one multi-document file");
  });

  it("reads every sample declaration, with the yaml library's default schema, as yaml.parse does", () => {
    for (const env of ["production", "staging"]) {
      for (const f of readdirSync(join(PROJECT_ROOT, "deployments", env))) {
        const text = readFileSync(join(PROJECT_ROOT, "deployments", env, f), "utf8");
        assert.deepEqual(parseFastYaml(text, "core")?.map((d) => d.value), [parse(text)], f);
      }
    }
    assert.deepEqual(parseFastYaml("a: 0755\nb: 1_000\n", "core")?.[0]!.value, parse("a: 0755\nb: 1_000\n"));
  });

  it("resolves plain scalars as the yaml core schema with the Kubernetes cases does", () => {
    const cases: [string, unknown][] = [["~", null], ["null", null], ["True", true], ["FALSE", false], ["yes", "yes"], ["on", "on"], ["0755", 493], ["-010", -8], ["1_000", 1000], ["0o17", 15], ["0x1F", 31], ["09", 9], ["+5", 5], ["1.5", 1.5], ["1e3", 1000], [".inf", Infinity], ["-.Inf", -Infinity], ["1:20", "1:20"], ["2025-01-01", "2025-01-01"], ["v1.2", "v1.2"]];
    for (const [src, want] of cases) {
      assert.deepEqual(resolvePlain(src), want, src);
      assert.ok(agrees(`apiVersion: v1\nkind: ConfigMap\ndata:\n  k: ${src}\n`), src);
    }
  });

  it("agrees on quoting, comments, block scalars and empty collections", () => {
    const texts = [
      `# c\n---\napiVersion: v1 # trailing\nkind: "Config\\tMap"\nmetadata:\n  name: 'it''s'\n  labels: {}\ndata:\n  script: |\n    echo a\n\n    echo b\n  strip: |-\n    x\n  list: []\n`,
      `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n`,
      `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    args:\n    - "--x=\\u00e9"\n    - -y\n  - name: b\n`,
      `apiVersion: v1\nkind: Pod\n---\n---\n# only a comment\n---\napiVersion: v2\nkind: Pod\n`,
      `apiVersion: v1\nkind: Pod\nx: a long\n  query, folded\n\n  after a blank\ny:\n- first\n  second\n- k: v\n    w\n`,
      `apiVersion: v1\nkind: Pod\nx: a\n  # a comment ends it\n`,
      `apiVersion: v1\nkind: Pod\nx: { min: 1, max: 4 }   # c\ny: [a, "b,c", 'd', [1, 0755, ~], {k: v}, {}, []]\nz: [a:b, http://x]\n`,
      `apiVersion: v1\nkind: Pod\nx: [a,\n  b]\nslo:\n  {\n    interval: 1m,\n    count: 5\n  }\nz: 1\n`,
      `apiVersion: v1\nkind: Pod\nx: "multi  \n   line\n\n  \\t 'q' \\" end" # c\ny: 'it''s\n  folded'\n`,
    ];
    for (const t of texts) agrees(t);
    assert.equal(agrees(texts[0]!), true);
    assert.equal(agrees(texts[4]!), true, "multi-line plain scalars, as yaml folds long queries");
    assert.equal(agrees(texts[6]!), true, "one-line flow collections");
    assert.equal(agrees(texts[7]!), true, "flow collections over several lines");
    assert.equal(agrees(texts[8]!), true, "multi-line quoted scalars");
  });

  it("declines anchors, aliases, tags, directives, merge keys, keys that are not strings, keys written twice and empty documents, and the reference reads them", () => {
    const texts = [
      `apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: a\nspec: *m\n`,
      `apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: a\n`,
      `apiVersion: v1\nkind: Pod\nx: !!binary aGk=\n`,
      `apiVersion: v1\nkind: Pod\nx: !custom a\n`,
      `apiVersion: v1\nkind: Pod\n<<: {a: 1}\n`,
      `apiVersion: v1\nkind: Pod\n"<<": {a: 1}\n`,
      `apiVersion: v1\nkind: Pod\nkind: Pod\n`,
      `apiVersion: v1\nkind: Pod\nx: {a: 1, a: 2}\n`,
      `apiVersion: v1\nkind: Pod\n1: one\n`,
      `apiVersion: v1\nkind: Pod\ntrue: one\n`,
      `apiVersion: v1\nkind: Pod\n__proto__: {a: 1}\n`,
      `apiVersion: v1\nkind: Pod\nx: {{ .Values.x }}\n`,
      `%YAML 1.2\n---\napiVersion: v1\nkind: Pod\n`,
      `apiVersion: v1\nkind: Pod\n---\n`,
      `apiVersion: v1\nkind: Pod\n---\n---\napiVersion: v1\nkind: Pod\n`,
      `apiVersion: v1\nkind: Pod\nx: - a\n`,
      `apiVersion: v1\nkind: Pod\nx: @at\n`,
      // Read differently by js-yaml (a line break; a document marker) and refused or read as content by the reference:
      `apiVersion: v1\nkind: Pod\nx: a\rb: c\n`,
      `apiVersion: v1\nkind: Pod\nx: a\r`,
      ` ---\napiVersion: v1\nkind: Pod\n`,
      `apiVersion: v1\nkind: Pod\n  ...\n`,
      `# c\n...\napiVersion: v1\nkind: Pod\n`,
      `apiVersion: v1\nkind: Pod\nx:\n  a: 1\n  # c\n\t`,
    ];
    for (const t of texts) {
      assert.equal(parseFastYaml(t), undefined, t);
      agrees(t);
    }
  });

  it("reads, with the reference's objects and lines, what the hand-written reader it replaced declined", () => {
    const texts = [
      `apiVersion: v1\nkind: Pod\nx: [a, # comment\n  b]\n`,
      `apiVersion: v1\nkind: Pod\nx: [a, b, ]\n`,
      `apiVersion: v1\nkind: Pod\nx: [a: b]\n`,
      `apiVersion: v1\nkind: Pod\nx: >\n  folded\n\n  text\n`,
      `apiVersion: v1\nkind: Pod\nx: "escaped \\\n  line break"\n`,
      `apiVersion: v1\r\nkind: Pod\r\n`,
      `apiVersion: v1\nkind: Pod\nx: |+\n  keep\n\n`,
      `\ufeffapiVersion: v1\nkind: Pod\n`,
      `apiVersion: v1\nkind: Pod\nx: a\u2028b\ny: a\u0085b\n`,
      `apiVersion: v1\nkind: Pod\nx:\ta\n`,
      `apiVersion: v1\nkind: Pod\nx: 1e400\ny: ${"9".repeat(400)}\n`,
      `apiVersion: v1\nkind: Pod\n? complex\n: v\n`,
      `apiVersion: v1\nkind: Pod\ny: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\e\\/"\n`,
      `# leading\n\n---\n# inside\napiVersion: v1\nkind: Pod\n---\n  apiVersion: v1\n  kind: Pod\n`,
    ];
    for (const t of texts) assert.equal(agrees(t), true, t);
  });

  it("resolves any plain scalar as the yaml library does, under both schemas (property)", () => {
    const plain = fc.stringMatching(/^[-+.0-9a-fA-FxoeEnNtTuUlLsS_:~]{1,8}$/);
    fc.assert(
      fc.property(plain, (s) => {
        let core: { k: unknown } | undefined;
        try {
          core = parse(`k: ${s}\n`, { logLevel: "error" }) as { k: unknown };
        } catch {
          core = undefined; // not a plain scalar there (`k: :`): nothing to compare
        }
        if (core && typeof core === "object" && (core.k === null || typeof core.k !== "object")) assert.deepEqual(resolvePlain(s, "core"), core.k, s);
        const text = `apiVersion: v1\nkind: ConfigMap\ndata:\n  k: ${s}\n`;
        const reference = parseManifestsWithYaml(text, "f.yaml");
        if (reference.failures.length === 0) assert.deepEqual(resolvePlain(s, "kubernetes"), (reference.objects[0]!.object.data as { k: unknown }).k, s);
        agrees(text);
      }),
      { numRuns: 1000 },
    );
  });

  it("agrees with the reference on generated documents in every style the yaml library writes (property)", () => {
    const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._\/-]{0,12}$/);
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constantFrom("yes", "0755", "1_0", "~", "a: b", "#x", "- x", "x\ny", "x\n", "'q'", '"d"', "{{ t }}", "é\u2028"));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 3 })),
    })).node;
    const doc = fc.record({ apiVersion: fc.constant("v1"), kind: fc.constantFrom("ConfigMap", "Pod"), data: fc.dictionary(key, value, { maxKeys: 4 }) });
    const options = fc.record({ collectionStyle: fc.constantFrom("any", "block", "flow") as fc.Arbitrary<"any">, indentSeq: fc.boolean(), defaultStringType: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_LITERAL") as fc.Arbitrary<"PLAIN">, lineWidth: fc.constantFrom(0, 20, 80) });
    let answered = 0;
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), options, (docs, o) => {
        const text = docs.map((d) => stringify(d, o)).join("---\n");
        if (agrees(text)) answered++;
        // The declaration loader reads one document with the library's default schema.
        const core = parseFastYaml(stringify(docs[0], o), "core");
        if (core) assert.deepEqual(core[0]!.value, parse(stringify(docs[0], o)));
      }),
      { numRuns: 400 },
    );
    assert.ok(answered > 50, `the fast path answered only ${answered} of 400`);
  });

  it("agrees with the reference on every rendered file with a line removed, duplicated, cut, re-indented or given a YAML indicator (property)", () => {
    const files = rendered();
    const indicators = [":", "- ", "#", "\"", "'", "[", "{", "}", "]", "&a ", "*a", "!", "|", ">", "? ", "\t", "%", "@", "`", ",", "{{ x }}", "---", "...", "<<: "];
    let answered = 0;
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.nat(), fc.nat(), fc.constantFrom("remove", "duplicate", "cut", "indent", "dedent", "insert"), fc.constantFrom(...indicators), (file, n, m, edit, indicator) => {
        const lines = file.split("\n");
        const i = n % lines.length;
        const line = lines[i]!;
        if (edit === "remove") lines.splice(i, 1);
        else if (edit === "duplicate") lines.splice(i, 0, line);
        else if (edit === "cut") lines[i] = line.slice(0, m % (line.length + 1));
        else if (edit === "indent") lines[i] = ` ${line}`;
        else if (edit === "dedent") lines[i] = line.replace(/^ /, "");
        else {
          const at = m % (line.length + 1);
          lines[i] = line.slice(0, at) + indicator + line.slice(at);
        }
        if (agrees(lines.join("\n"))) answered++;
      }),
      { numRuns: 1500 },
    );
    assert.ok(answered > 300, `the fast path answered only ${answered} of 1500`);
  });

  it("looks for templates in every text a string holding {{ can be read from, in every scalar style (property)", () => {
    const styles = ["PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_LITERAL", "BLOCK_FOLDED"] as const;
    const piece = fc.constantFrom("{", "}", "{{", "x", " ", "\n", "\\", "\t", "é");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.constantFrom(...styles), fc.integer({ min: 8, max: 40 }), fc.boolean(), (pieces, style, lineWidth, escapeBraces) => {
        const value = pieces.join("");
        let text = stringify({ apiVersion: "v1", kind: "ConfigMap", data: { k: value } }, { defaultStringType: style, lineWidth, minContentWidth: 4 });
        // A double-quoted scalar can spell a brace as an escape.
        if (escapeBraces) text = `apiVersion: v1\nkind: ConfigMap\ndata:\n  k: "${JSON.stringify(value).slice(1, -1).replace(/\{/g, "\\x7b")}"\n`;
        let read: { data: { k: unknown } };
        try {
          read = parse(text) as typeof read;
        } catch {
          return; // yaml 2.9.1's stringify can fold a double-quoted `\` into an invalid escape: nothing is read from such a text
        }
        if (typeof read.data.k === "string" && read.data.k.includes("{{")) assert.ok(mayHoldTemplate(text), text);
      }),
      { numRuns: 2000 },
    );
  });

  describe("reading many texts together (parseFastYamlMany)", () => {
    /** Texts that would read differently if one text's end ran into the next one's start. */
    const EDGES = [
      "",
      "# only a comment\n",
      "a: 1",
      "a: |\n  no line break at the end",
      "a: |+\n  kept\n\n",
      "a: >-\n  folded\n  lines\n",
      "\ufeffa: 1\n",
      'a: "open quote\n',
      "a: 'open quote\n",
      "a: [1,\n",
      "a: {b: 1,\n",
      "- a\n- b\n",
      "---\n",
      "a: 1\n---\n",
      "--- a\n",
      "%YAML 1.2\n---\na: 1\n",
      "%YAML 1.2\n",
      "a: &x 1\nb: *x\n",
      "? a\n",
      "a:\n  b: 1\n c: 2\n",
      "plain\n  continued\n",
      "a: 1\n...\n",
      "kind: ConfigMap\napiVersion: v1\nmetadata: { name: x }\n",
    ];

    it("answers for every text as parseFastYaml answers for it alone, whatever its neighbours (property)", () => {
      const files = rendered();
      const text = fc.oneof(fc.constantFrom(...files), fc.constantFrom(...EDGES), fc.tuple(fc.constantFrom(...files), fc.nat(), fc.constantFrom(...EDGES)).map(([f, n, e]) => {
        const lines = f.split("\n");
        lines.splice(n % lines.length, 0, e);
        return lines.join("\n");
      }));
      fc.assert(
        fc.property(fc.array(text, { minLength: 1, maxLength: 150 }), (texts) => {
          assert.deepEqual(parseFastYamlMany(texts), texts.map((t) => parseFastYaml(t)));
        }),
        { numRuns: 300 },
      );
    });

    it("reads every edge case after every other, and a valid text after each, as each alone", () => {
      const valid = rendered()[0]!;
      for (const a of EDGES) {
        for (const b of [...EDGES, valid]) {
          const texts = [valid, a, b, valid];
          assert.deepEqual(parseFastYamlMany(texts), texts.map((t) => parseFastYaml(t)), JSON.stringify(texts.slice(1, 3)));
        }
      }
    });

    it("answers for hundreds of valid texts, one chunk after another, with each document's line in its own text", () => {
      const files = rendered();
      const texts = Array.from({ length: 300 }, (_, i) => files[i % files.length]!);
      const many = parseFastYamlMany(texts);
      assert.ok(many.every((docs) => docs !== undefined && docs.length > 0));
      assert.deepEqual(many, texts.map((t) => parseFastYaml(t)));
    });
  });

  const corpus = join(PROJECT_ROOT, "..", "shared", "corpus");
  it("agrees on every file of ../shared/corpus (skipped when ../shared is absent)", { skip: existsSync(corpus) ? false : `${corpus} not found: real-world manifests not checked` }, () => {
    const walk = (d: string): string[] => readdirSync(d).sort().flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : /\.(ya?ml|json)$/.test(e) ? [join(d, e)] : []));
    const texts = walk(corpus).map((f) => readFileSync(f, "utf8"));
    assert.ok(texts.length > 100);
    for (const t of texts) agrees(t);
    assert.deepEqual(parseFastYamlMany(texts), texts.map((t) => parseFastYaml(t)), "read together as each alone");
  });

  it("agrees on the files of ../shared/corpus with two YAML indicators inserted anywhere (property; skipped when ../shared is absent)", { skip: existsSync(corpus) ? false : `${corpus} not found: real-world manifests not checked` }, () => {
    const walk = (d: string): string[] => readdirSync(d).sort().flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : /\.(ya?ml|json)$/.test(e) ? [join(d, e)] : []));
    const texts = walk(corpus).map((f) => readFileSync(f, "utf8")).filter((t) => t.length < 20_000);
    const indicator = fc.constantFrom(":", "- ", "#", '"', "'", "[", "{", "}", "]", "&a ", "*a", "!", "|", ">", "? ", "\t", "%", "@", ",", "---", "...", "<<: ", " ", "\\", "\r", "\n", "\u2028", "0", "~");
    const edit = fc.tuple(fc.nat(), fc.nat(), indicator);
    fc.assert(
      fc.property(fc.constantFrom(...texts), edit, edit, (text, ...edits) => {
        for (const [n, m, ind] of edits) {
          const lines = text.split("\n");
          const i = n % lines.length;
          const at = m % (lines[i]!.length + 1);
          lines[i] = lines[i]!.slice(0, at) + ind + lines[i]!.slice(at);
          text = lines.join("\n");
        }
        agrees(text);
      }),
      { numRuns: 1500 },
    );
  });
});
