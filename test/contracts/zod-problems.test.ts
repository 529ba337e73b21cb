/**
 * One translation of zod issues (lib/zod-problems.ts translateZodIssues) for the stack config
 * parser and the declaration loader: the same issue reads the same from both, and a value that
 * is present is never called missing.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { formatProblem } from "../../lib/errors";
import { parseStackConfig } from "../../lib/config/stack-config";
import { zodProblems } from "../../lib/zod-problems";
import { problemsOf } from "./problems";

const FILE = "stacks/Pulumi.test.yaml";

function poolProblems(pool: Record<string, unknown>): string[] {
  const config = {
    "aws:region": "us-east-1",
    "ml-gitops:environment": "production",
    "ml-gitops:clusterName": "ml-test",
    "ml-gitops:privateSubnetIds": JSON.stringify(["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001b"]),
    "ml-gitops:gpuPools": JSON.stringify([{ name: "h100", amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["p5.48xlarge"], minSize: 0, maxSize: 2, ...pool }]),
    "ml-gitops:modelBucketName": "acme-test-models",
    "ml-gitops:delivery": "direct",
    "ml-gitops:gatewayClassName": "envoy",
  };
  return problemsOf(() => parseStackConfig(config, { stack: "test", file: FILE }, []));
}

describe("zod issues", () => {
  const schema = z.strictObject({ name: z.string(), size: z.number(), mode: z.enum(["a", "b"]).optional() });
  const problems = (input: unknown) => {
    const r = schema.safeParse(input);
    assert.ok(!r.success);
    return zodProblems(r.error, { prefix: "x:item", input, schema }).map(formatProblem);
  };

  it("says a wrong type is the wrong type, with the value received, not that the key is missing", () => {
    assert.deepEqual(problems({ name: 1, size: 2 }), ["x:item.name: must be a string (got 1). Write a string."]);
  });

  it("tells a number written as text to drop the quotes", () => {
    assert.deepEqual(problems({ name: "n", size: "2" }), ['x:item.size: must be a number (got "2"). Write a number, without quotes.']);
  });

  it("says a missing key is required and what to add", () => {
    assert.deepEqual(problems({ size: 2 }), ["x:item.name: is required. Add name: a string."]);
  });

  it("names the allowed values of an enum", () => {
    assert.deepEqual(problems({ name: "n", size: 2, mode: "c" }), ['x:item.mode: must be one of "a", "b" (got "c"). Use one of "a", "b".']);
  });

  it("suggests the field an unknown key was meant to be, without echoing its value", () => {
    assert.deepEqual(problems({ name: "n", size: 2, sise: 3 }), ['x:item.sise: is not a field of x:item. Did you mean "size"?']);
  });

  it("reads the same in the stack config as in declarations", () => {
    assert.deepEqual(poolProblems({ maxSize: "2" }), [`${FILE}: ml-gitops:gpuPools[0].maxSize: must be a number (got "2"). Write a number, without quotes.`]);
    assert.deepEqual(poolProblems({ diskSize: 100 }), [`${FILE}: ml-gitops:gpuPools[0].diskSize: is not a field of ml-gitops:gpuPools[0]. Did you mean "diskSizeGiB"?`]);
  });
});
