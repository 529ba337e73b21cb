import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { approvalRefusals, criteriaMisses, evaluationSummary } from "../../lib/promotion/checks";
import { parseEvaluation } from "../../lib/promotion/evaluation-file";
import { describeStep, stepLabel, weightAt } from "../../lib/promotion/steps";
import { ValidationError } from "../../lib/errors";

describe("evaluation criteria", () => {
  const criteria = [{ metric: "mmlu", min: 0.8 }, { metric: "toxicity", max: 0.02 }, { metric: "latency", min: 1, max: 2 }];

  it("accepts results within every bound, bounds inclusive", () => {
    assert.deepEqual(criteriaMisses(criteria, { mmlu: 0.8, toxicity: 0.02, latency: 2, other: 5 }), []);
  });

  it("names each miss with metric, value and bound, and counts a missing metric as a miss", () => {
    assert.deepEqual(criteriaMisses(criteria, { mmlu: 0.79, latency: 2.5 }), [
      "evaluation: mmlu = 0.79 is below the minimum 0.8",
      "evaluation: toxicity is missing from the results (criterion max 0.02); evaluate the candidate on toxicity and pass the results with --evaluation",
      "evaluation: latency = 2.5 is above the maximum 2",
    ]);
  });

  it("never takes an inherited property for a metric", () => {
    assert.equal(criteriaMisses([{ metric: "constructor", min: 0 }], {}).length, 1);
  });

  it("summarises results compactly for the Evaluation trailer", () => {
    assert.equal(evaluationSummary({ mmlu: 0.81, toxicity: 0.01 }), "mmlu=0.81, toxicity=0.01");
  });
});

describe("evaluation file", () => {
  it("reads metrics and ignores other top-level keys", () => {
    assert.deepEqual(parseEvaluation('{ "metrics": { "mmlu": 0.81 }, "dataset": "x" }', "e.json"), { mmlu: 0.81 });
  });

  it("refuses a flat object, non-numbers and non-JSON with the file and key", () => {
    assert.throws(() => parseEvaluation('{ "mmlu": 0.81 }', "e.json"), (e: ValidationError) => e.problems[0]!.path === "metrics" && e.problems[0]!.message === "must be an object of metric name to number");
    assert.throws(() => parseEvaluation('{ "metrics": { "a": "1", "b": null } }', "e.json"), (e: ValidationError) => e.problems.map((p) => p.path).join() === "metrics.a,metrics.b");
    assert.throws(() => parseEvaluation("nope", "e.json"), (e: ValidationError) => e.problems[0]!.path === "(json)");
  });
});

describe("approvals", () => {
  const approvals = { required: 2, approvers: ["ana", "bo", "cy"] };

  it("accepts enough distinct declared approvers", () => assert.deepEqual(approvalRefusals(approvals, ["ana", "cy"]), []));

  it("refuses unknown approvers and too few, counting duplicates once", () => {
    assert.deepEqual(approvalRefusals(approvals, ["ana", "ana", "eve"]), [
      "approval: eve is not in spec.promotion.approvals.approvers (ana, bo, cy); only declared approvers can approve",
      "approval: 2 approvals required, 1 given (ana); add --approved-by for approvers from ana, bo, cy",
    ]);
    assert.deepEqual(approvalRefusals({ required: 1, approvers: [] }, []), ["approval: 1 approval required, 0 given; add --approved-by for approvers from none declared"]);
  });

  it("needs nobody when none are required", () => assert.deepEqual(approvalRefusals({ required: 0, approvers: [] }, []), []));
});

describe("canary steps", () => {
  const steps = [{ setWeight: 10 }, { pause: { duration: "15m" } }, { analysis: "slo" }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }];

  it("gives the traffic of the last setWeight at or before a step", () => {
    assert.deepEqual(steps.map((_, i) => weightAt(steps, i)), [10, 10, 10, 50, 50, 100]);
    assert.equal(weightAt([{ pause: {} }, { setWeight: 20 }], 0), 0);
  });

  it("never decreases along steps whose weights increase", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), (weights) => {
        const s = [...weights].sort((a, b) => a - b).flatMap((w) => [{ setWeight: w }, { pause: {} }]);
        for (let i = 1; i < s.length; i++) assert.ok(weightAt(s, i) >= weightAt(s, i - 1));
      }),
    );
  });

  it("labels steps from 1 and describes them", () => {
    assert.equal(stepLabel(2, 7), "3/7");
    assert.deepEqual(steps.map(describeStep), ["setWeight 10", "pause 15m", "analysis slo", "setWeight 50", "pause (until advanced)", "setWeight 100"]);
  });
});
