/**
 * What makes a training run safe to put in front of a canary: the trainer image, the dataset and
 * the output each name one immutable thing, and the output is the candidate's artifact, so what
 * was trained is exactly what the canary serves and a rollback can return to it. One definition,
 * judged on the declaration (every delivery) and on the rendered Job (what Argo CD, Flux or
 * Pulumi apply); lib/render/training-job.ts writes the Job's record with these names.
 */
import { checkArtifactUri } from "./artifact-uri";
import { checkImageRef } from "./image-ref";

/** Label on a training Job, valued with the model it trains. */
export const TRAINING_LABEL = "ml-gitops.dev/training-of";
/** Annotations on a training Job recording what it trains from and into. */
export const TRAINING_ANNOTATIONS = {
  candidateVersion: "ml-gitops.dev/candidate-version",
  candidateUri: "ml-gitops.dev/candidate-uri",
  datasetUri: "ml-gitops.dev/training-dataset-uri",
  outputUri: "ml-gitops.dev/training-output-uri",
} as const;

export interface TrainingRun {
  readonly image?: { readonly path: string; readonly value: string };
  readonly dataset: { readonly path: string; readonly value: string };
  readonly output: { readonly path: string; readonly value: string };
  /** The candidate's artifact URI, when there is one to compare with. */
  readonly candidateUri?: { readonly path: string; readonly value: string };
}

/** Every problem of one training run, as a message naming the field, the value and the fix. */
export function trainingRunProblems(run: TrainingRun): string[] {
  const out: string[] = [];
  if (run.image) {
    const verdict = checkImageRef(run.image.value);
    if (!verdict.pinned) out.push(`${run.image.path} "${run.image.value}" ${verdict.reason}; ${verdict.fix}.`);
  }
  for (const [what, at] of [["dataset", run.dataset], ["output", run.output]] as const) {
    const verdict = checkArtifactUri(at.value);
    if (!verdict.immutable) out.push(`${at.path} "${at.value}" is not pinned: ${verdict.reason}; ${verdict.fix}${what === "dataset" ? " (a dataset that can change makes the run unrepeatable)" : ""}.`);
  }
  if (run.candidateUri && run.output.value !== run.candidateUri.value) {
    out.push(
      `${run.output.path} "${run.output.value}" is not the candidate's artifact (${run.candidateUri.path} "${run.candidateUri.value}"): the Job would train one artifact and the canary serve another; set it to "${run.candidateUri.value}".`,
    );
  }
  return out;
}
