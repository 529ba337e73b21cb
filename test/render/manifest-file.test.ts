import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { FIRST_CONTENT_LINE, manifestFile } from "../../lib/render/manifest-file";

describe("a rendered object as a GitOps file", () => {
  const obj = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "models" }, spec: { a: [1, 2] } };
  const file = manifestFile(obj, "clusters/c/models/x/configmap-x.yaml", "deployments/production/x.yaml");

  it("starts with a header naming the declaration it came from, then the object as YAML", () => {
    assert.equal(file.path, "clusters/c/models/x/configmap-x.yaml");
    assert.match(file.content, /^# Rendered by ml-gitops from deployments\/production\/x.yaml; edit the declaration, not this file.\n/);
    const docs = parseAllDocuments(file.content);
    assert.equal(docs.length, 1);
    assert.deepEqual(docs[0]!.toJS(), obj);
  });

  it("puts the object's first line at FIRST_CONTENT_LINE, the line the plan reports for it", () => {
    const lines = file.content.split("\n");
    assert.equal(lines.findIndex((l) => l.trim() !== "" && !l.startsWith("#")) + 1, FIRST_CONTENT_LINE);
    assert.equal(lines[FIRST_CONTENT_LINE - 1], "apiVersion: v1");
  });
});
