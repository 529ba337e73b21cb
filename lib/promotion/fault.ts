/**
 * Deterministic kill points for the crash-consistency tests: with `ML_GITOPS_FAULT=<point>` the
 * process kills itself with SIGKILL (no handler, no cleanup: like a power cut or `kill -9`) when
 * it reaches that point of the write-to-commit sequence. Unset in normal use, where this is a
 * no-op; the journal (journal.ts) is what makes every one of these points recoverable.
 */
export const FAULT_POINTS = ["journaled", "temp-written", "written", "staged", "committed"] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export function faultPoint(point: FaultPoint): void {
  if (process.env.ML_GITOPS_FAULT === point) process.kill(process.pid, "SIGKILL");
}
