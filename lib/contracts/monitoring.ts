/**
 * The input contract of the Prometheus canary analyses read: which one (the stack config's
 * ml-gitops:monitoring and ml-gitops:prometheusUrl, a union so an external Prometheus always has
 * an address) and, when the stack installs it, the Monitoring component's args
 * (components/monitoring.ts). Pure: nothing here loads the Pulumi SDK.
 */
import { hasUrlCredential, type Problem } from "../errors";
import { helmTimeoutProblems } from "./helm-release";
import { pathIn } from "./validators";

/** Where canary analyses read metrics: the Prometheus the stack installs, or one that exists. */
export type MonitoringChoice = { readonly kind: "kube-prometheus-stack" } | { readonly kind: "external"; readonly prometheusUrl: string };

export const MONITORING_KINDS = ["kube-prometheus-stack", "external"] as const satisfies readonly MonitoringChoice["kind"][];

export interface MonitoringArgs {
  /** How long Prometheus keeps samples, as Prometheus writes durations. @default "15d" */
  readonly retention?: string;
  /** Helm wait for the release (the operator, its CRDs and Prometheus). @default 15 min */
  readonly helmTimeoutMinutes?: number;
}

export const MONITORING_DEFAULTS = { retention: "15d", helmTimeoutMinutes: 15 } as const;

/**
 * A retention Prometheus reads as `--storage.tsdb.retention.time`: a whole number and one unit.
 * Prometheus accepts ms/s/m too, but a retention shorter than an hour would drop the samples a
 * canary analysis reads before its next step; we admit h, d, w, y.
 */
export const PROMETHEUS_RETENTION = /^[1-9][0-9]*(h|d|w|y)$/;

/** Every problem with the Monitoring component's args, at `prefix` (nothing for the component). */
export function monitoringArgsProblems(args: MonitoringArgs, prefix = ""): Problem[] {
  const at = pathIn(prefix);
  const problems: Problem[] = [];
  const retention = args.retention ?? MONITORING_DEFAULTS.retention;
  if (!PROMETHEUS_RETENTION.test(retention)) {
    problems.push({ path: at("retention"), value: retention, message: "is not a Prometheus retention duration", fix: "Use hours, days, weeks or years, e.g. 15d." });
  }
  problems.push(...helmTimeoutProblems(args.helmTimeoutMinutes ?? MONITORING_DEFAULTS.helmTimeoutMinutes, MONITORING_DEFAULTS.helmTimeoutMinutes, at("helmTimeoutMinutes")));
  return problems;
}

/**
 * The choice of Prometheus from its two settings (`kind`, and the URL an external one needs),
 * or the problems with them, each at `prefix` + `prometheusUrl`. The URL's shape is the config
 * rule of prometheusAddress below, which the config key applies on its own; this is the rule
 * that binds the two settings.
 */
export function monitoringChoice(prefix: string, kind: MonitoringChoice["kind"], prometheusUrl: string | undefined): { choice: MonitoringChoice } | { problems: Problem[] } {
  const path = pathIn(prefix)("prometheusUrl");
  if (kind === "external") {
    if (prometheusUrl === undefined) {
      return { problems: [{ path, message: "is required with monitoring external", fix: "Name the Prometheus the analyses query, e.g. http://prometheus.monitoring.svc:9090, or use monitoring: kube-prometheus-stack." }] };
    }
    return { choice: { kind, prometheusUrl } };
  }
  if (prometheusUrl !== undefined) {
    return {
      problems: [
        {
          path,
          value: prometheusUrl,
          message: "conflicts with monitoring kube-prometheus-stack: the analyses query the Prometheus this stack installs",
          fix: "Remove prometheusUrl, or set monitoring: external to use your own Prometheus.",
        },
      ],
    };
  }
  return { choice: { kind } };
}

/**
 * The one rule for a Prometheus address the canary analyses query, whoever gives it: the stack
 * config's ml-gitops:prometheusUrl, ArgoRollouts' prometheusUrl (the controller's default) and
 * ModelDeployment's render.prometheusUrl (each AnalysisTemplate's provider.prometheus.address),
 * and the Prometheus `ml-gitops advance` queries for a KServe gate (--prometheus).
 * Returns the address as AnalysisTemplates should carry it (no trailing slash), or the problem.
 */
export function prometheusAddress(value: string, path = "prometheusUrl", example = "http://kube-prometheus-stack-prometheus.monitoring:9090"): { address: string } | { problem: Problem } {
  const fix = `Give the Prometheus base URL, e.g. ${example}.`;
  const problem = (message: string): { problem: Problem } => ({ problem: { path, value, message, fix } });
  // Never repeated, as for the GitOps repository (gitops-repo.ts): the value is the credential.
  if (hasUrlCredential(value)) return { problem: { path, message: "carries a credential in the URL (not repeated here)", fix: `Remove it from the URL, e.g. ${example}.` } };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problem("is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return problem("must be an http or https URL");
  if (url.search !== "" || url.hash !== "") return problem("must not have a query or fragment");
  return { address: value.replace(/\/+$/, "") };
}
