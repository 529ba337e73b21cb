/**
 * The Prometheus contract (lib/contracts/monitoring.ts): the Monitoring component's args (one
 * message per one-field mistake) and the union of ml-gitops:monitoring and ml-gitops:prometheusUrl,
 * whose rule the stack config takes from the contract, so the contract and the config say it alike.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mockRuntime } from "../support/harness";
import { formatProblem, ValidationError } from "../../lib/errors";
import type { ClusterStackConfig } from "../../lib/config/stack-config";
import { MONITORING_DEFAULTS, monitoringArgsProblems, monitoringChoice, prometheusAddress, PROMETHEUS_RETENTION } from "../../lib/contracts/monitoring";
import { clusterConfigProblems, parseClusterConfig, problemsOf, STACK_FILE } from "./problems";

const FILE = STACK_FILE;

function parse(extra: Record<string, string>): ClusterStackConfig | string[] {
  const problems = clusterConfigProblems(extra);
  return problems.length > 0 ? problems : parseClusterConfig(extra);
}

describe("Monitoring args contract", async () => {
  await mockRuntime();
  const { Monitoring } = await import("../../components/monitoring");
  let n = 0;
  const component = (args: ConstructorParameters<typeof Monitoring>[1]): string => {
    try {
      new Monitoring(`monitoring-${n++}`, args);
      return "";
    } catch (err) {
      assert.ok(err instanceof ValidationError, String(err));
      return err.message;
    }
  };

  it("fills the defaults: 15 days of samples, a 15-minute Helm wait", () => {
    assert.deepEqual(MONITORING_DEFAULTS, { retention: "15d", helmTimeoutMinutes: 15 });
    assert.deepEqual(monitoringArgsProblems({}), []);
    assert.equal(component({}), "");
  });

  it("refuses a retention with a unit Prometheus reads but an analysis cannot live with, naming it", () => {
    assert.equal(component({ retention: "30m" }), 'Monitoring monitoring-1: 1 problem\n  - retention: is not a Prometheus retention duration (got "30m"). Use hours, days, weeks or years, e.g. 15d.');
  });

  it("refuses a Helm wait below a minute, naming the default", () => {
    assert.equal(component({ helmTimeoutMinutes: 0 }), "Monitoring monitoring-2: 1 problem\n  - helmTimeoutMinutes: must be a whole number of minutes, at least 1 (got 0). Omit it for the default 15.");
  });

  it("collects every problem at once, under the caller's prefix", () => {
    assert.deepEqual(monitoringArgsProblems({ retention: "1 week", helmTimeoutMinutes: 2.5 }, "monitoring").map(formatProblem), [
      'monitoring.retention: is not a Prometheus retention duration (got "1 week"). Use hours, days, weeks or years, e.g. 15d.',
      "monitoring.helmTimeoutMinutes: must be a whole number of minutes, at least 1 (got 2.5). Omit it for the default 15.",
    ]);
  });

  it("accepts exactly a positive whole number followed by one of h, d, w, y", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), fc.constantFrom("h", "d", "w", "y", "m", "s", "ms", "", "D"), (count, unit) => {
        const retention = `${count}${unit}`;
        const expected = count >= 1 && ["h", "d", "w", "y"].includes(unit);
        assert.equal(monitoringArgsProblems({ retention }).length === 0, expected, retention);
        assert.equal(PROMETHEUS_RETENTION.test(retention), expected, retention);
      }),
      { numRuns: 200 },
    );
  });
});

describe("Prometheus choice contract (ml-gitops:monitoring and ml-gitops:prometheusUrl)", () => {
  it("gives the installed Prometheus by default and an external one with its address", () => {
    assert.deepEqual(monitoringChoice("", "kube-prometheus-stack", undefined), { choice: { kind: "kube-prometheus-stack" } });
    assert.deepEqual(monitoringChoice("", "external", "http://prometheus.obs.svc:9090"), { choice: { kind: "external", prometheusUrl: "http://prometheus.obs.svc:9090" } });
    const parsed = parse({ "ml-gitops:monitoring": "external", "ml-gitops:prometheusUrl": "http://prometheus.obs.svc:9090" });
    assert.ok(!Array.isArray(parsed));
    assert.deepEqual(parsed.monitoring, { kind: "external", prometheusUrl: "http://prometheus.obs.svc:9090" });
  });

  it("refuses external without an address, with one message from the contract and the stack config", () => {
    const message =
      "prometheusUrl: is required with monitoring external. Name the Prometheus the analyses query, e.g. http://prometheus.monitoring.svc:9090, or use monitoring: kube-prometheus-stack.";
    const result = monitoringChoice("", "external", undefined);
    assert.ok("problems" in result);
    assert.deepEqual(result.problems.map(formatProblem), [message]);
    assert.deepEqual(parse({ "ml-gitops:monitoring": "external" }), [`${FILE}: ml-gitops:${message}`]);
  });

  it("refuses an address beside the installed Prometheus, with one message from the contract and the stack config", () => {
    const message =
      'prometheusUrl: conflicts with monitoring kube-prometheus-stack: the analyses query the Prometheus this stack installs (got "http://elsewhere:9090"). Remove prometheusUrl, or set monitoring: external to use your own Prometheus.';
    const result = monitoringChoice("", "kube-prometheus-stack", "http://elsewhere:9090");
    assert.ok("problems" in result);
    assert.deepEqual(result.problems.map(formatProblem), [message]);
    assert.deepEqual(parse({ "ml-gitops:prometheusUrl": "http://elsewhere:9090" }), [`${FILE}: ml-gitops:${message}`]);
  });

  it("reports a malformed address once, by the address rule, not again as missing", () => {
    assert.deepEqual(parse({ "ml-gitops:monitoring": "external", "ml-gitops:prometheusUrl": "prometheus:9090" }), [
      `${FILE}: ml-gitops:prometheusUrl: must be an http or https URL (got "prometheus:9090"). Give the Prometheus base URL, e.g. http://kube-prometheus-stack-prometheus.monitoring:9090.`,
    ]);
  });
});

describe("Prometheus address contract", async () => {
  await mockRuntime();
  const { ArgoRollouts } = await import("../../components/argo-rollouts");
  let n = 0;
  const rollouts = (prometheusUrl: string): string[] => {
    return problemsOf(() => new ArgoRollouts(`rollouts-${n++}`, { prometheusUrl }));
  };
  const config = (prometheusUrl: string): string[] => {
    const result = parse({ "ml-gitops:monitoring": "external", "ml-gitops:prometheusUrl": prometheusUrl });
    return Array.isArray(result) ? result.map((p) => p.slice(`${FILE}: ml-gitops:`.length)) : [];
  };
  const FIX = "Give the Prometheus base URL, e.g. http://kube-prometheus-stack-prometheus.monitoring:9090.";

  for (const [value, message] of [
    ["prometheus:9090", "must be an http or https URL"],
    ["not a url", "is not a URL"],
    ["http://prometheus:9090/?x=1", "must not have a query or fragment"],
  ] as const) {
    it(`refuses ${JSON.stringify(value)} with one message from ArgoRollouts and the stack config`, () => {
      const expected = `prometheusUrl: ${message} (got ${JSON.stringify(value)}). ${FIX}`;
      assert.deepEqual(rollouts(value), [expected]);
      assert.deepEqual(config(value), [expected]);
    });
  }

  it("accepts and refuses the same addresses in ArgoRollouts, the stack config and the contract", () => {
    const scheme = fc.constantFrom("http://", "https://", "ftp://", "", "http:/");
    const host = fc.constantFrom("prometheus.monitoring.svc:9090", "10.0.0.7:9090", "prom", "user:pw@prom:9090");
    const tail = fc.constantFrom("", "/", "/prometheus", "?q=up", "#top");
    fc.assert(
      fc.property(scheme, host, tail, (s, h, t) => {
        const url = `${s}${h}${t}`;
        const expected = !("problem" in prometheusAddress(url));
        assert.equal(rollouts(url).length === 0, expected, `ArgoRollouts, ${url}`);
        assert.equal(config(url).length === 0, expected, `config, ${url}`);
      }),
      { numRuns: 60 },
    );
  });
});
