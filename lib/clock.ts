/**
 * The one clock the CLI reads: the time a promotion records (`startedAt`, `promotedAt`) and the
 * time a region wave's soak is measured against. `ML_GITOPS_NOW` replaces it, for tests and for
 * replaying a decision ("could this advance have been made at 14:00?"); it is honoured only when
 * set, and an unparseable value is refused rather than silently ignored.
 */
import { ValidationError } from "./errors";

export const NOW_ENV = "ML_GITOPS_NOW";

/** ISO 8601 with an explicit offset, as the declaration's timestamps are written. */
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** Now, or `ML_GITOPS_NOW` when set. @throws ValidationError for a value that is not an ISO 8601 time with offset. */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const text = env[NOW_ENV];
  if (text === undefined) return new Date();
  const parsed = new Date(text);
  if (!ISO_WITH_OFFSET.test(text) || Number.isNaN(parsed.getTime())) {
    throw new ValidationError(NOW_ENV, [
      { path: NOW_ENV, value: text, message: "is not an ISO 8601 time with an offset", fix: `Set it like ${NOW_ENV}=2026-01-31T09:00:00Z (it is for tests and replays), or unset it to use the system clock.` },
    ]);
  }
  return parsed;
}
