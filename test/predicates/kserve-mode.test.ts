import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kserveModeOf } from "../../lib/predicates/kserve-mode";

describe("KServe deployment mode", () => {
  const key = "serving.kserve.io/deploymentMode";
  const cases: [Record<string, string> | undefined, "Standard" | "Knative", string][] = [
    [{ [key]: "Standard" }, "Knative", "Standard"],
    [{ [key]: "RawDeployment" }, "Knative", "Standard"],
    [{ [key]: "Knative" }, "Standard", "Knative"],
    [{ [key]: "Serverless" }, "Standard", "Knative"],
    [undefined, "Standard", "Standard"],
    [{}, "Knative", "Knative"],
    [{ [key]: "ModelMesh" }, "Standard", "Standard"],
  ];
  for (const [annotations, def, want] of cases) {
    it(`${JSON.stringify(annotations)} with default ${def} is ${want}`, () => assert.equal(kserveModeOf(annotations, def), want));
  }
});
