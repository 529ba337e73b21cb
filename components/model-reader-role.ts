/**
 * The IAM role a model server's service account assumes (IRSA) to read one prefix of a model
 * bucket: GetObject under the prefix, ListBucket of the prefix, Decrypt with the bucket key.
 */
import * as aws from "./sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { throwIfProblems } from "../lib/errors";
import { irsaTrustPolicy } from "../lib/aws/irsa";
import { modelReaderPolicy } from "../lib/aws/model-reader-policy";
import { MODEL_READER_ROLE_DEFAULTS, modelReaderRoleArgsProblems, type ModelReaderRoleArgs } from "../lib/contracts/model-reader-role";

export { MODEL_READER_ROLE_DEFAULTS, modelReaderRoleArgsProblems, type ModelReaderRoleArgs } from "../lib/contracts/model-reader-role";

export class ModelReaderRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: ModelReaderRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:platform:ModelReaderRole", name, args, opts);
    throwIfProblems(`ModelReaderRole ${name}`, modelReaderRoleArgsProblems(args));

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Reads s3 models for ${args.namespace}/${args.serviceAccount}`,
        assumeRolePolicy: pulumi
          .all([args.oidcProviderArn, args.oidcIssuer])
          .apply(([oidcProviderArn, oidcIssuer]) =>
            JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuer, namespace: args.namespace, serviceAccount: args.serviceAccount, alsoTrusted: args.alsoTrusted })),
          ),
        maxSessionDuration: args.maxSessionDurationSeconds ?? MODEL_READER_ROLE_DEFAULTS.maxSessionDurationSeconds,
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
          .apply(([bucketArn, kmsKeyArn]) => JSON.stringify(modelReaderPolicy({ bucketArn, kmsKeyArn, prefix: args.prefix ?? MODEL_READER_ROLE_DEFAULTS.prefix }))),
      },
      { parent: this },
    );

    this.roleArn = role.arn;
    this.roleName = role.name;
    this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
  }
}
