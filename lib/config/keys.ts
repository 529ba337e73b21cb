/**
 * Every config key of the project, in one table: its Pulumi type, description, default and
 * schema. Pulumi.yaml's `config:` section declares the same keys (a test keeps them equal);
 * Pulumi project config can type strings, integers, booleans and arrays, so the one structured
 * key, `gpuPools`, is declared here and documented in Pulumi.yaml's comments.
 */
import { z } from "zod";
import { kubernetesVersionProblem } from "../contracts/cluster-access";
import { repoDirectoryProblem, repoUrlProblem } from "../contracts/gitops-repo";
import { modelBucketProblems, RETENTION_DAYS } from "../contracts/model-bucket";
import { modelsNamespaceProblem } from "../contracts/models-namespace";
import { prometheusAddress } from "../contracts/monitoring";
import { GATEWAY_CLASS_NAME } from "../contracts/gateway-api";
import { GPU_POOL_PROVISIONERS, type CapacityReservation, type GpuPoolProvisioner } from "../contracts/gpu-node-pool";
import { SYNC_TIMEOUT_MINUTES, syncTimeoutProblem } from "../contracts/sync-timeout";
import type { Problem } from "../errors";
import { DNS1123_LABEL_FORMAT, isKubernetesName, kubernetesNameMessage, type KubernetesNameRule } from "../names";
import { KUBERNETES_VERSION } from "../versions";

export type PulumiType = "string" | "integer" | "boolean" | "array" | "object";

export interface KeySpec {
  readonly type: PulumiType;
  readonly description: string;
  readonly schema: z.ZodType;
  /** Must be set with `pulumi config set --secret`. */
  readonly secret?: boolean;
  /** Shown in Pulumi.yaml; the schema applies it. */
  readonly default?: string | number | boolean | readonly string[];
  /**
   * The value's rules beyond its type, from the contract of the component the key feeds: the
   * schema checks the shape only, so a limit is written once (lib/contracts/).
   */
  readonly check?: (path: string, value: never) => Problem | undefined;
}

/** A Kubernetes object name by its kind's rule (lib/names.ts), with the message every name check uses. */
function kubernetesName(rule: KubernetesNameRule, what: string, fix: string) {
  return z.string().refine((v) => isKubernetesName(rule, v), { message: kubernetesNameMessage(rule, what), params: { fix } });
}

export { GPU_POOL_PROVISIONERS, type CapacityReservation, type GpuPoolProvisioner };

/** The shape of a capacity reservation; its rules are the pool contract's (lib/contracts/gpu-node-pool.ts). */
export const capacityReservationSchema = z.strictObject({
  id: z.string().optional(),
  tags: z.record(z.string().min(1), z.string().min(1)).optional(),
  ownerId: z.string().optional(),
});

/**
 * The shape of one GpuNodePool or KarpenterGpuPool's args (lib/contracts/gpu-node-pool.ts
 * GpuPoolArgs), plus the pool's name. Types and keys only: the values are checked by the pool
 * contract's checkGpuPool, with the prefix ml-gitops:gpuPools[<i>].
 */
export const gpuPoolSchema = z.strictObject({
  /** Pool name; its objects are `gpu-<name>`. */
  name: kubernetesName("dns1123-label", "pool name", "Name the pool like h100 or l4-spot."),
  amiType: z.string(),
  /** Instance types in order of preference; the region keeps those it offers. */
  instanceTypes: z.array(z.string()),
  /**
   * Who launches the pool's nodes: an EKS managed node group, or Karpenter (the stack then
   * installs Karpenter and renders an EC2NodeClass and a NodePool for the pool). @default managed-node-group
   */
  provisioner: z.string().optional(),
  /** `reserved` (Karpenter only): capacity reservations or Capacity Blocks for ML, chosen by capacityReservations. @default ON_DEMAND */
  capacityType: z.string().optional(),
  /** With capacityType reserved: the reservations to launch into, each by id or by tags. */
  capacityReservations: z.array(capacityReservationSchema).optional(),
  /** With capacityType reserved: launch on-demand when the reservations are used up. @default false */
  fallbackToOnDemand: z.boolean().optional(),
  minSize: z.number(),
  maxSize: z.number(),
  /** @default minSize */
  desiredSize: z.number().optional(),
  /** Root volume size; model images and weights need room. @default 200 GiB (50 to 16384) */
  diskSizeGiB: z.number().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/** A public key trusted to sign GitOps commits; `id` names it (for PGP: its 16-hex key id, as Argo CD lists keys). */
export const signingKeySchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, { message: "must be letters, digits, '_' and '-' (a Secret data key)" }),
  publicKey: z.string().min(1),
});

export const CONFIG_KEYS = {
  role: {
    type: "string",
    description: "What this stack provisions: `cluster` (a GPU cluster and its platform) or `artifacts` (the shared model artifact store).",
    schema: z.enum(["cluster", "artifacts"]).default("cluster"),
    default: "cluster",
  },
  environment: {
    type: "string",
    description: "The deployments/<environment> directory whose model declarations this cluster serves.",
    schema: kubernetesName("dns1123-label", "environment name", "Name the deployments/<environment> directory, e.g. production.").optional(),
  },
  clusterMode: {
    type: "string",
    description: "`create` an EKS cluster, or `attach` to an existing one by name.",
    schema: z.enum(["create", "attach"]).default("create"),
    default: "create",
  },
  clusterName: {
    type: "string",
    description: "EKS cluster name (created or attached).",
    // EKS allows 100 characters; the DNS-1123 label characters keep the name usable in tags,
    // Karpenter's discovery tag and kubeconfig contexts.
    schema: z.string().regex(DNS1123_LABEL_FORMAT, { message: "must be lower-case letters, digits and '-', starting and ending with a letter or digit" }).max(100).optional(),
  },
  kubernetesVersion: {
    type: "string",
    description: "EKS Kubernetes version for a created cluster.",
    schema: z.string().default(KUBERNETES_VERSION),
    default: KUBERNETES_VERSION,
    check: kubernetesVersionProblem,
  },
  privateSubnetIds: {
    type: "array",
    description: "Private subnets for the control plane and node groups; GPU pools use those in zones that offer their instance types.",
    schema: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "must be a subnet id like subnet-0a1b2c3d" })).default([]),
  },
  endpointPublicAccess: {
    type: "boolean",
    description: "Expose the EKS API endpoint publicly (restricted to publicAccessCidrs). The private endpoint is always on.",
    schema: z.boolean().default(false),
    default: false,
  },
  publicAccessCidrs: {
    type: "array",
    description: "CIDRs allowed to reach a public API endpoint.",
    // Checked with endpointPublicAccess by lib/contracts/cluster-access.ts publicAccessProblems.
    schema: z.array(z.string()).default([]),
  },
  existingOidcProviderArn: {
    type: "string",
    description: "attach mode: ARN of the cluster's IAM OIDC provider (IRSA).",
    schema: z.string().startsWith("arn:aws:iam::").optional(),
  },
  existingNodeRoleArn: {
    type: "string",
    description: "attach mode: ARN of the IAM role GPU node groups run as.",
    schema: z.string().startsWith("arn:aws:iam::").optional(),
  },
  gpuPools: {
    type: "object",
    description: "GPU node pools: [{name, provisioner, amiType, instanceTypes, capacityType, capacityReservations, fallbackToOnDemand, minSize, maxSize, desiredSize, diskSizeGiB, labels}].",
    schema: z.array(gpuPoolSchema).default([]),
  },
  modelBucketName: {
    type: "string",
    description: "Model artifact bucket name (cluster role without artifactStack), or the name prefix of the artifact store's buckets.",
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,50}[a-z0-9]$/, { message: "must be a valid S3 bucket name of at most 52 characters" }).optional(),
  },
  modelPrefix: {
    type: "string",
    description: "Key prefix under which model artifacts live; the serving role may read only this prefix.",
    schema: z.string().regex(/^([a-z0-9][-a-z0-9_.]*\/)+$/, { message: 'must be a key prefix ending in "/", like "models/"' }).default("models/"),
    default: "models/",
  },
  objectLockRetentionDays: {
    type: "integer",
    description: "Object Lock retention of every artifact version, in days.",
    schema: z.number().default(RETENTION_DAYS.default),
    default: RETENTION_DAYS.default,
    // ModelBucket's rules for retentionDays (range, and later than the STANDARD_IA transition).
    check: (path: string, days: number) => modelBucketProblems({ retentionDays: days }, "", { retentionDays: path })[0],
  },
  artifactStack: {
    type: "string",
    description: "Fully qualified name (org/project/stack) of the artifact store stack whose region-local replica this cluster reads.",
    schema: z.string().min(1).optional(),
  },
  replicaRegions: {
    type: "array",
    description: "artifacts role: every region that serves models and gets a replica bucket.",
    // Checked with aws:region by lib/contracts/model-bucket.ts replicaRegionProblems.
    schema: z.array(z.string()).default([]),
  },
  replicationTimeControl: {
    type: "boolean",
    description: "artifacts role: S3 Replication Time Control (15-minute SLA and metrics) on every replication rule.",
    schema: z.boolean().default(true),
    default: true,
  },
  delivery: {
    type: "string",
    description: "How model manifests reach the cluster: `argocd` or `flux` sync them from git, `direct` applies them with Pulumi.",
    schema: z.enum(["argocd", "flux", "direct"]).default("argocd"),
    default: "argocd",
  },
  gitRepoUrl: {
    type: "string",
    description: "GitOps repository (https) that Argo CD or Flux syncs.",
    schema: z.string().optional(),
    check: repoUrlProblem,
  },
  gitRevision: {
    type: "string",
    description: "Branch, tag or commit the GitOps controllers track.",
    schema: z.string().min(1).default("main"),
    default: "main",
  },
  gitopsPath: {
    type: "string",
    description: "Directory of this cluster in the GitOps repository; models go to <path>/models. @default clusters/<stack>",
    schema: z.string().optional(),
    check: (path: string, dir: string) => repoDirectoryProblem(path, dir, "clusters/prod-us-east-1"),
  },
  gitToken: {
    type: "string",
    description: "Token for the GitOps repository (secret).",
    schema: z.string().min(1).optional(),
    secret: true,
  },
  argocdAdminPasswordBcrypt: {
    type: "string",
    description: "bcrypt hash of the Argo CD admin password (secret); required with delivery argocd.",
    schema: z.string().min(1).optional(),
    secret: true,
  },
  huggingFaceToken: {
    type: "string",
    description: "Hugging Face token (secret) for gated hf:// repositories: given to the predictors' storage initializer and to the local model cache's download jobs.",
    schema: z.string().min(1).optional(),
    secret: true,
  },
  syncTimeoutMinutes: {
    type: "integer",
    description: "How long GitOps waits for model workloads to become healthy; GPU pods take 10+ minutes.",
    schema: z.number().default(SYNC_TIMEOUT_MINUTES.default),
    default: SYNC_TIMEOUT_MINUTES.default,
    check: syncTimeoutProblem,
  },
  kserveDeploymentMode: {
    type: "string",
    description: "KServe deployment mode, always set explicitly: Standard (plain Deployments) or Knative (needs Knative Serving and a networking layer).",
    schema: z.enum(["Standard", "Knative"]).default("Standard"),
    default: "Standard",
  },
  knativeNetworkingLayer: {
    type: "string",
    description: "Knative mode: the networking layer already installed with Knative Serving (istio or kourier).",
    schema: z.enum(["istio", "kourier"]).optional(),
  },
  modelsNamespace: {
    type: "string",
    description: "Namespace model workloads run in.",
    // The shape only: the rule is the one ArgoCd and KServe apply (lib/contracts/models-namespace.ts).
    schema: z.string().default("models"),
    check: (path: string, namespace: string) => modelsNamespaceProblem(path, namespace),
    default: "models",
  },
  monitoring: {
    type: "string",
    description: "The Prometheus canary analyses read: kube-prometheus-stack (installed by this stack, the default) or external (one you run, named by prometheusUrl).",
    schema: z.enum(["kube-prometheus-stack", "external"]).default("kube-prometheus-stack"),
    default: "kube-prometheus-stack",
  },
  gatewayClassName: {
    type: "string",
    description: "GatewayClass of the cluster's Gateway API implementation (e.g. Envoy Gateway's); the stack creates the Gateway models' HTTPRoutes attach to (kserve/kserve-ingress-gateway) with it. Set this or existingGateway.",
    // The rule is GatewayApi's (lib/contracts/gateway-api.ts).
    schema: kubernetesName(GATEWAY_CLASS_NAME.rule, GATEWAY_CLASS_NAME.what, GATEWAY_CLASS_NAME.fix).optional(),
  },
  existingGateway: {
    type: "string",
    description: "<namespace>/<name> of an existing Gateway models' HTTPRoutes attach to instead (attached clusters); the stack then creates none. Set this or gatewayClassName.",
    schema: z.string().min(1).optional(),
  },
  prometheusUrl: {
    type: "string",
    description: "monitoring external: the Prometheus canary analyses query, reachable from the Argo Rollouts controller; it must select PodMonitors labelled ml-gitops.dev/monitor=models.",
    // The shape only: the rule is the one ArgoRollouts and ModelDeployment apply (lib/contracts/monitoring.ts).
    schema: z.string().optional(),
    check: (path: string, url: string) => {
      const address = prometheusAddress(url, path);
      return "problem" in address ? address.problem : undefined;
    },
  },
  requireSignedCommits: {
    type: "boolean",
    description: "Argo CD or Flux sync only commits signed by a key in commitSigningKeys (promote with --sign; check with ml-gitops verify --require-signatures).",
    schema: z.boolean().default(false),
    default: false,
  },
  commitSigningKeys: {
    type: "object",
    description: "Public keys trusted to sign GitOps commits: [{id, publicKey}]; Flux takes SSH or PGP keys, Argo CD PGP keys with their 16-hex key id.",
    schema: z.array(signingKeySchema).default([]),
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type RawConfig = { -readonly [K in ConfigKey]: z.output<(typeof CONFIG_KEYS)[K]["schema"]> };
