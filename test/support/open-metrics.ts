/**
 * Synthetic series in the OpenMetrics text format `promtool tsdb create-blocks-from openmetrics`
 * reads: one TYPE line per family, each series' samples in time order, timestamps in seconds,
 * `# EOF` at the end.
 */

/** The scrape interval our PodMonitors use. */
export const STEP_SECONDS = 15;

/** OpenMetrics text: families with their TYPE line, each series' samples in time order. */
export class OpenMetrics {
  /** @param end the last sample's time, in seconds; samples every 15 s over the two hours before it. */
  constructor(private readonly end: number, private readonly historySeconds = 2 * 3600) {}

  private readonly families = new Map<string, { type: string; lines: string[] }>();

  private family(name: string, type: string): string[] {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { type, lines: [] }));
    return f.lines;
  }

  /** A counter growing by `increment(step)` each step. */
  counter(name: string, labels: Record<string, string>, increment: (step: number) => number): void {
    const lines = this.family(name, "counter");
    let total = 0;
    this.steps((i, t) => {
      total += increment(i);
      lines.push(`${name}_total{${fmt(labels)}} ${total} ${t}`);
    });
  }

  /** A gauge reading `value(step)` at each step. */
  gauge(name: string, labels: Record<string, string>, value: (step: number) => number): void {
    const lines = this.family(name, "gauge");
    this.steps((i, t) => lines.push(`${name}{${fmt(labels)}} ${value(i)} ${t}`));
  }

  /** A histogram observing `count(step)` requests of `latency` seconds each step. */
  histogram(name: string, labels: Record<string, string>, bounds: readonly number[], latency: number, count: (step: number) => number): void {
    const lines = this.family(name, "histogram");
    const buckets = bounds.map(() => 0);
    let n = 0;
    let sum = 0;
    this.steps((i, t) => {
      const c = count(i);
      bounds.forEach((le, b) => (buckets[b]! += latency <= le ? c : 0));
      n += c;
      sum += c * latency;
      bounds.forEach((le, b) => lines.push(`${name}_bucket{${fmt({ ...labels, le: String(le) })}} ${buckets[b]} ${t}`));
      lines.push(`${name}_bucket{${fmt({ ...labels, le: "+Inf" })}} ${n} ${t}`);
      lines.push(`${name}_count{${fmt(labels)}} ${n} ${t}`);
      lines.push(`${name}_sum{${fmt(labels)}} ${sum} ${t}`);
    });
  }

  private steps(each: (i: number, t: number) => void): void {
    const n = Math.floor(this.historySeconds / STEP_SECONDS);
    for (let i = 0; i <= n; i++) each(i, this.end - this.historySeconds + i * STEP_SECONDS);
  }

  toString(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) out.push(`# TYPE ${name} ${f.type}`, ...f.lines);
    return `${out.join("\n")}\n# EOF\n`;
  }
}

function fmt(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
}

