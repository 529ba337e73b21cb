/**
 * Names that become path segments (a stack in `stacks/Pulumi.<stack>.yaml` and in `--out DIR/<stack>/`,
 * an environment in `deployments/<environment>/`) are checked as names before any path is built,
 * so `..`, `/` or an absolute path can't lead a command outside its directory.
 */
import { ValidationError, type Problem } from "./errors";

/** Letters, digits, `.`, `_`, `-`, starting with a letter or digit (so never `.` or `..`); Pulumi stack names fit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isName(value: string): boolean {
  return NAME_PATTERN.test(value);
}

export function nameProblem(what: "stack" | "environment", path: string, value: string, file?: string): Problem | undefined {
  if (isName(value)) return undefined;
  return {
    ...(file !== undefined ? { file } : {}),
    path,
    value,
    message: `is not ${what === "environment" ? "an" : "a"} ${what} name: use letters, digits, ".", "_" and "-", starting with a letter or digit (at most 100 characters)`,
    fix: what === "stack" ? "Name the stack like prod-us-east-1 (stacks/Pulumi.prod-us-east-1.yaml)" : "Name the environment like production (the directory deployments/production/)",
  };
}

/** @throws ValidationError */
export function assertName(what: "stack" | "environment", path: string, value: string, file?: string): void {
  const p = nameProblem(what, path, value, file);
  if (p) throw new ValidationError(`${what} ${JSON.stringify(value).slice(0, 60)}`, [p]);
}
