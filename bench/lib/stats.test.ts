// Not run by `npm test` (bench/ only): `node --import tsx --test bench/lib/stats.test.ts`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMs, quantile, summarize } from "./stats";

describe("bench stats", () => {
  it("takes the middle value, or the mean of the two middle values, as the median", () => {
    assert.equal(summarize([3, 1, 2]).median, 2);
    assert.equal(summarize([4, 1, 3, 2]).median, 2.5);
  });

  it("interpolates quartiles linearly between neighbours", () => {
    assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
    assert.equal(quantile([10, 20], 0.75), 17.5);
  });

  it("reports min and max whatever the input order", () => {
    const s = summarize([5, 9, 1]);
    assert.deepEqual([s.min, s.max, s.n], [1, 9, 3]);
  });

  it("refuses an empty sample", () => {
    assert.throws(() => quantile([], 0.5), { message: "quantile of no values" });
  });

  it("prints milliseconds below a second and seconds above", () => {
    assert.equal(formatMs(840.4), "840 ms");
    assert.equal(formatMs(4212), "4.21 s");
  });
});
