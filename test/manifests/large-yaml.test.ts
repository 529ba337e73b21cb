/** Reading manifests takes time linear in their size, and still refuses duplicate keys. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseManifests } from "../../lib/manifests/read";

function configMap(keys: number): string {
  const lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: big", "data:"];
  for (let i = 0; i < keys; i++) lines.push(`  key${i}: "value-${i}-${"x".repeat(60)}"`);
  return `${lines.join("\n")}\n`;
}

function millis(text: string): number {
  const started = process.hrtime.bigint();
  const { objects } = parseManifests(text, "big.yaml");
  assert.equal(objects.length, 1);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe("reading large manifests", () => {
  it("grows linearly with a single map's size (four times the keys, well under sixteen times the time)", () => {
    millis(configMap(2000)); // warm up the parser
    const small = Math.min(millis(configMap(4_000)), millis(configMap(4_000)));
    const large = Math.min(millis(configMap(16_000)), millis(configMap(16_000)));
    // Linear: about 4x. The library's own duplicate-key check made it quadratic: about 16x.
    assert.ok(large / small < 9, `4k keys: ${small.toFixed(0)} ms, 16k keys: ${large.toFixed(0)} ms (ratio ${(large / small).toFixed(1)})`);
  });

  it("still skips a document with a key written twice, at the second key's line", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  y: '2'\n  x: '3'\n";
    assert.deepEqual(parseManifests(text, "dup.yaml"), { objects: [], failures: [{ file: "dup.yaml", line: 8, reason: "does not parse as YAML: Map keys must be unique" }] });
  });
});
