/**
 * The parts of `@pulumi/aws` the program uses, each from its own module. The package's index
 * requires every one of its ~300 service namespaces (301 modules, 0.3–0.5 s on the bench machine)
 * although the program touches seven; these subpaths load 28. Components and infra import this as
 * `aws` so their code reads as it would against the index (`aws.s3.Bucket`), and the resource
 * classes are the package's own, so type tokens and URNs are unchanged (test/plan/urns.txt).
 * Every subpath exists in @pulumi/aws 7.48.0 (node_modules/@pulumi/aws/<path>.js, checked when
 * written; `tsc` fails if one goes away). Add a namespace here when a component needs a new one.
 */
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as eks from "@pulumi/aws/eks";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as s3 from "@pulumi/aws/s3";
export * as sqs from "@pulumi/aws/sqs";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
export { Provider } from "@pulumi/aws/provider";
export { Region } from "@pulumi/aws/types/enums";
