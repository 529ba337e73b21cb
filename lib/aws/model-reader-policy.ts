/**
 * Least-privilege read access to one prefix of a model bucket: what KServe's storage initializer
 * (or any model server) needs to list and download an artifact, and nothing else.
 */
import { arnRegion, policyDocument, type PolicyDocument, type PolicyStatement } from "./policy-document";

export interface ModelReaderPolicyInput {
  readonly bucketArn: string;
  /** Key prefix the reader may see; "" for the whole bucket. Ends with "/" when not empty. */
  readonly prefix: string;
  /** The bucket's SSE-KMS key. */
  readonly kmsKeyArn: string;
}

export function modelReaderPolicy(input: ModelReaderPolicyInput): PolicyDocument {
  const { bucketArn, prefix, kmsKeyArn } = input;
  const region = arnRegion(kmsKeyArn);
  const list: PolicyStatement = {
    Sid: "ListModelPrefix",
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: bucketArn,
    ...(prefix !== "" && { Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } } }),
  };
  return policyDocument([
    { Sid: "ReadModelObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${prefix}*` },
    list,
    {
      Sid: "DecryptModelObjects",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: kmsKeyArn,
      // Only through S3: the role cannot use the key directly on other ciphertexts.
      ...(region && { Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } } }),
    },
  ]);
}

/** Why a model prefix is unusable, or undefined. */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix === "") return undefined;
  if (prefix.startsWith("/")) return "starts with /, but S3 keys in this bucket do not";
  if (!prefix.endsWith("/")) return "does not end with /, so it would also match sibling keys that share the text";
  if (/[*?]/.test(prefix)) return "contains a wildcard, which IAM would interpret";
  return undefined;
}
