/**
 * A training run in front of a canary must be repeatable and must produce exactly the candidate:
 * trainer image pinned by digest, dataset and output pinned to immutable artifacts, output equal
 * to the candidate's URI. Judged on the declaration's `spec.training` (every delivery, including
 * GitOps, whose Jobs Pulumi never sees) and on rendered training Jobs (labelled
 * ml-gitops.dev/training-of), whose record annotations say the same. A Job's container image is
 * also serving-image-digest's, which judges every workload's images; this rule does not repeat it.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hasUnknown, obj, stringMap } from "../lib/known";
import { MODEL_DEPLOYMENT_TYPE, parseKubeType } from "../lib/k8s";
import { propsOf } from "../lib/policy";
import { TRAINING_ANNOTATIONS, TRAINING_LABEL, trainingRunProblems } from "../lib/predicates/training-job";
import { declarationOf } from "../lib/predicates/model-deployment-props";

const str = (v: unknown): v is string => typeof v === "string";

/** Violations of a ModelDeployment declaration's training block. Exported for tests. */
export function declaredTrainingProblems(declaration: unknown): string[] {
  const spec = obj(obj(declaration).spec);
  if (spec.training === undefined || hasUnknown(spec.training) || hasUnknown(spec.candidate)) return [];
  const t = obj(spec.training);
  if (!str(t.image) || !str(t.datasetUri) || !str(t.outputUri)) return [];
  const candidateUri = obj(spec.candidate).uri;
  return trainingRunProblems({
    image: { path: "declaration.spec.training.image", value: t.image },
    dataset: { path: "declaration.spec.training.datasetUri", value: t.datasetUri },
    output: { path: "declaration.spec.training.outputUri", value: t.outputUri },
    // Without a candidate the block renders nothing and has nothing to match (validate.ts).
    ...(str(candidateUri) ? { candidateUri: { path: "declaration.spec.candidate.uri", value: candidateUri } } : {}),
  });
}

/** Violations of a rendered training Job. Exported for tests. */
export function trainingJobProblems(props: Record<string, unknown>): string[] {
  const metadata = obj(props.metadata);
  if (hasUnknown(metadata.labels) || stringMap(metadata.labels)[TRAINING_LABEL] === undefined) return [];
  if (hasUnknown(metadata.annotations)) return [];
  const a = stringMap(metadata.annotations);
  const at = (key: string) => `metadata.annotations["${key}"]`;
  const dataset = a[TRAINING_ANNOTATIONS.datasetUri];
  const output = a[TRAINING_ANNOTATIONS.outputUri];
  const candidate = a[TRAINING_ANNOTATIONS.candidateUri];
  const missing = [TRAINING_ANNOTATIONS.datasetUri, TRAINING_ANNOTATIONS.outputUri, TRAINING_ANNOTATIONS.candidateUri].filter((k) => a[k] === undefined);
  if (missing.length > 0) {
    return [`a training Job (label ${TRAINING_LABEL}) must record ${missing.map(at).join(", ")}; render it from a declaration's spec.training with ml-gitops instead of writing it by hand.`];
  }
  return trainingRunProblems({
    dataset: { path: at(TRAINING_ANNOTATIONS.datasetUri), value: dataset! },
    output: { path: at(TRAINING_ANNOTATIONS.outputUri), value: output! },
    candidateUri: { path: at(TRAINING_ANNOTATIONS.candidateUri), value: candidate! },
  });
}

export const trainingJobPinned: ResourceValidationPolicy = {
  name: "training-job-pinned",
  description: "Training runs must use a digest-pinned image and immutable dataset and output URIs, and write exactly the candidate's artifact.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type === MODEL_DEPLOYMENT_TYPE) {
      for (const m of declaredTrainingProblems(declarationOf(propsOf(args)))) reportViolation(m);
      return;
    }
    const t = parseKubeType(args.type);
    if (t === undefined || t.group !== "batch" || t.kind !== "Job") return;
    for (const m of trainingJobProblems(propsOf(args))) reportViolation(m);
  },
};
