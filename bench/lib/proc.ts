/** Runs a benchmarked child process and measures it from outside: wall-clock and peak RSS. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MAXRSS_HOOK = join(__dirname, "maxrss.cjs");

export interface ChildRun {
  readonly wallMs: number;
  /** Peak RSS of the child in KiB, from the maxrss.cjs hook. */
  readonly maxRssKiB: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildSpec {
  /** Node arguments after the executable, e.g. ["--import", "tsx", "cli/main.ts", "plan"]. */
  readonly nodeArgs: readonly string[];
  readonly cwd: string;
}

/** Spawns `node --require maxrss.cjs ...nodeArgs` and waits for it; the timer spans spawn to exit. */
export function runChild(spec: ChildSpec): ChildRun {
  const dir = mkdtempSync(join(tmpdir(), "ml-gitops-bench-rss-"));
  const rssFile = join(dir, "maxrss");
  try {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--require", MAXRSS_HOOK, ...spec.nodeArgs], {
      cwd: spec.cwd,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, BENCH_MAXRSS_FILE: rssFile },
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.error) throw result.error;
    let maxRssKiB = Number.NaN;
    try {
      maxRssKiB = Number(readFileSync(rssFile, "utf8"));
    } catch {
      // The child died before its exit handler ran; the caller reports the status.
    }
    return { wallMs, maxRssKiB, status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
