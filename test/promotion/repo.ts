/**
 * Temporary GitOps repositories for the promotion tests: `git init` in os.tmpdir(), a local
 * identity, one declaration committed. Git runs with no system or global config so the
 * developer's own settings (signing, hooks, identity) can't change what the tests see.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cli as runCli, type CliResult } from "../support/cli";

process.env.GIT_CONFIG_NOSYSTEM = "1";
process.env.GIT_CONFIG_GLOBAL = path.join(tmpdir(), "ml-gitops-test-no-global-gitconfig");
for (const v of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "EMAIL"]) delete process.env[v];

export const FILE = "deployments/production/llama-3-8b.yaml";
export const DIGEST_A = "a".repeat(64);
export const DIGEST_B = "b".repeat(64);
export const DIGEST_C = "c".repeat(64);
export const IMAGE = `vllm/vllm-openai:v0.28.0@sha256:${"e".repeat(64)}`;
export const URI_A = `s3://models/llama-3-8b/sha256-${DIGEST_A}/`;
export const URI_B = `s3://models/llama-3-8b/sha256-${DIGEST_B}/`;
export const URI_C = `s3://models/llama-3-8b/sha256-${DIGEST_C}/`;

/** Comments, aligned end-of-line comments and flow maps: all must survive every command. */
export const DECLARATION = `# Llama 3 8B on vLLM. This file is edited by ml-gitops promote/advance/rollback.
apiVersion: ml-gitops.dev/v1alpha1
kind: ModelDeployment
metadata:
  name: llama-3-8b                  # the file name without .yaml
  namespace: models
spec:
  model:
    format: huggingface
  serving:
    engine: vllm
    replicas: { min: 1, max: 2 }    # one GPU each
    gpu:
      count: 1
      types: [L4, A10G]
    resources: { cpu: "8", memory: 32Gi }
    vllm:
      tensorParallelSize: 1
      maxModelLen: 8192
      gpuMemoryUtilization: 0.9
  # What serves 100% of traffic today.
  stable:
    version: v3.1.0
    uri: ${URI_B}
    image: ${IMAGE}
  releases:                         # promotion history, oldest first
    - version: v3.0.0
      uri: ${URI_A}
      image: ${IMAGE}
      promotedAt: "2025-04-01T10:00:00Z"
    - version: v3.1.0
      uri: ${URI_B}
      image: ${IMAGE}
      promotedAt: "2025-05-01T10:00:00Z"
  rollout:
    steps:
      - setWeight: 10
      - pause: { duration: 15m }    # watch dashboards
      - analysis: slo
      - setWeight: 50
      - pause: {}                   # a human gate
      - setWeight: 100
    analysis:
      slo: { interval: 1m, count: 5, failureLimit: 1, p99LatencyMs: 3000, errorRatePercent: 1 }
  promotion:
    criteria:
      - { metric: mmlu, min: 0.80 }
      - { metric: toxicity, max: 0.02 }
    approvals: { required: 2, approvers: [dana.ml-lead, sam.platform, priya.safety] }
`;

export interface Repo {
  readonly root: string;
  git(...args: string[]): string;
  read(file?: string): string;
  write(file: string, text: string): void;
  head(): string;
  remove(): void;
}

export function makeRepo(declaration = DECLARATION, options: { identity?: boolean } = {}): Repo {
  const root = mkdtempSync(path.join(tmpdir(), "ml-gitops-promotion-"));
  const repo = repoAt(root);
  const git = repo.git;
  git("init", "-q", "-b", "main");
  // The seed commit always has an author; the repository keeps an identity only when asked.
  git("config", "user.name", "Test Promoter");
  git("config", "user.email", "promoter@example.com");
  git("config", "commit.gpgsign", "false");
  repo.write(FILE, declaration);
  git("add", "--", FILE);
  git("commit", "-q", "-m", "seed llama-3-8b");
  if (options.identity === false) {
    git("config", "--unset", "user.name");
    git("config", "--unset", "user.email");
    // No guessing from the host name either: git must say who it needs.
    git("config", "user.useConfigOnly", "true");
  }
  return repo;
}

/** `n` identical repositories: one made with git, the others copied (much cheaper than n inits). */
export function makeRepos(n: number, declaration = DECLARATION): Repo[] {
  const first = makeRepo(declaration);
  const copies = Array.from({ length: n - 1 }, () => {
    const root = mkdtempSync(path.join(tmpdir(), "ml-gitops-promotion-"));
    cpSync(first.root, root, { recursive: true });
    return repoAt(root);
  });
  return [first, ...copies];
}

function repoAt(root: string): Repo {
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return {
    root,
    git,
    read: (file = FILE) => readFileSync(path.join(root, file), "utf8"),
    write: (file, text) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    },
    head: () => git("rev-parse", "HEAD").trim(),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export type { CliResult };

/** Runs the CLI in-process and captures what it prints. */
export function cli(...argv: string[]): Promise<CliResult> {
  return runCli(argv);
}

/** `Key: value` trailers of a commit, as git parses them. */
export function trailersOf(repo: Repo, commit = "HEAD"): string[] {
  return repo.git("log", "-1", "--format=%(trailers:only,unfold)", commit).split("\n").filter((l) => l !== "");
}

export function subjectOf(repo: Repo, commit = "HEAD"): string {
  return repo.git("log", "-1", "--format=%s", commit).trim();
}

/** Repositories for one test file, each seeded with `declaration`; `removeAll` in an `after`. */
export function repoPool(declaration: string): { make(): Repo; removeAll(): void } {
  const repos: Repo[] = [];
  return {
    make: () => {
      const r = makeRepo(declaration);
      repos.push(r);
      return r;
    },
    removeAll: () => repos.forEach((r) => r.remove()),
  };
}

/** `ml-gitops advance llama-3-8b --env production` in `r`. */
export function advanceIn(r: Repo, ...extra: string[]): Promise<CliResult> {
  return cli("advance", "llama-3-8b", "--env", "production", "--root", r.root, ...extra);
}

/** The declaration's bytes, HEAD and the index exactly as they were: nothing written, nothing staged. */
export function assertUnchanged(r: Repo, before: { text: string; head: string }): void {
  if (r.read() !== before.text) throw new Error(`${FILE} changed`);
  if (r.head() !== before.head) throw new Error(`HEAD moved from ${before.head} to ${r.head()}`);
  const status = r.git("status", "--porcelain");
  if (status !== "") throw new Error(`the work tree is not clean:\n${status}`);
}
