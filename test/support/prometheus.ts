/**
 * A real Prometheus for tests: Debian's `prometheus` and `promtool` (installed by .ci/run).
 * Synthetic series are written as OpenMetrics, backfilled into a fresh TSDB with
 * `promtool tsdb create-blocks-from openmetrics`, and served by a Prometheus on 127.0.0.1 that
 * scrapes nothing. Queries go through the same client the KServe gate uses.
 *
 * Facts this relies on (Prometheus 2.42, as Debian 12 ships it): blocks must exist before the
 * server starts (a running server does not pick up copied blocks at once); an instant query sees a
 * series only within 5 minutes after its last sample, so tests query at the last sample's time;
 * retention is raised so backfilled data is never deleted at start-up.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { queryVector } from "../../lib/analysis/prometheus";

const BINARIES = ["prometheus", "promtool"] as const;

function installed(binary: string): boolean {
  return spawnSync(binary, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * `false` when both binaries run; otherwise why the tests cannot run. In CI a missing binary is a
 * failure (.ci/run installs it), so callers use `requirePrometheus` there.
 */
export const PROMETHEUS_MISSING: false | string = BINARIES.every(installed)
  ? false
  : "Debian's prometheus package is not installed (apt-get install -y prometheus): the real-Prometheus analysis tests did not run";

/** Skip outside CI; in CI the missing binary fails the test with the same message. */
export const prometheusSkip: false | string = PROMETHEUS_MISSING && !process.env.CI ? PROMETHEUS_MISSING : false;

export function assertPrometheusInstalled(): void {
  if (PROMETHEUS_MISSING) throw new Error(PROMETHEUS_MISSING);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningPrometheus {
  readonly url: string;
  query(q: string, time: Date): Promise<number[]>;
  stop(): Promise<void>;
}

/** Backfills `openMetrics` (timestamps in seconds, ending `# EOF`) and starts a server over it. */
export async function startPrometheus(openMetrics: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "ml-gitops-prom-"));
  const input = join(dir, "series.om");
  const tsdb = join(dir, "tsdb");
  writeFileSync(input, openMetrics);
  const backfill = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", input, tsdb], { encoding: "utf8" });
  if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr || backfill.stdout}`);
  writeFileSync(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 15s\n");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    "prometheus",
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${tsdb}`, "--storage.tsdb.retention.time=3650d", `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${log.slice(-2000)}`);
    }
    try {
      const ready = await fetch(`${url}/-/ready`);
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready in 20 s: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, query: (q, time) => queryVector(url, q, { time }), stop };
}
