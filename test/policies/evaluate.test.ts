import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, loadPackConfig, type PolicyResource } from "../../plan/policy/evaluate";
import { ValidationError } from "../../lib/errors";

const pod = (image: string, name = "p"): PolicyResource => ({ urn: `urn:${name}`, type: "kubernetes:core/v1:Pod", name, props: { spec: { containers: [{ image }] } } });

describe("evaluatePolicies", () => {
  it("applies enforcement levels config → policy → pack, and skips disabled policies", () => {
    assert.equal(evaluatePolicies([pod("nginx")])[0]!.level, "mandatory");
    assert.equal(evaluatePolicies([pod("nginx")], { "serving-image-digest": "advisory" })[0]!.level, "advisory");
    assert.equal(evaluatePolicies([pod("nginx")], { "serving-image-digest": { enforcementLevel: "remediate" } })[0]!.level, "mandatory");
    assert.deepEqual(evaluatePolicies([pod("nginx")], { "serving-image-digest": "disabled" }), []);
  });

  it("calls policies with CrossGuard-shaped args and merges config defaults", () => {
    const seen: unknown[] = [];
    const resourcePolicy: ResourceValidationPolicy = {
      name: "probe", description: "probe", configSchema: { properties: { limit: { type: "number", default: 3 }, other: { type: "string", default: "x" } } },
      validateResource: (args, report) => {
        seen.push([args.type, args.name, args.urn, args.opts.protect, args.opts.parent, args.getConfig()]);
        if (args.name === "skip") args.notApplicable("not for this one");
        report("found");
      },
    };
    const stackPolicy: StackValidationPolicy = {
      name: "stack-probe", description: "stack probe",
      validateStack: (args, report) => {
        const child = args.resources.find((r) => r.name === "child")!;
        seen.push([child.parent?.name, child.dependencies.map((d) => d.name), child.propertyDependencies.spec?.map((d) => d.name)]);
        report("stack finding", child.urn);
      },
    };
    const resources: PolicyResource[] = [
      { urn: "urn:parent", type: "my:component:Thing", name: "parent", props: {} },
      { urn: "urn:child", type: "kubernetes:core/v1:Pod", name: "child", props: {}, parent: "urn:parent", dependencies: ["urn:parent"], propertyDependencies: { spec: ["urn:parent"] } },
      { urn: "urn:skip", type: "kubernetes:core/v1:Pod", name: "skip", props: {} },
    ];
    const v = evaluatePolicies(resources, { probe: { limit: 7 } }, [resourcePolicy, stackPolicy]);
    assert.deepEqual(seen, [
      ["my:component:Thing", "parent", "urn:parent", false, undefined, { limit: 7, other: "x" }],
      ["kubernetes:core/v1:Pod", "child", "urn:child", false, "urn:parent", { limit: 7, other: "x" }],
      ["kubernetes:core/v1:Pod", "skip", "urn:skip", false, undefined, { limit: 7, other: "x" }],
      ["parent", ["parent"], ["parent"]],
    ]);
    assert.deepEqual(v.map((x) => [x.policy, x.level, x.name, x.message]), [
      ["probe", "mandatory", "parent", "found"],
      ["probe", "mandatory", "child", "found"],
      ["stack-probe", "mandatory", "child", "stack finding"],
    ]);
  });
});

describe("loadPackConfig", () => {
  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), "pack-config-")), "config.json");
    writeFileSync(path, content);
    return path;
  };

  it("accepts levels and valid policy config", () => {
    const config = { "model-canary-required": { maxInitialWeight: 10 }, "helm-release-pinned": "mandatory" };
    assert.deepEqual(loadPackConfig(file(JSON.stringify(config))), config);
  });

  it("names the file, key, value and fix of every problem", () => {
    const path = file(JSON.stringify({ "model-canary-required": { maxInitialWeight: 200, speed: 1 }, "no-such-policy": "advisory", "helm-release-pinned": "loud" }));
    assert.throws(() => loadPackConfig(path), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(err.problems.map((p) => [p.file, p.path, p.value, p.message]), [
        [path, "model-canary-required.speed", undefined, "must NOT have additional properties"],
        [path, "model-canary-required.maxInitialWeight", 200, "must be <= 100"],
        [path, "no-such-policy", undefined, "is not a policy of the ml-gitops pack"],
        [path, "helm-release-pinned", "loud", "is not an enforcement level"],
      ]);
      return true;
    });
  });

  it("refuses a file that is not JSON", () => {
    assert.throws(() => loadPackConfig(file("{")), /cannot be read as JSON/);
  });
});
