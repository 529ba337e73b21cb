/**
 * The Kubernetes name rules of lib/names.ts against the cases upstream's validation names
 * (kubernetes/apimachinery@v0.34.2 pkg/util/validation/validation_test.go covers the same edges:
 * length limits, dots, leading digits and hyphens).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isKubernetesName, kubernetesNameProblem, type KubernetesNameRule } from "../../lib/names";

const CASES: readonly [string, { readonly [r in KubernetesNameRule]: boolean }][] = [
  ["models", { "dns1123-label": true, "dns1123-subdomain": true, "dns1035-label": true }],
  ["1-models", { "dns1123-label": true, "dns1123-subdomain": true, "dns1035-label": false }],
  ["kserve.io", { "dns1123-label": false, "dns1123-subdomain": true, "dns1035-label": false }],
  ["a".repeat(63), { "dns1123-label": true, "dns1123-subdomain": true, "dns1035-label": true }],
  ["a".repeat(64), { "dns1123-label": false, "dns1123-subdomain": true, "dns1035-label": false }],
  [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`, { "dns1123-label": false, "dns1123-subdomain": true, "dns1035-label": false }],
  [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`, { "dns1123-label": false, "dns1123-subdomain": false, "dns1035-label": false }],
  ["Models", { "dns1123-label": false, "dns1123-subdomain": false, "dns1035-label": false }],
  ["models-", { "dns1123-label": false, "dns1123-subdomain": false, "dns1035-label": false }],
  ["-models", { "dns1123-label": false, "dns1123-subdomain": false, "dns1035-label": false }],
  ["a..b", { "dns1123-label": false, "dns1123-subdomain": false, "dns1035-label": false }],
  ["my_name", { "dns1123-label": false, "dns1123-subdomain": false, "dns1035-label": false }],
  ["", { "dns1123-label": false, "dns1123-subdomain": false, "dns1035-label": false }],
];

describe("Kubernetes names", () => {
  for (const [value, expected] of CASES) {
    it(`judges ${JSON.stringify(value.length > 20 ? `${value.slice(0, 12)}…(${value.length})` : value)} by each rule`, () => {
      const got = Object.fromEntries((Object.keys(expected) as KubernetesNameRule[]).map((rule) => [rule, isKubernetesName(rule, value)]));
      assert.deepEqual(got, expected);
    });
  }

  it("says what is wrong with the rule written out, the value and the fix", () => {
    assert.deepEqual(kubernetesNameProblem("dns1123-label", "namespace name", "ml-gitops:modelsNamespace", "Models", "Name a namespace of its own, e.g. models."), {
      path: "ml-gitops:modelsNamespace",
      value: "Models",
      message: "is not a valid namespace name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
      fix: "Name a namespace of its own, e.g. models.",
    });
    assert.equal(kubernetesNameProblem("dns1123-label", "namespace name", "p", "models", "x"), undefined);
  });
});
