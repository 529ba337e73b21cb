/**
 * The artifact store stack: one primary model bucket and a replica in every serving region.
 * Its `store` output is what cluster stacks read through their StackReference.
 */
import { ArtifactStore } from "../components/artifact-store";
import type { ArtifactStackConfig } from "../lib/config/stack-config";

export function artifactStore(config: ArtifactStackConfig): Record<string, unknown> {
  const store = new ArtifactStore("artifacts", {
    primaryRegion: config.region,
    replicaRegions: config.replicaRegions,
    bucketNamePrefix: config.bucketNamePrefix,
    retentionDays: config.retentionDays,
    replicationTimeControl: config.replicationTimeControl,
    tags: { "ml-gitops.dev/stack": config.stack },
  });
  return {
    store: { primaryRegion: config.region, buckets: store.buckets },
    replicationRoleArn: store.replicationRoleArn,
  };
}
