/**
 * The Prometheus HTTP API client the KServe gate uses: one instant query, the vector's values
 * as Argo Rollouts would hand them to a condition (lib/analysis/conditions.ts).
 *
 * Failures are never a verdict: an unreachable server, an HTTP error, a query Prometheus
 * rejects or a result that is not a vector is a `PrometheusError`, which the CLI reports with
 * exit 2 (never a pass, never a refusal that looks like a failed canary).
 */
import { redactUrlCredentials } from "../errors";

export class PrometheusError extends Error {
  constructor(message: string) {
    // The addresses are checked (lib/contracts/monitoring.ts prometheusAddress) but the message
    // also quotes what the HTTP client said: no URL's credential is printed.
    super(redactUrlCredentials(message));
    this.name = "PrometheusError";
  }
}

export interface QueryOptions {
  /** Evaluation time. @default now (Prometheus's clock) */
  readonly time?: Date;
  /** Give up after this long. @default 10 000 ms */
  readonly timeoutMs?: number;
}

interface ApiResponse {
  readonly status?: string;
  readonly error?: string;
  readonly data?: { readonly resultType?: string; readonly result?: readonly { readonly value?: readonly [number, string] }[] };
}

/** Prometheus writes special floats as strings. */
function sampleValue(text: string): number {
  if (text === "NaN") return Number.NaN;
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** `GET /api/v1/query`: the values of the resulting vector, one per series (empty when none). */
export async function queryVector(baseUrl: string, query: string, options: QueryOptions = {}): Promise<number[]> {
  const url = new URL("api/v1/query", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  url.searchParams.set("query", query);
  if (options.time) url.searchParams.set("time", String(options.time.getTime() / 1000));
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = (err as Error).name === "TimeoutError" ? `no answer within ${options.timeoutMs ?? 10_000} ms` : (cause?.code ?? cause?.message ?? (err as Error).message);
    throw new PrometheusError(`Prometheus at ${baseUrl} is unreachable (${why})`);
  }
  let body: ApiResponse;
  try {
    body = (await response.json()) as ApiResponse;
  } catch {
    throw new PrometheusError(`Prometheus at ${baseUrl} answered HTTP ${response.status} without a JSON body: is this the Prometheus API?`);
  }
  if (!response.ok || body.status !== "success") {
    throw new PrometheusError(`Prometheus at ${baseUrl} refused the query (HTTP ${response.status}: ${body.error ?? "no error message"}): ${query}`);
  }
  if (body.data?.resultType !== "vector") {
    throw new PrometheusError(`Prometheus at ${baseUrl} returned a ${body.data?.resultType ?? "missing"} result, not a vector, for: ${query}`);
  }
  return (body.data.result ?? []).map((s) => sampleValue(s.value?.[1] ?? "NaN"));
}
