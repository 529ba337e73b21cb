/** What a contract check says, as the user reads it: the formatted problems of the one ValidationError thrown, or none. */
import assert from "node:assert/strict";
import { formatProblem, ValidationError } from "../../lib/errors";

export function problemsOf(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems.map(formatProblem);
  }
}
