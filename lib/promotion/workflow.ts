/**
 * One promotion command from start to end: find the declaration, refuse a file with uncommitted
 * changes, plan the change, edit the text, prove the edited declaration still loads, write it
 * atomically, stage it and commit it. Every refusal happens before the first byte is written;
 * a commit that fails afterwards puts the file and the index back exactly as they were.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ValidationError } from "../errors";
import { loadDeploymentFile, loadDeployments, type DeploymentContext } from "../deployments/loader";
import type { LoadedDeployment } from "../deployments/types";
import { assertIdentity, assertRepository, GitError, head, tryGit, uncommitted } from "./git";
import { formatCommitMessage, type Action, type Trailers } from "./message";
import { PromotionRefused, type Change } from "./transitions";
import { writeFileAtomic } from "./write";
import { applyEdits, YamlEditError } from "./yaml-edit";

/** The CLI knows no stack: the GPU-fit check is skipped, KServe mode defaults as on a new cluster. */
export const CLI_CONTEXT: DeploymentContext = { gpuPools: [], defaultKServeMode: "Standard" };

/** A model's declaration in one environment, by `metadata.name`. @throws ValidationError */
export function findDeployment(root: string, environment: string, model: string): LoadedDeployment {
  const all = loadDeployments(root, environment, CLI_CONTEXT);
  const found = all.find((d) => d.declaration.metadata.name === model);
  if (found) return found;
  const names = all.map((d) => d.declaration.metadata.name);
  throw new ValidationError(`model ${model}`, [
    {
      path: "MODEL",
      value: model,
      message: `is not declared in deployments/${environment}`,
      fix: names.length > 0 ? `Use one of ${names.join(", ")}` : `Add deployments/${environment}/${model}.yaml`,
    },
  ]);
}

export interface Applied {
  readonly action: Action;
  readonly file: string;
  readonly subject: string;
  readonly trailers: Trailers;
  readonly canaryWeightPercent: number;
  /** The new commit; absent with `--no-commit` (the change is staged instead). */
  readonly commit?: string;
  readonly staged: boolean;
}

export interface RunOptions {
  readonly root: string;
  readonly environment: string;
  readonly model: string;
  /** false: write and stage only, for a pull request. */
  readonly commit: boolean;
}

/**
 * Runs `plan` against the model's declaration and records the result.
 * @throws PromotionRefused (exit 1); ValidationError, GitError (exit 2)
 */
export function runChange(options: RunOptions, plan: (d: LoadedDeployment) => Change): Applied {
  const { root } = options;
  assertRepository(root);
  const d = findDeployment(root, options.environment, options.model);
  const dirty = uncommitted(root, d.file);
  let change: Change;
  try {
    change = plan(d);
  } catch (err) {
    if (err instanceof PromotionRefused && dirty.length > 0) throw new PromotionRefused(err.subject, [dirtyReason(d.file), ...err.reasons]);
    throw err;
  }
  if (dirty.length > 0) throw new PromotionRefused(`${change.action} ${options.model} in ${options.environment}`, [dirtyReason(d.file)]);

  const absolute = path.join(root, d.file);
  const original = readFileSync(absolute);
  const text = original.toString("utf8");
  let edited: string;
  try {
    edited = applyEdits(text, change.edits);
    loadDeploymentFile(d.file, edited, CLI_CONTEXT);
  } catch (err) {
    if (err instanceof ValidationError || err instanceof YamlEditError) {
      throw new PromotionRefused(`${change.action} ${options.model} in ${options.environment}`, [`the edited declaration would not be valid, so nothing was written:\n${err.message}`]);
    }
    throw err;
  }
  if (options.commit) assertIdentity(root);

  writeFileAtomic(absolute, edited);
  const restore = (why: string): never => {
    writeFileAtomic(absolute, original);
    tryGit(root, ["reset", "-q", "--", d.file]);
    throw new GitError(`${why}\n${d.file} was restored and unstaged; nothing was committed`);
  };
  const added = tryGit(root, ["add", "--", d.file]);
  if (!added.ok) restore(`git add failed: ${added.stderr.trim()}`);
  const base = { action: change.action, file: d.file, subject: change.subject, trailers: change.trailers, canaryWeightPercent: change.canaryWeightPercent };
  if (!options.commit) return { ...base, staged: true };
  // --only semantics (`-- <file>`): whatever else the user staged stays staged and out of this commit.
  const committed = tryGit(root, ["commit", "-q", "-F", "-", "--", d.file], formatCommitMessage(change.subject, change.trailers));
  if (!committed.ok) restore(`git commit failed: ${(committed.stderr || committed.stdout).trim()}`);
  return { ...base, commit: head(root)!, staged: false };
}

function dirtyReason(file: string): string {
  return `${file} has uncommitted changes; commit or discard them first, so the promotion commit contains only the promotion`;
}
