/**
 * The floor: a fresh Node process that loads the three SDKs and nothing else, the cost no plan
 * can avoid. @pulumi/aws and @pulumi/kubernetes load their modules lazily (a getter per
 * namespace and per class), so the floor touches every class and function the program touches
 * (grep of components/ and infra/ for `aws.` and `k8s.`): the same modules load as in a plan.
 * It runs under plain `node`, as the compiled CLI does (bin/ml-gitops runs dist/); the `floor
 * under tsx` row, for information, shows what loading through tsx alone costs.
 */
import { TSX, expectStatus, type ChildCase } from "./lib/cases";
import { REPO } from "./lib/roots";

const TOUCHED = {
  aws: [
    "Provider", "getRegionOutput", "getPartitionOutput",
    "s3.Bucket", "s3.BucketVersioning", "s3.BucketServerSideEncryptionConfiguration", "s3.BucketPublicAccessBlock",
    "s3.BucketPolicy", "s3.BucketOwnershipControls", "s3.BucketObjectLockConfiguration", "s3.BucketLifecycleConfiguration",
    "s3.BucketReplicationConfig", "kms.Key", "kms.Alias", "iam.Role", "iam.RolePolicy", "iam.RolePolicyAttachment",
    "iam.OpenIdConnectProvider", "eks.Cluster", "eks.NodeGroup", "eks.getClusterOutput", "ec2.LaunchTemplate",
    "ec2.getSubnetOutput", "ec2.getInstanceTypeOfferingsOutput",
  ],
  k8s: ["Provider", "helm.v3.Release", "apiextensions.CustomResource", "core.v1.Namespace", "core.v1.Secret", "core.v1.ServiceAccount", "core.v1.Service"],
  pulumi: ["runtime.setMocks", "ComponentResource", "StackReference", "Config"],
} as const;

/** The child's script: require each SDK, then read every touched path (throws if one is missing). */
function script(): string {
  const mods = { pulumi: "@pulumi/pulumi", aws: "@pulumi/aws", k8s: "@pulumi/kubernetes" } as const;
  const lines = Object.entries(mods).map(([v, m]) => `const ${v} = require(${JSON.stringify(m)});`);
  const paths = Object.entries(TOUCHED).flatMap(([v, ps]) => ps.map((p) => `${v}.${p}`));
  lines.push(`for (const [p, v] of [${paths.map((p) => `[${JSON.stringify(p)}, ${p}]`).join(", ")}]) if (v === undefined) throw new Error(p + " is undefined");`);
  return lines.join("\n");
}

function floorCase(id: string, label: string, loader: readonly string[]): ChildCase {
  return {
    id,
    label,
    cwd: REPO,
    nodeArgs: [...loader, "-e", script()],
    verify: (run) => expectStatus(run, [0], label),
  };
}

export const floor = (): ChildCase => floorCase("floor", "floor: load SDKs (plain node)", []);
export const floorUnderTsx = (): ChildCase => floorCase("floor-tsx", "floor under tsx (info)", ["--import", TSX]);
