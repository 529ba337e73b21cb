/** Summaries of repeated measurements: median and spread, never a mean (one slow outlier would move it). */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Interquartile range bounds (linear interpolation, as numpy's default). */
  readonly q1: number;
  readonly q3: number;
}

/** The q-quantile (0..1) of sorted values, interpolating linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("quantile of no values");
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
}

/** Milliseconds as a short human figure: `840 ms`, `4.21 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatMiB(kib: number): string {
  return `${(kib / 1024).toFixed(0)} MiB`;
}

/** `median (min–max)`: the spread says how much to trust the median on a noisy machine. */
export function formatSummary(s: Summary, format: (v: number) => string = formatMs): string {
  return s.n === 1 ? `${format(s.median)} (1 run)` : `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}
