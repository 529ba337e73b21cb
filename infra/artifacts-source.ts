/**
 * Where a cluster's model artifacts come from: a bucket of its own (single-region setups), or
 * its region's replica in the shared artifact store, read through a StackReference.
 */
import * as pulumi from "@pulumi/pulumi";
import { ModelBucket } from "../components/model-bucket";
import { bucketForRegion, rewriteToRegion, type ArtifactStoreOutputs } from "../lib/artifacts/regional";
import type { ClusterStackConfig } from "../lib/config/stack-config";

export interface ArtifactBucket {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly prefix: string;
  /** Maps a declaration's URI to the one this region serves from. */
  readonly rewriteUri: (uri: string) => string;
}

export async function artifactBucket(config: ClusterStackConfig): Promise<ArtifactBucket> {
  const source = config.artifacts;
  if (source.kind === "local") {
    const bucket = new ModelBucket("models", { bucketName: source.bucketName, retentionDays: source.retentionDays });
    return { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn, kmsKeyArn: bucket.kmsKeyArn, prefix: source.prefix, rewriteUri: (uri) => uri };
  }
  // Awaited, not applied: a region without a replica must stop the program with a clear error
  // before any resource is registered, and the rewritten URIs must be plain strings.
  const store = new pulumi.StackReference("artifact-store", { name: source.stackName });
  const details = await store.getOutputDetails("store");
  const outputs = (details.value ?? details.secretValue) as ArtifactStoreOutputs | undefined;
  if (!outputs?.buckets) {
    throw new Error(`stack ${source.stackName} has no "store" output: is it an artifact store stack (ml-gitops:role: artifacts), and has it been updated?`);
  }
  const regional = bucketForRegion(outputs, config.region, source.stackName);
  const primary = bucketForRegion(outputs, outputs.primaryRegion, source.stackName);
  return {
    ...regional,
    prefix: source.prefix,
    rewriteUri: (uri) => rewriteToRegion(uri, primary.bucketName, regional.bucketName),
  };
}
