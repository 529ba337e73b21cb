/**
 * The rule every platform add-on's Helm release shares (components/pinned-release.ts): how long
 * Helm waits for the release to become ready, in whole minutes.
 */
import type { Problem } from "../errors";
import { wholeNumberProblem, type WholeNumberRule } from "./validators";

/** The wait for an add-on's release; each add-on names its own default (10 for Argo CD, 15 for monitoring). */
export function helmTimeoutRule(defaultMinutes: number): WholeNumberRule {
  return { unit: "minutes", min: 1, default: defaultMinutes };
}

/** The one rule for every add-on's `helmTimeoutMinutes`: a whole number of minutes, at least 1. */
export function helmTimeoutProblems(minutes: number, defaultMinutes: number, path = "helmTimeoutMinutes"): Problem[] {
  const problem = wholeNumberProblem(helmTimeoutRule(defaultMinutes), path, minutes);
  return problem ? [problem] : [];
}
