/**
 * IAM Roles for Service Accounts: the trust policy that lets exactly one Kubernetes service
 * account assume a role through the cluster's OIDC provider.
 */
import { policyDocument, type PolicyDocument } from "./policy-document";

export interface IrsaTrustInput {
  readonly oidcProviderArn: string;
  /** Issuer host and path without the scheme: `oidc.eks.<region>.amazonaws.com/id/<ID>`. */
  readonly oidcIssuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Further service accounts that may assume the role (KServe's cache download jobs). @default none */
  readonly alsoTrusted?: readonly { readonly namespace: string; readonly serviceAccount: string }[];
}

/** `https://oidc.eks...` → `oidc.eks...`: IAM condition keys use the issuer without its scheme. */
export function issuerHost(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "");
}

export function irsaTrustPolicy(input: IrsaTrustInput): PolicyDocument {
  const issuer = issuerHost(input.oidcIssuer);
  const subjects = [input, ...(input.alsoTrusted ?? [])].map((s) => `system:serviceaccount:${s.namespace}:${s.serviceAccount}`);
  return policyDocument([
    {
      Sid: "TrustServiceAccount",
      Effect: "Allow",
      Principal: { Federated: input.oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      // Both keys: `sub` pins the service account, `aud` refuses tokens minted for other audiences.
      Condition: {
        StringEquals: {
          // One subject is a string, several a list (StringEquals matches any of them).
          [`${issuer}:sub`]: subjects.length === 1 ? subjects[0]! : subjects,
          [`${issuer}:aud`]: "sts.amazonaws.com",
        },
      },
    },
  ]);
}
