/**
 * The GitOps repository every delivery engine syncs (components/argo-cd.ts ArgoCd,
 * components/flux.ts Flux) and the directories in it (ModelDeployment's outputDir, the stack's
 * ml-gitops:gitopsPath): one rule each, for the components and the stack config keys
 * ml-gitops:gitRepoUrl and ml-gitops:gitopsPath.
 */
import { hasUrlCredential, type Problem } from "../errors";

/**
 * An HTTPS URL with a repository path: both engines authenticate with the token over HTTPS
 * (Argo CD's repository Secret `password`, Flux's GitRepository `secretRef` basic auth), and a
 * host alone names no repository.
 */
const REPO_URL = /^https:\/\/[^/\s]+\/\S+$/;

export function repoUrlProblem(path: string, url: string): Problem | undefined {
  // A credential in the URL is never repeated in the message (lib/errors.ts hasUrlCredential).
  if (hasUrlCredential(url)) {
    return { path, message: "carries a credential in the URL (not repeated here)", fix: "Remove it from the URL; the token is given on its own (ml-gitops:gitToken, or the component's repo.token), as a secret." };
  }
  if (REPO_URL.test(url)) return undefined;
  return { path, value: url, message: "is not an HTTPS repository URL", fix: "Token authentication needs an HTTPS URL, e.g. https://github.com/acme/gitops.git." };
}

/**
 * A directory inside the repository: relative segments of letters, digits, `.`, `_` and `-`; no
 * `..` (it would leave the repository: Flux renders `./<path>`, Argo CD resolves the path in its
 * checkout, and the plan writes `<path>/models` to disk), no `.`, no empty segment (a leading,
 * trailing or doubled `/`).
 */
const SEGMENT = /^[A-Za-z0-9._-]+$/;

export function isRepoDirectory(value: string): boolean {
  return value.split("/").every((segment) => SEGMENT.test(segment) && segment !== "." && segment !== "..");
}

export function repoDirectoryProblem(path: string, value: string, example: string, repository = "the repository"): Problem | undefined {
  if (isRepoDirectory(value)) return undefined;
  return { path, value, message: `is not a directory inside ${repository}`, fix: `Give a relative path without '..', e.g. ${example}.` };
}
