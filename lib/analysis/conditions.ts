/**
 * What a measurement means, decided once for Argo Rollouts' AnalysisTemplates and for the
 * KServe gate in `ml-gitops advance`.
 *
 * Argo Rollouts v1.9.1 hands a Prometheus vector to the conditions as `result`, a []float64 of
 * the samples' values, empty when the query matched nothing
 * (argoproj/argo-rollouts@v1.9.1:metricproviders/prometheus/prometheus.go, processResponse), and
 * evaluates them with antonmedv/expr v1.15.5 with `isNaN` in the environment
 * (utils/evaluate/evaluate.go, EvalCondition). Indexing an empty `result` is a run-time error,
 * which makes the measurement `Error`; enough consecutive errors abort a healthy canary. A
 * measurement whose success and failure conditions are both false is `Inconclusive`
 * (evaluate.go, EvaluateResult), which pauses the rollout instead of aborting it.
 *
 * So every condition first asks whether there is one real number (`len(result) == 1`, and `&&`
 * short-circuits before `result[0]`), then compares it. With no requests the queries give an
 * empty vector (no series) or NaN (0/0, or a quantile of empty buckets): neither condition holds,
 * the measurement is Inconclusive, and the canary holds its weight until a person decides.
 * +Inf (a quantile in the +Inf bucket) compares greater than any threshold: Failed.
 *
 * Bounds are upper (latency, errors, memory must stay at or below) or lower (throughput must
 * reach at least).
 */

/** The verdict of one measurement, named as Argo Rollouts names its phases. */
export type Verdict = "Successful" | "Failed" | "Inconclusive";

/** A threshold a measured value must stay at or below (`max`) or reach (`min`). */
export type Bound = { readonly max: number; readonly min?: undefined } | { readonly min: number; readonly max?: undefined };


/** One real number, or nothing usable. */
function single(values: readonly number[]): number | undefined {
  return values.length === 1 && !Number.isNaN(values[0]) ? values[0] : undefined;
}

/** The JavaScript twin of the rendered conditions: same inputs, same verdicts. */
export function verdict(values: readonly number[], bound: Bound): Verdict {
  const value = single(values);
  if (value === undefined) return "Inconclusive";
  const ok = bound.max !== undefined ? value <= bound.max : value >= bound.min!;
  return ok ? "Successful" : "Failed";
}

/** A number as expr reads it: no exponent, which expr v1.15 parses only in some forms. */
export function exprNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`threshold ${n} is not a finite number`);
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}

/** Argo Rollouts `successCondition` / `failureCondition` for a bound. */
export function argoConditions(bound: Bound): { successCondition: string; failureCondition: string } {
  const guard = "len(result) == 1 && !isNaN(result[0])";
  if (bound.max !== undefined) {
    const max = exprNumber(bound.max);
    return { successCondition: `${guard} && result[0] <= ${max}`, failureCondition: `${guard} && result[0] > ${max}` };
  }
  const min = exprNumber(bound.min);
  return { successCondition: `${guard} && result[0] >= ${min}`, failureCondition: `${guard} && result[0] < ${min}` };
}
