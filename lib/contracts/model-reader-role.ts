/**
 * The input contract of ModelReaderRole (components/model-reader-role.ts): the IRSA role a model
 * server's service account assumes to read one prefix of a model bucket. Pure: it names Pulumi's
 * types only.
 */
import type { Input } from "@pulumi/pulumi";
import type { Problem } from "../errors";
import { prefixProblem } from "../aws/model-reader-policy";
import { kubernetesNameProblem } from "../names";
import { pathIn, wholeNumberProblem, type WholeNumberRule } from "./validators";

export interface ModelReaderRoleArgs {
  /** From ClusterAccess.oidcProviderArn. */
  readonly oidcProviderArn: Input<string>;
  /** From ClusterAccess.oidcIssuer: host and path, `https://` tolerated. */
  readonly oidcIssuer: Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Further service accounts trusted to assume the role, e.g. the local model cache's download jobs. @default none */
  readonly alsoTrusted?: readonly { readonly namespace: string; readonly serviceAccount: string }[];
  readonly bucketArn: Input<string>;
  readonly kmsKeyArn: Input<string>;
  /** Key prefix the role may read, ending in "/". @default "" (the whole bucket) */
  readonly prefix?: string;
  /** Longest session the role grants, 1 to 12 hours (IAM's MaxSessionDuration). @default 3600 s */
  readonly maxSessionDurationSeconds?: number;
  readonly tags?: Record<string, string>;
}

/**
 * IAM's MaxSessionDuration: "a value from 1 hour to 12 hours" (@pulumi/aws 7.48.0
 * iam/role.d.ts maxSessionDuration; IAM CreateRole refuses anything else at deploy time).
 */
export const MAX_SESSION_DURATION_SECONDS = {
  unit: "seconds",
  min: 3600,
  max: 43200,
  default: 3600,
  why: "IAM allows a role session of 1 to 12 hours.",
} as const satisfies WholeNumberRule;

export const MODEL_READER_ROLE_DEFAULTS = { prefix: "", maxSessionDurationSeconds: MAX_SESSION_DURATION_SECONDS.default } as const;

/** Every problem with the args, each at `prefix` + its path (nothing for the component). */
export function modelReaderRoleArgsProblems(args: ModelReaderRoleArgs, prefix = ""): Problem[] {
  const at = pathIn(prefix);
  const problems: (Problem | undefined)[] = [];
  // Namespaces are DNS-1123 labels, ServiceAccounts DNS-1123 subdomains (lib/names.ts).
  const trusted = [{ namespace: args.namespace, serviceAccount: args.serviceAccount, at: (field: string) => at(field) }];
  (args.alsoTrusted ?? []).forEach((t, i) => trusted.push({ ...t, at: (field: string) => at("alsoTrusted", i, field) }));
  for (const t of trusted) {
    problems.push(kubernetesNameProblem("dns1123-label", "namespace name", t.at("namespace"), t.namespace, "Name the namespace the serving pods run in, e.g. models."));
    problems.push(kubernetesNameProblem("dns1123-subdomain", "service account name", t.at("serviceAccount"), t.serviceAccount, "Name the service account the serving pods run as, e.g. kserve-storage."));
  }
  const keyPrefix = args.prefix ?? MODEL_READER_ROLE_DEFAULTS.prefix;
  const prefixIssue = prefixProblem(keyPrefix);
  if (prefixIssue) problems.push({ path: at("prefix"), value: keyPrefix, message: prefixIssue, fix: 'Write it as "<model>/", without a leading slash.' });
  problems.push(wholeNumberProblem(MAX_SESSION_DURATION_SECONDS, at("maxSessionDurationSeconds"), args.maxSessionDurationSeconds ?? MODEL_READER_ROLE_DEFAULTS.maxSessionDurationSeconds));
  return problems.filter((p): p is Problem => p !== undefined);
}
