/** What a contract check says, as the user reads it, and the stack config the contract tests start from. */
import assert from "node:assert/strict";
import { parseStackConfig, type ClusterStackConfig } from "../../lib/config/stack-config";
import { formatProblem, ValidationError } from "../../lib/errors";

/** The formatted problems of the one ValidationError `run` throws, or none. */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems.map(formatProblem);
  }
}

/** The stack file the contract tests' configs are named after. */
export const STACK_FILE = "stacks/Pulumi.test.yaml";

/** A minimal valid cluster stack: Argo CD delivery, existing subnets, a local model bucket. */
const CLUSTER_CONFIG: Readonly<Record<string, string>> = {
  "aws:region": "us-east-1",
  "ml-gitops:environment": "production",
  "ml-gitops:clusterName": "ml-test",
  "ml-gitops:privateSubnetIds": JSON.stringify(["subnet-0e1a5c0de0000001a", "subnet-0e1a5c0de0000001b"]),
  "ml-gitops:modelBucketName": "acme-test-models",
  "ml-gitops:gitRepoUrl": "https://github.com/acme/deploy.git",
  "ml-gitops:argocdAdminPasswordBcrypt": "[secret]",
  "ml-gitops:gitToken": "[secret]",
  "ml-gitops:gatewayClassName": "envoy",
};

/**
 * The minimal cluster stack with `patch` applied (a key patched to undefined is removed), parsed
 * as `pulumi up` would: keys whose value is "[secret]" are secrets, as `secure:` values are.
 * @throws ValidationError with the config's problems.
 */
export function parseClusterConfig(patch: Readonly<Record<string, string | undefined>> = {}): ClusterStackConfig {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...CLUSTER_CONFIG, ...patch })) if (value !== undefined) config[key] = value;
  const secretKeys = Object.keys(config).filter((k) => config[k] === "[secret]");
  return parseStackConfig(config, { stack: "test", file: STACK_FILE }, secretKeys) as ClusterStackConfig;
}

/** The formatted problems of the minimal cluster stack with `patch` applied; [] when it parses. */
export function clusterConfigProblems(patch: Readonly<Record<string, string | undefined>> = {}): string[] {
  return problemsOf(() => parseClusterConfig(patch));
}
