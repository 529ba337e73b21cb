/**
 * The policy pack over generated resources, in-process through evaluatePolicies, as plan and
 * check call it. Only the evaluation is timed; generation is not. The generated fleet is fully
 * compliant, so any violation means a relation did not resolve and the benchmark stops.
 */
import { evaluatePolicies } from "../plan/policy/evaluate";
import { summarize, type Summary } from "./lib/stats";
import { generateResources, type Templates } from "./lib/policy-resources";

export interface PolicyResult {
  readonly resources: number;
  readonly ms: Summary;
  readonly perSecond: number;
}

export interface PolicyOptions {
  readonly sizes: readonly number[];
  readonly repetitions: number;
  /** Stop repeating a size once its runs have taken this long (at least one run always happens). */
  readonly budgetMs: number;
  readonly log: (line: string) => void;
}

export function benchPolicy(templates: Templates, options: PolicyOptions): PolicyResult[] {
  // Warm the JIT on a small fleet so the first size does not pay for compilation alone.
  evaluatePolicies(generateResources(templates, 500));
  return options.sizes.map((size) => {
    const resources = generateResources(templates, size);
    // The budget is steady-state throughput: untimed passes over this very fleet first, until
    // V8 has optimized the paths it takes (a 1k fleet is still being compiled in its first
    // runs). A 100k pass warms itself.
    for (let i = 0; i < Math.ceil(20_000 / size); i++) evaluatePolicies(resources);
    const samples: number[] = [];
    while (samples.length < options.repetitions && (samples.length === 0 || samples.reduce((a, b) => a + b, 0) < options.budgetMs)) {
      const start = process.hrtime.bigint();
      const violations = evaluatePolicies(resources);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (violations.length > 0) {
        throw new Error(`policy benchmark: ${violations.length} violations on a compliant fleet of ${size}, first: ${violations[0]!.policy}: ${violations[0]!.message}`);
      }
    }
    const ms = summarize(samples);
    options.log(`  policy ${size}: ${samples.map((s) => s.toFixed(0)).join(", ")} ms`);
    return { resources: size, ms, perSecond: size / (ms.median / 1000) };
  });
}
