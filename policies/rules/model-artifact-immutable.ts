/**
 * Model artifacts must be immutable: a canary compares two fixed artifacts and a rollback
 * returns to one, which only holds if the URI cannot be overwritten.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkModelSource, checkStoragePath } from "../lib/predicates/artifact-uri";
import { artifactSources, carriesArtifacts } from "../lib/artifacts";
import { configOf, propsOf, stringArray } from "../lib/policy";

export interface ModelArtifactImmutableConfig {
  /** Buckets model artifacts may come from; empty allows any. */
  allowedBuckets: string[];
  /** Mutable schemes (pvc, https, ...) accepted anyway, e.g. for a dev cluster. */
  allowedMutableSchemes: string[];
}

const defaults: ModelArtifactImmutableConfig = { allowedBuckets: [], allowedMutableSchemes: [] };

export const modelArtifactImmutable: ResourceValidationPolicy = {
  name: "model-artifact-immutable",
  description: "Model artifact URIs must pin one immutable artifact: a content digest, a commit SHA or an image digest.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedBuckets: stringArray("Buckets model artifacts may come from; empty allows any."),
      allowedMutableSchemes: stringArray("Mutable schemes accepted anyway (pvc, http, https, file, hdfs, webhdfs, modelscope, git)."),
    },
  },
  validateResource: (args, reportViolation) => {
    if (!carriesArtifacts(args.type)) return;
    const sources = artifactSources(args.type, propsOf(args));
    if (sources.length === 0) return;
    const config = configOf(defaults, args.getConfig);
    for (const source of sources) {
      const verdict = source.storagePath ? checkStoragePath(source.value) : checkModelSource(source, config);
      if (verdict && !verdict.immutable) reportViolation(`${source.path} "${source.value}" is not pinned: ${verdict.reason}; ${verdict.fix}.`);
    }
  },
};
