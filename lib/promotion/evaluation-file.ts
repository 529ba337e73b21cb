/**
 * Evaluation results as the evaluation job writes them:
 *
 *     { "metrics": { "mmlu": 0.81, "toxicity": 0.01 }, "dataset": "...", ... }
 *
 * Only `metrics` is read: an object of metric name to finite number. Other top-level keys
 * (dataset, run id, harness version) are allowed and ignored, so the job's own output can be
 * passed as is. A flat `{ "mmlu": 0.81 }` is refused rather than guessed at: with one shape, a
 * typo in `metrics` can't silently turn into "no metrics at all".
 */
import type { Problem } from "../errors";
import { ValidationError } from "../errors";
import type { Metrics } from "./checks";

const FIX = 'Write the results as { "metrics": { "<metric>": <number>, ... } }';

export function parseEvaluation(text: string, file: string): Metrics {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`evaluation results ${file}`, [{ file, path: "(json)", message: `is not JSON: ${(err as Error).message}`, fix: FIX }]);
  }
  const problems: Problem[] = [];
  const metrics = typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).metrics : undefined;
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) {
    problems.push({ file, path: "metrics", value: metrics, message: "must be an object of metric name to number", fix: FIX });
  } else {
    for (const [name, value] of Object.entries(metrics)) {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        problems.push({ file, path: `metrics.${name}`, value, message: "must be a finite number", fix: FIX });
      }
    }
  }
  if (problems.length > 0) throw new ValidationError(`evaluation results ${file}`, problems);
  return metrics as Metrics;
}
