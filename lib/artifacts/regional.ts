/**
 * Region-local artifacts. Declarations name the primary bucket (region-neutral); each cluster
 * serves from its region's replica, which holds the same key with the same digest, so the
 * rewritten URI pins the identical immutable artifact.
 */

export interface RegionalBucket {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
}

/** The artifact store stack's `buckets` output: region → bucket. */
export type BucketsByRegion = Readonly<Record<string, RegionalBucket>>;

export interface ArtifactStoreOutputs {
  readonly primaryRegion: string;
  readonly buckets: BucketsByRegion;
}

export function bucketForRegion(outputs: ArtifactStoreOutputs, region: string, artifactStack: string): RegionalBucket {
  const bucket = outputs.buckets[region];
  if (!bucket) {
    const regions = Object.keys(outputs.buckets).sort();
    throw new Error(
      `artifact store ${artifactStack} has no replica in ${region} (it serves ${regions.join(", ") || "no region"}): ` +
        `add ${region} to ml-gitops:replicaRegions of ${artifactStack} and update that stack before this one`,
    );
  }
  return bucket;
}

/**
 * Points an `s3://<primary>/<key>` URI at the regional replica. Other URIs (other buckets,
 * hf://, oci://) pass through unchanged: they are not in the artifact store.
 */
export function rewriteToRegion(uri: string, primaryBucket: string, regionalBucket: string): string {
  const prefix = `s3://${primaryBucket}/`;
  return uri.startsWith(prefix) ? `s3://${regionalBucket}/${uri.slice(prefix.length)}` : uri;
}
