/**
 * Stack config, parsed and validated once into typed objects. Input is the config map Pulumi
 * hands the program (`project:key` → string, structured values as JSON), so the same parser
 * serves `pulumi up`, the offline plan and the tests. Every problem names the stack file, the
 * key, the value received and the fix; all are collected, then thrown together.
 */
import { checkGpuPool, type GpuPool } from "../contracts/gpu-node-pool";
import { clusterSubnetsProblem, publicAccessProblems } from "../contracts/cluster-access";
import { replicaRegionProblems } from "../contracts/model-bucket";
import { monitoringChoice, type MonitoringChoice } from "../contracts/monitoring";
import { Problems } from "../errors";
import { closest, zodProblems } from "../zod-problems";
import { CONFIG_KEYS, type ConfigKey, type KeySpec, type RawConfig } from "./keys";
import { parseGatewayRef, type GatewayPlan } from "../render/gateway";
import { DEFAULT_GATEWAY } from "../render/routing";

export const PROJECT = "ml-gitops";

/** A trusted signing key, by kind: what Flux's GitRepository verification and Argo CD's source integrity take. */
export interface SigningKey {
  readonly id: string;
  readonly kind: "ssh" | "pgp";
  readonly publicKey: string;
}

export interface CommitSigning {
  readonly keys: readonly SigningKey[];
}

const PGP_BLOCK = /^-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n[\s\S]*\n-----END PGP PUBLIC KEY BLOCK-----\s*$/;
const SSH_PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;

/**
 * Which keys the stack's controller can check. Flux source-controller verifies SSH and PGP
 * signatures (fluxcd/source-controller@v1.9.1 internal/controller/gitrepository_controller.go
 * verifyGitObject: `.sshpub` and `.asc` Secret keys); Argo CD 3.5 verifies GPG only, by key id
 * (argo-cd@v3.5.1 pkg/apis/application/v1alpha1/source_integrity.go SourceIntegrityGitPolicyGPG).
 */
function signingProblems(raw: RawConfig, id: StackIdentity, problems: Problems): CommitSigning | undefined {
  const path = `${PROJECT}:commitSigningKeys`;
  if (!raw.requireSignedCommits) {
    if (raw.commitSigningKeys.length > 0) problems.add({ file: id.file, path, message: "is set but requireSignedCommits is false, so no controller checks them", fix: "Set requireSignedCommits: true, or remove the keys" });
    return undefined;
  }
  if (raw.delivery === "direct") {
    problems.add({ file: id.file, path: `${PROJECT}:requireSignedCommits`, value: true, message: "needs a GitOps controller to check signatures, and delivery direct has none", fix: "Use delivery argocd or flux, or verify in CI with ml-gitops verify --require-signatures" });
    return undefined;
  }
  if (raw.commitSigningKeys.length === 0) {
    problems.add({ file: id.file, path, message: "must list at least one key when requireSignedCommits is true", fix: "Add the promoters' public keys: [{id, publicKey}]" });
    return undefined;
  }
  const keys: SigningKey[] = [];
  const seen = new Set<string>();
  raw.commitSigningKeys.forEach((k, i) => {
    const at = `${path}[${i}]`;
    if (seen.has(k.id)) problems.add({ file: id.file, path: `${at}.id`, value: k.id, message: "is listed twice", fix: "Give each key its own id" });
    seen.add(k.id);
    const text = k.publicKey.trim();
    const kind = PGP_BLOCK.test(text) ? "pgp" : SSH_PUBLIC_KEY.test(text) ? "ssh" : undefined;
    if (kind === undefined) {
      problems.add({ file: id.file, path: `${at}.publicKey`, message: "is neither an SSH public key line nor an armored PGP public key block", fix: "Paste the .pub file of an SSH key, or the output of gpg --export --armor <key id>" });
      return;
    }
    if (raw.delivery === "argocd" && kind === "ssh") {
      problems.add({ file: id.file, path: `${at}.publicKey`, message: "is an SSH key, but Argo CD 3.5 verifies GPG signatures only", fix: "Sign with a GPG key and list it here, or use delivery flux, which verifies SSH signatures" });
      return;
    }
    if (raw.delivery === "argocd" && !/^[0-9A-F]{16}$/.test(k.id)) {
      problems.add({ file: id.file, path: `${at}.id`, value: k.id, message: "must be the key's 16-hex-digit GPG key id (uppercase) with delivery argocd: the AppProject lists trusted keys by id", fix: "Use the id gpg --list-keys --keyid-format long shows" });
      return;
    }
    keys.push({ id: k.id, kind, publicKey: `${text}\n` });
  });
  return { keys };
}

export interface StackIdentity {
  readonly stack: string;
  /** The stack's config file as users see it, e.g. `stacks/Pulumi.prod-us-east-1.yaml`. */
  readonly file: string;
}

/** One checked pool of the stack (lib/contracts/gpu-node-pool.ts GpuPool) and its name. */
export type GpuPoolConfig = GpuPool & { readonly name: string };

export type ArtifactSource =
  | { readonly kind: "local"; readonly bucketName: string; readonly prefix: string; readonly retentionDays: number }
  | { readonly kind: "stack"; readonly stackName: string; readonly prefix: string };

interface ClusterCommon {
  readonly name: string;
  readonly version: string;
  readonly subnetIds: readonly string[];
  readonly endpointPublicAccess: boolean;
  readonly publicAccessCidrs: readonly string[];
}

/** A cluster this stack creates, or one it attaches to with the IAM it already has (ml-gitops:clusterMode). */
export type ClusterConfig =
  | (ClusterCommon & { readonly mode: "create" })
  | (ClusterCommon & { readonly mode: "attach"; readonly existingOidcProviderArn: string; readonly existingNodeRoleArn: string });

interface GitOpsCommon {
  readonly revision: string;
  readonly path: string;
  readonly modelsPath: string;
}

/** How manifests reach the cluster (ml-gitops:delivery): a controller syncing a repository, or Pulumi applying them. */
export type GitOpsConfig =
  | (GitOpsCommon & {
      readonly delivery: "argocd" | "flux";
      readonly repoUrl: string;
      /** Every model workload must be healthy within this (lib/contracts/sync-timeout.ts). */
      readonly syncTimeoutMinutes: number;
      /** Present when the GitOps controller must verify commit signatures (requireSignedCommits). */
      readonly signing?: CommitSigning;
    })
  | (GitOpsCommon & { readonly delivery: "direct"; readonly signing?: undefined });

export interface ClusterStackConfig extends StackIdentity {
  readonly role: "cluster";
  readonly region: string;
  readonly environment: string;
  readonly cluster: ClusterConfig;
  readonly gpuPools: readonly GpuPoolConfig[];
  readonly artifacts: ArtifactSource;
  readonly gitops: GitOpsConfig;
  readonly kserve: {
    readonly mode: "Standard" | "Knative";
    readonly knativeNetworkingLayer?: "istio" | "kourier";
    readonly modelsNamespace: string;
  };
  /** Where canary analyses read metrics: the Prometheus this stack installs, or one that exists. */
  readonly monitoring: MonitoringChoice;
  /** Where models' HTTPRoutes attach: a Gateway the stack creates, or an existing one. */
  readonly gateway: GatewayPlan;
  /** Secret keys that are set; their values are read as Pulumi secrets by the program. */
  readonly secrets: ReadonlySet<"gitToken" | "argocdAdminPasswordBcrypt" | "huggingFaceToken">;
}

export interface ArtifactStackConfig extends StackIdentity {
  readonly role: "artifacts";
  readonly region: string;
  readonly bucketNamePrefix: string;
  readonly prefix: string;
  readonly retentionDays: number;
  readonly replicaRegions: readonly string[];
  readonly replicationTimeControl: boolean;
}

export type StackConfig = ClusterStackConfig | ArtifactStackConfig;

const KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

/**
 * Config keys of the AWS provider (@pulumi/aws 7.48.0, config/vars.d.ts; a test keeps this list
 * equal to the installed package's). A misspelled one (aws:regoin) would be ignored by the
 * provider, which then falls back to the environment: refused instead.
 */
export const AWS_PROVIDER_KEYS: ReadonlySet<string> = new Set([
  "accessKey", "allowedAccountIds", "assumeRoleWithWebIdentity", "assumeRoles", "customCaBundle",
  "defaultTags", "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "endpoints",
  "forbiddenAccountIds", "httpProxy", "httpsProxy", "ignoreTags", "insecure", "maxRetries",
  "noProxy", "profile", "region", "retryMode", "s3UsEast1RegionalEndpoint", "s3UsePathStyle",
  "secretKey", "sharedConfigFiles", "sharedCredentialsFiles", "skipCredentialsValidation",
  "skipMetadataApiCheck", "skipRegionValidation", "skipRequestingAccountId", "stsRegion",
  "tagPolicyCompliance", "token", "tokenBucketRateLimiterCapacity", "useDualstackEndpoint",
  "useFipsEndpoint", "userAgents"
]);

/** Namespaces a stack file may use: this program's, the AWS provider's, and Pulumi's own (pulumi:disable-default-providers...). */
const NAMESPACES = new Set([PROJECT, "aws", "pulumi"]);

/** Decodes the wire strings into JSON values by each key's declared Pulumi type. */
function decode(
  all: Readonly<Record<string, string>>,
  id: StackIdentity,
  problems: Problems,
): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [namespace, key] = fullKey.split(":") as [string, string | undefined];
    if (!NAMESPACES.has(namespace) || key === undefined) {
      problems.add({ file: id.file, path: fullKey, value: text, message: `uses the namespace ${namespace}, which this program does not read`, fix: `Use ${PROJECT}:<key> or aws:<key>, or remove it` });
      continue;
    }
    if (namespace === "aws") {
      if (!AWS_PROVIDER_KEYS.has(key)) {
        const guess = closest(key, [...AWS_PROVIDER_KEYS]);
        problems.add({ file: id.file, path: fullKey, value: text, message: "is not a config key of the AWS provider, which would silently ignore it", fix: guess ? `Did you mean aws:${guess}? Otherwise remove it` : "Remove it" });
      }
      continue;
    }
    if (namespace !== PROJECT) continue;
    const spec = (CONFIG_KEYS as Record<string, (typeof CONFIG_KEYS)[ConfigKey]>)[key];
    const at = { file: id.file, path: fullKey };
    if (!spec) {
      const guess = closest(key, KEY_NAMES);
      problems.add({
        ...at,
        value: text,
        message: "unknown config key",
        fix: guess ? `Did you mean ${PROJECT}:${guess}? Otherwise remove it` : `Remove it; Pulumi.yaml lists every key`,
      });
      continue;
    }
    switch (spec.type) {
      case "string":
        decoded[key] = text;
        break;
      case "integer": {
        const n = Number(text);
        if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
          problems.add({ ...at, value: text, message: "must be an integer", fix: `Write a whole number, e.g. ${String(spec.default ?? 1)}` });
        } else decoded[key] = n;
        break;
      }
      case "boolean":
        if (text !== "true" && text !== "false") {
          problems.add({ ...at, value: text, message: "must be a boolean", fix: "Write true or false" });
        } else decoded[key] = text === "true";
        break;
      case "array":
      case "object":
        try {
          decoded[key] = JSON.parse(text);
        } catch {
          problems.add({ ...at, value: text, message: `must be structured YAML (${spec.type === "array" ? "a list" : "a list of mappings"})`, fix: "Write it as a YAML list in the stack file, or set it with `pulumi config set --path`" });
        }
        break;
    }
  }
  return decoded;
}

/**
 * Each item is one pool's args, checked by the pool contract (lib/contracts/gpu-node-pool.ts
 * checkGpuPool) under the prefix ml-gitops:gpuPools[<i>]: the same rules, limits and messages as
 * the GpuNodePool and KarpenterGpuPool components. Only what spans pools is checked here.
 */
function validatePools(raw: RawConfig, id: StackIdentity, problems: Problems): GpuPoolConfig[] {
  const pools: GpuPoolConfig[] = [];
  const seen = new Map<string, number>();
  raw.gpuPools.forEach((pool, i) => {
    const prefix = `${PROJECT}:gpuPools[${i}]`;
    const first = seen.get(pool.name);
    if (first !== undefined) {
      problems.add({ file: id.file, path: `${prefix}.name`, value: pool.name, message: `duplicates gpuPools[${first}].name`, fix: "Give every pool a distinct name" });
    }
    seen.set(pool.name, i);
    const { name, ...args } = pool;
    const result = checkGpuPool(args, prefix);
    if (!result.ok) {
      problems.addAll(result.problems.map((p) => ({ file: id.file, ...p })));
      return;
    }
    if (first === undefined) pools.push({ name, ...result.value });
  });
  return pools;
}

/** A key the checks required was missing after all: a bug in this parser, never the user's mistake. */
function unchecked(id: StackIdentity, key: string): never {
  throw new Error(`parseStackConfig ${id.file}: ${key.includes(":") ? key : `${PROJECT}:${key}`} was required but not checked`);
}

/** Parses the config map of one stack. Throws a ValidationError listing every problem. */
export function parseStackConfig(
  all: Readonly<Record<string, string>>,
  id: StackIdentity,
  secretKeys: readonly string[] = [],
): StackConfig {
  id = { stack: id.stack, file: id.file };
  const problems = new Problems();
  const decoded = decode(all, id, problems);
  // Each key is parsed on its own so one bad value does not hide the problems of the others.
  const parsed: Record<string, unknown> = {};
  const failed = new Set<string>();
  for (const key of KEY_NAMES) {
    const spec: KeySpec = CONFIG_KEYS[key];
    const result = spec.schema.safeParse(decoded[key]);
    if (result.success) {
      // The rules of the component the key feeds, with the key as the path (lib/contracts/).
      const problem = decoded[key] === undefined ? undefined : spec.check?.(`${PROJECT}:${key}`, result.data as never);
      if (problem) {
        problems.add({ file: id.file, ...problem });
        failed.add(`${PROJECT}:${key}`);
      }
      parsed[key] = result.data;
      continue;
    }
    failed.add(`${PROJECT}:${key}`);
    problems.addAll(
      zodProblems(result.error, {
        file: id.file,
        prefix: `${PROJECT}:${key}`,
        input: decoded[key],
        schema: spec.schema,
      }),
    );
  }
  if (failed.has(`${PROJECT}:role`)) problems.throwIfAny(`invalid stack config ${id.file}`);
  const raw = { ...parsed, gpuPools: parsed.gpuPools ?? [] } as RawConfig;
  const region = all["aws:region"];
  const need = (key: string, value: unknown, why: string, fix: string) => {
    if (failed.has(key)) return;
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
      problems.add({ file: id.file, path: key, message: why ? `is required ${why}` : "is required", fix });
    }
  };
  need("aws:region", region, "", "Set aws:region, e.g. `pulumi config set aws:region us-east-1`");
  for (const key of ["gitToken", "argocdAdminPasswordBcrypt", "huggingFaceToken"] as const) {
    if (raw[key] !== undefined && !secretKeys.includes(`${PROJECT}:${key}`)) {
      problems.add({
        file: id.file,
        path: `${PROJECT}:${key}`,
        message: "is set in plain text",
        fix: `Set it as a secret: pulumi config set --secret ${PROJECT}:${key} <value>`,
      });
    }
  }

  if (raw.role === "artifacts") {
    need(`${PROJECT}:modelBucketName`, raw.modelBucketName, "for the artifacts role (the buckets' name prefix)", "Set modelBucketName");
    need(`${PROJECT}:replicaRegions`, raw.replicaRegions, "for the artifacts role", "List every region that serves models");
    // ArtifactStore's rule (lib/contracts/model-bucket.ts), at the config key.
    if (!failed.has(`${PROJECT}:replicaRegions`)) {
      problems.addAll(replicaRegionProblems(`${PROJECT}:replicaRegions`, region, raw.replicaRegions).map((p) => ({ file: id.file, ...p })));
    }
    problems.throwIfAny(`invalid stack config ${id.file}`);
    return {
      ...id,
      role: "artifacts",
      region: region ?? unchecked(id, "aws:region"),
      bucketNamePrefix: raw.modelBucketName ?? unchecked(id, "modelBucketName"),
      prefix: raw.modelPrefix,
      retentionDays: raw.objectLockRetentionDays,
      replicaRegions: raw.replicaRegions,
      replicationTimeControl: raw.replicationTimeControl,
    };
  }

  need(`${PROJECT}:environment`, raw.environment, "for a cluster stack", "Name the deployments/<environment> directory this cluster serves");
  need(`${PROJECT}:clusterName`, raw.clusterName, "for a cluster stack", "Set the EKS cluster name");
  // The cluster rules are ClusterAccess's (lib/contracts/cluster-access.ts), here at the config keys.
  if (raw.clusterMode === "create") {
    const subnets = failed.has(`${PROJECT}:privateSubnetIds`) ? undefined : clusterSubnetsProblem(`${PROJECT}:privateSubnetIds`, raw.privateSubnetIds);
    if (subnets) problems.add({ file: id.file, ...subnets });
  } else {
    need(`${PROJECT}:existingOidcProviderArn`, raw.existingOidcProviderArn, "in attach mode", "Give the IAM OIDC provider ARN of the existing cluster");
    need(`${PROJECT}:existingNodeRoleArn`, raw.existingNodeRoleArn, "in attach mode", "Give the IAM role ARN node groups run as");
  }
  if (!failed.has(`${PROJECT}:publicAccessCidrs`) && !failed.has(`${PROJECT}:endpointPublicAccess`)) {
    problems.addAll(publicAccessProblems(`${PROJECT}:publicAccessCidrs`, raw.endpointPublicAccess, raw.publicAccessCidrs).map((p) => ({ file: id.file, ...p })));
  }
  if (raw.modelBucketName === undefined && raw.artifactStack === undefined) {
    problems.add({ file: id.file, path: `${PROJECT}:artifactStack`, message: "is required when modelBucketName is not set", fix: "Reference the artifact store stack, or set modelBucketName to create a bucket in this stack" });
  }
  if (raw.artifactStack !== undefined) {
    // A StackReference is `<stack>` (this project) or `<org>/<project>/<stack>`. Another project's
    // stack must not resolve to a same-named stack of this one (the plan used the last segment).
    const parts = raw.artifactStack.split("/");
    if (parts.length === 3 && parts[1] !== PROJECT) {
      problems.add({ file: id.file, path: `${PROJECT}:artifactStack`, value: raw.artifactStack, message: `names a stack of project ${parts[1]}, but the artifact store is a stack of this project (${PROJECT})`, fix: `Reference it as <stack> or <org>/${PROJECT}/<stack>` });
    } else if (parts.length !== 1 && parts.length !== 3) {
      problems.add({ file: id.file, path: `${PROJECT}:artifactStack`, value: raw.artifactStack, message: "is not a stack reference", fix: `Write <stack> or <org>/${PROJECT}/<stack>` });
    }
  }
  if (raw.modelBucketName !== undefined && raw.artifactStack !== undefined) {
    problems.add({ file: id.file, path: `${PROJECT}:modelBucketName`, value: raw.modelBucketName, message: "conflicts with artifactStack", fix: "Use either a local bucket (modelBucketName) or the artifact store (artifactStack)" });
  }
  if (raw.delivery !== "direct") {
    need(`${PROJECT}:gitRepoUrl`, raw.gitRepoUrl, `with delivery ${raw.delivery}`, "Set the GitOps repository URL, or use delivery: direct");
    need(`${PROJECT}:gitToken`, raw.gitToken, `with delivery ${raw.delivery}`, `Set a read-only token: pulumi config set --secret ${PROJECT}:gitToken <token>`);
  }
  if (raw.delivery === "argocd") {
    need(`${PROJECT}:argocdAdminPasswordBcrypt`, raw.argocdAdminPasswordBcrypt, "with delivery argocd", `Set it: pulumi config set --secret ${PROJECT}:argocdAdminPasswordBcrypt "$(htpasswd -nbBC 10 '' <password> | tr -d ':\\n')"`);
  }
  if (raw.kserveDeploymentMode === "Knative" && raw.knativeNetworkingLayer === undefined) {
    problems.add({
      file: id.file,
      path: `${PROJECT}:knativeNetworkingLayer`,
      message: "is required in Knative mode: KServe's Knative mode needs Knative Serving and a networking layer, which this platform does not install",
      fix: "Install Knative Serving with Istio or Kourier and set knativeNetworkingLayer, or use kserveDeploymentMode: Standard",
    });
  }
  // The rule binding monitoring and prometheusUrl is the contract's (lib/contracts/monitoring.ts).
  const monitoring = monitoringChoice(`${PROJECT}:`, raw.monitoring, raw.prometheusUrl);
  if ("problems" in monitoring && !failed.has(`${PROJECT}:prometheusUrl`)) problems.addAll(monitoring.problems.map((p) => ({ file: id.file, ...p })));
  const gateway = gatewayPlan(raw.gatewayClassName, raw.existingGateway, id.file, problems, failed);
  const gpuPools = validatePools(raw, id, problems);
  const signing = signingProblems(raw, id, problems);
  problems.throwIfAny(`invalid stack config ${id.file}`);

  const path = raw.gitopsPath ?? `clusters/${id.stack}`;
  const common = { revision: raw.gitRevision, path, modelsPath: `${path}/models` };
  // Each union below takes only what its branch needs, which the checks above required.
  const gitops: GitOpsConfig =
    raw.delivery === "direct"
      ? { ...common, delivery: "direct" }
      : { ...common, delivery: raw.delivery, repoUrl: raw.gitRepoUrl ?? unchecked(id, "gitRepoUrl"), syncTimeoutMinutes: raw.syncTimeoutMinutes, ...(signing && { signing }) };
  const clusterCommon = {
    name: raw.clusterName ?? unchecked(id, "clusterName"),
    version: raw.kubernetesVersion,
    subnetIds: raw.privateSubnetIds,
    endpointPublicAccess: raw.endpointPublicAccess,
    publicAccessCidrs: raw.publicAccessCidrs,
  };
  const cluster: ClusterConfig =
    raw.clusterMode === "attach"
      ? {
          ...clusterCommon,
          mode: "attach",
          existingOidcProviderArn: raw.existingOidcProviderArn ?? unchecked(id, "existingOidcProviderArn"),
          existingNodeRoleArn: raw.existingNodeRoleArn ?? unchecked(id, "existingNodeRoleArn"),
        }
      : { ...clusterCommon, mode: "create" };
  return {
    ...id,
    role: "cluster",
    region: region ?? unchecked(id, "aws:region"),
    environment: raw.environment ?? unchecked(id, "environment"),
    cluster,
    gpuPools,
    artifacts:
      raw.artifactStack !== undefined
        ? { kind: "stack", stackName: raw.artifactStack, prefix: raw.modelPrefix }
        : { kind: "local", bucketName: raw.modelBucketName ?? unchecked(id, "modelBucketName"), prefix: raw.modelPrefix, retentionDays: raw.objectLockRetentionDays },
    gitops,
    kserve: {
      mode: raw.kserveDeploymentMode,
      ...(raw.knativeNetworkingLayer && { knativeNetworkingLayer: raw.knativeNetworkingLayer }),
      modelsNamespace: raw.modelsNamespace,
    },
    monitoring: "choice" in monitoring ? monitoring.choice : unchecked(id, "prometheusUrl"),
    gateway: gateway ?? unchecked(id, "gatewayClassName"),
    secrets: new Set((["gitToken", "argocdAdminPasswordBcrypt", "huggingFaceToken"] as const).filter((k) => raw[k] !== undefined)),
  };
}

/**
 * Exactly one of gatewayClassName (the stack creates KServe's Gateway with that class) and
 * existingGateway (routes attach to it): HTTPRoutes whose Gateway nothing provides attach to
 * nothing, and Argo CD or Flux would sync them without error.
 */
function gatewayPlan(className: string | undefined, existing: string | undefined, file: string, problems: Problems, failed: ReadonlySet<string>): GatewayPlan | undefined {
  if (className !== undefined && existing !== undefined) {
    problems.add({ file, path: `${PROJECT}:existingGateway`, value: existing, message: "is set together with gatewayClassName", fix: "Keep one: gatewayClassName to have the stack create the Gateway, or existingGateway to attach to one." });
    return undefined;
  }
  if (className !== undefined) return { create: true, gatewayClassName: className, ref: DEFAULT_GATEWAY };
  if (existing !== undefined) {
    const ref = parseGatewayRef(existing, `${PROJECT}:existingGateway`);
    if ("message" in ref) {
      problems.add({ file, ...ref });
      return undefined;
    }
    return { create: false, ref };
  }
  // A value refused by its key's rule is reported there, not again as missing.
  if (failed.has(`${PROJECT}:gatewayClassName`) || failed.has(`${PROJECT}:existingGateway`)) return undefined;
  problems.add({
    file,
    path: `${PROJECT}:gatewayClassName`,
    message: "is required (or existingGateway): models' HTTPRoutes need a Gateway",
    fix: "Set the GatewayClass of the cluster's Gateway API implementation, e.g. `pulumi config set ml-gitops:gatewayClassName envoy`, or name an existing Gateway with ml-gitops:existingGateway <namespace>/<name>.",
  });
  return undefined;
}

/** Where a stack's config lives, relative to the project root. */
export function stackFile(stack: string): string {
  return `stacks/Pulumi.${stack}.yaml`;
}
