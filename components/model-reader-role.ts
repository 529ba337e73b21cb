/**
 * The IAM role a model server's service account assumes (IRSA) to read one prefix of a model
 * bucket: GetObject under the prefix, ListBucket of the prefix, Decrypt with the bucket key.
 */
import * as aws from "./sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../lib/errors";
import { kubernetesNameProblem } from "../lib/names";
import { irsaTrustPolicy } from "../lib/aws/irsa";
import { modelReaderPolicy, prefixProblem } from "../lib/aws/model-reader-policy";

export interface ModelReaderRoleArgs {
  /** From ClusterAccess.oidcProviderArn. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** From ClusterAccess.oidcIssuer: host and path, `https://` tolerated. */
  readonly oidcIssuer: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Further service accounts trusted to assume the role, e.g. the local model cache's download jobs. @default none */
  readonly alsoTrusted?: readonly { readonly namespace: string; readonly serviceAccount: string }[];
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Key prefix the role may read, ending in "/". @default "" (the whole bucket) */
  readonly prefix?: string;
  /** @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  readonly tags?: Record<string, string>;
}


export function checkModelReaderRoleArgs(args: ModelReaderRoleArgs): Problems {
  const problems = new Problems();
  // Namespaces are DNS-1123 labels, ServiceAccounts DNS-1123 subdomains (lib/names.ts).
  const namespace = kubernetesNameProblem("dns1123-label", "namespace name", "namespace", args.namespace, "Name the namespace the serving pods run in, e.g. models.");
  if (namespace) problems.add(namespace);
  const serviceAccount = kubernetesNameProblem("dns1123-subdomain", "service account name", "serviceAccount", args.serviceAccount, "Name the service account the serving pods run as, e.g. kserve-storage.");
  if (serviceAccount) problems.add(serviceAccount);
  const prefixIssue = prefixProblem(args.prefix ?? "");
  if (prefixIssue) problems.add({ path: "prefix", value: args.prefix, message: prefixIssue, fix: 'Write it as "<model>/", without a leading slash.' });
  return problems;
}

export class ModelReaderRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: ModelReaderRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:ModelReaderRole", name, args, opts);
    checkModelReaderRoleArgs(args).throwIfAny(`ModelReaderRole ${name}`);

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Reads s3 models for ${args.namespace}/${args.serviceAccount}`,
        assumeRolePolicy: pulumi
          .all([args.oidcProviderArn, args.oidcIssuer])
          .apply(([oidcProviderArn, oidcIssuer]) =>
            JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuer, namespace: args.namespace, serviceAccount: args.serviceAccount, alsoTrusted: args.alsoTrusted })),
          ),
        maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
        ...(args.tags && { tags: args.tags }),
      },
      { parent: this },
    );

    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([args.bucketArn, args.kmsKeyArn])
          .apply(([bucketArn, kmsKeyArn]) => JSON.stringify(modelReaderPolicy({ bucketArn, kmsKeyArn, prefix: args.prefix ?? "" }))),
      },
      { parent: this },
    );

    this.roleArn = role.arn;
    this.roleName = role.name;
    this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
  }
}
