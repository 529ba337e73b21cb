/**
 * The checked-in scope table against the upstream CRDs. Uses ../shared/crds (the pinned CRD
 * files beside the project); skipped with a message when that directory is absent, as in a
 * user's clone.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { crdsAvailable, SHARED_CRDS_DIR } from "../../lib/k8s/crd-schema";
import { BUILT_IN_SCOPES, CUSTOM_RESOURCE_SCOPES, groupOf, scopeOf } from "../../lib/k8s/resource-scopes";

const skip = crdsAvailable() ? false : "../shared/crds is absent: the scope table cannot be compared with the upstream CRDs here";

function upstreamScopes(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(SHARED_CRDS_DIR).sort()) {
    for (const file of readdirSync(path.join(SHARED_CRDS_DIR, dir)).sort()) {
      if (!/\.ya?ml$/.test(file)) continue;
      // Only each document's head is parsed: spec.versions (the schemas, megabytes for KServe)
      // comes after group, names and scope in every CRD here and is not needed.
      for (const text of readFileSync(path.join(SHARED_CRDS_DIR, dir, file), "utf8").split(/^---\s*$/m)) {
        const head = text.split(/^ {2}versions:/m)[0]!;
        if (head.trim() === "") continue;
        const crd = parse(head) as { kind?: string; spec?: { group: string; scope: string; names: { kind: string } } } | null;
        if (crd?.kind === "CustomResourceDefinition" && crd.spec) out.push(`${crd.spec.group}/${crd.spec.names.kind}=${crd.spec.scope}`);
      }
    }
  }
  return out.sort();
}

describe("resource scopes", () => {
  it("equal the spec.scope of every CRD in ../shared/crds, no more and no fewer (uses ../shared/crds)", { skip }, () => {
    assert.deepEqual(CUSTOM_RESOURCE_SCOPES.map((s) => `${s.group}/${s.kind}=${s.scope}`).sort(), upstreamScopes());
  });

  it("list each kind once", () => {
    const keys = [...CUSTOM_RESOURCE_SCOPES, ...BUILT_IN_SCOPES].map((s) => `${s.group}/${s.kind}`);
    assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
  });

  it("answer cluster for LocalModelCache and Namespace, namespaced for Rollout and Service, nothing for an unknown kind", () => {
    assert.equal(scopeOf("serving.kserve.io", "LocalModelCache"), "Cluster");
    assert.equal(scopeOf("", "Namespace"), "Cluster");
    assert.equal(scopeOf("argoproj.io", "Rollout"), "Namespaced");
    assert.equal(scopeOf("", "Service"), "Namespaced");
    assert.equal(scopeOf("example.com", "Widget"), undefined);
  });

  it("take the group from apiVersion, the core group as empty", () => {
    assert.equal(groupOf("serving.kserve.io/v1alpha1"), "serving.kserve.io");
    assert.equal(groupOf("v1"), "");
  });
});
