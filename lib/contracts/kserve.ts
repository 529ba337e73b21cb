/**
 * The input contract of KServe (components/kserve.ts): its args, their defaults, and the one
 * function that collects every problem with them. Pure: it names Pulumi's types only, so the
 * stack config and tests can check args without loading the SDK.
 */
import type { Input, Output } from "@pulumi/pulumi";
import type { Problem } from "../errors";
import { isKubernetesName, kubernetesNameProblem, type KubernetesNameRule } from "../names";
import type { KServeMode } from "../predicates/kserve-mode";
import { AWS_REGION, DEFAULT_STANDARD_INGRESS, IAM_ROLE_ARN, type KnativeNetworkingLayer, type StandardIngress } from "../render/kserve-platform";
import { parseGatewayRef } from "../render/gateway";
import { localModelNodeGroupProblems, type LocalModelNodeGroupInput } from "../render/local-model-node-group";
import { helmTimeoutProblems } from "./helm-release";
import { modelsNamespaceProblem, PLATFORM_NAMESPACES } from "./models-namespace";

/** The Secret holding the Hugging Face token (key HF_TOKEN) in the models and jobs namespaces. */
export const HF_TOKEN_SECRET = "hf-token";

/** Acknowledges what Knative mode needs and this component does not install. */
export interface KnativeArgs {
  /** Knative Serving is installed on the cluster. */
  readonly servingInstalled: boolean;
  /** The Knative networking layer in use. */
  readonly networkingLayer: KnativeNetworkingLayer;
}

export interface ModelStorageArgs {
  /** Region of the model bucket; the S3 endpoint is derived from it. */
  readonly bucketRegion: string;
  /** IAM role (IRSA) with read access to the model bucket. */
  readonly roleArn: Input<string>;
  /** @default "kserve-storage" */
  readonly serviceAccountName?: string;
}

export interface KServeArgs {
  readonly storage: ModelStorageArgs;
  /** Mode written to `kserve.controller.deploymentMode`. @default "Standard" */
  readonly deploymentMode?: KServeMode;
  /** Required for Knative mode: proof that Knative Serving and a networking layer are installed. */
  readonly knative?: KnativeArgs;
  /** Standard mode only: how models are exposed. @default { kind: "none" } (cluster-internal) */
  readonly ingress?: StandardIngress;
  /** Domain in InferenceService URLs. @default "cluster.local" */
  readonly domain?: string;
  /** Namespace models (and the storage ServiceAccount) live in; created here. @default "models" */
  readonly modelsNamespace?: string;
  /** @default "kserve" */
  readonly namespace?: string;
  /** Install cert-manager; turn off when the cluster already runs it (1.15+). @default true */
  readonly installCertManager?: boolean;
  /** @default "cert-manager" */
  readonly certManagerNamespace?: string;
  /**
   * LocalModelNodeGroups for LocalModelCaches, one per GPU model (`gpu-<label>`, the names the
   * caches reference; `nodeGroupsForPools`). Given and non-empty, the local model cache is turned
   * on in the controller (`kserve.localmodel.enabled`), the kserve-localmodel-crd and
   * kserve-localmodel-resources charts are installed (agent on the AL2023 GPU nodes), and the
   * groups are created after them. Empty or absent: the feature stays off and nothing of it is
   * installed. @default none (feature off)
   */
  readonly localModelNodeGroups?: readonly LocalModelNodeGroupInput[];
  /**
   * Hugging Face token (a Pulumi secret) for gated `hf://` repositories, given to the predictors'
   * storage initializer (Secret `hf-token` on the storage ServiceAccount) and, with caches, to the
   * cache download jobs: KServe's credential builder turns a Secret with an `HF_TOKEN` key on the
   * ServiceAccount into that env var (kserve@v0.20.0:pkg/credentials/service_account_credentials.go
   * mountSecretCredential). @default none (public repositories only)
   */
  readonly huggingFaceToken?: Output<string>;
  /**
   * Install KServe's LLMInferenceService controller: the kserve-llmisvc-crd and
   * kserve-llmisvc-resources charts (after the KServe controller, whose shared resources it uses)
   * and the well-known LLMInferenceServiceConfigs in kserve-runtime-configs. The cluster stack
   * turns it on when a declaration of its environment uses `engine: llm-inference-service`.
   * @default false (nothing of it installed)
   */
  readonly llmInferenceService?: boolean;
  /** Helm wait per release. @default 10 min */
  readonly helmTimeoutMinutes?: number;
}

export const KSERVE_DEFAULTS = {
  deploymentMode: "Standard" as KServeMode,
  domain: "cluster.local",
  modelsNamespace: "models",
  namespace: PLATFORM_NAMESPACES.kserve,
  installCertManager: true,
  certManagerNamespace: PLATFORM_NAMESPACES.certManager,
  serviceAccountName: "kserve-storage",
  helmTimeoutMinutes: 10,
} as const;


export const KNATIVE_MISSING_MESSAGE = "Knative mode needs Knative Serving and a networking layer, which this component does not install";
export const KNATIVE_MISSING_FIX =
  'Install Knative Serving with Istio (recommended) or Kourier, then pass knative: { servingInstalled: true, networkingLayer: "istio" | "kourier" }; or use deploymentMode "Standard" (the default), which needs neither.';

/** Every problem with the args, each with its path. */
export function kserveArgsProblems(args: KServeArgs): Problem[] {
  const problems: Problem[] = [];
  const mode = args.deploymentMode ?? KSERVE_DEFAULTS.deploymentMode;
  if (mode !== "Standard" && mode !== "Knative") {
    problems.push({ path: "deploymentMode", value: mode, message: "is not a KServe deployment mode", fix: 'Use "Standard" (default) or "Knative".' });
  }
  if (mode === "Knative") {
    if (args.knative?.servingInstalled !== true) {
      problems.push({ path: "knative.servingInstalled", value: args.knative?.servingInstalled, message: KNATIVE_MISSING_MESSAGE, fix: KNATIVE_MISSING_FIX });
    }
    const layer = args.knative?.networkingLayer;
    if (args.knative && layer !== "istio" && layer !== "kourier") {
      problems.push({ path: "knative.networkingLayer", value: layer, message: "is not a supported Knative networking layer", fix: 'Use "istio" or "kourier".' });
    }
    if (args.ingress) {
      problems.push({ path: "ingress", value: args.ingress.kind, message: "applies to Standard mode only", fix: "In Knative mode the networking layer routes traffic; remove ingress." });
    }
  }
  const ingress = args.ingress ?? DEFAULT_STANDARD_INGRESS;
  if (ingress.kind === "gatewayApi") {
    // The one Gateway reference rule, as ml-gitops:existingGateway reads it.
    const ref = parseGatewayRef(ingress.gateway, "ingress.gateway");
    if ("message" in ref) problems.push(ref);
  }
  if (ingress.kind === "ingress" && !isKubernetesName("dns1123-subdomain", ingress.className)) {
    problems.push({ path: "ingress.className", value: ingress.className, message: "is not an IngressClass name", fix: "Name an existing IngressClass, e.g. alb." });
  }
  const domain = args.domain ?? KSERVE_DEFAULTS.domain;
  if (!isKubernetesName("dns1123-subdomain", domain)) {
    problems.push({ path: "domain", value: domain, message: "is not a DNS domain", fix: "Use a lower-case domain such as models.example.com." });
  }
  // Namespaces are DNS-1123 labels, ServiceAccounts DNS-1123 subdomains (lib/names.ts).
  const names: [KubernetesNameRule, string, string, string, string][] = [
    ["dns1123-label", "namespace name", "namespace", args.namespace ?? KSERVE_DEFAULTS.namespace, `Omit it for the default ${KSERVE_DEFAULTS.namespace}.`],
    ["dns1123-label", "namespace name", "certManagerNamespace", args.certManagerNamespace ?? KSERVE_DEFAULTS.certManagerNamespace, `Omit it for the default ${KSERVE_DEFAULTS.certManagerNamespace}.`],
    ["dns1123-subdomain", "service account name", "storage.serviceAccountName", args.storage.serviceAccountName ?? KSERVE_DEFAULTS.serviceAccountName, `Omit it for the default ${KSERVE_DEFAULTS.serviceAccountName}.`],
  ];
  for (const [rule, what, path, value, fix] of names) {
    const p = kubernetesNameProblem(rule, what, path, value, fix);
    if (p) problems.push(p);
  }
  const modelsProblem = modelsNamespaceProblem("modelsNamespace", args.modelsNamespace ?? KSERVE_DEFAULTS.modelsNamespace, [
    args.namespace ?? KSERVE_DEFAULTS.namespace,
    args.certManagerNamespace ?? KSERVE_DEFAULTS.certManagerNamespace,
  ]);
  if (modelsProblem) problems.push(modelsProblem);
  if (!AWS_REGION.test(args.storage.bucketRegion)) {
    problems.push({ path: "storage.bucketRegion", value: args.storage.bucketRegion, message: "is not an AWS region", fix: "Use the bucket's region code, e.g. us-east-1." });
  }
  // An Output is checked by the IAM role that produces it; a literal is checked here.
  if (typeof args.storage.roleArn === "string" && !IAM_ROLE_ARN.test(args.storage.roleArn)) {
    problems.push({ path: "storage.roleArn", value: args.storage.roleArn, message: "is not an IAM role ARN", fix: "Pass the model-reader role's arn, e.g. arn:aws:iam::123456789012:role/model-reader." });
  }
  problems.push(...localModelNodeGroupProblems(args.localModelNodeGroups ?? [], "localModelNodeGroups"));
  problems.push(...helmTimeoutProblems(args.helmTimeoutMinutes ?? KSERVE_DEFAULTS.helmTimeoutMinutes, KSERVE_DEFAULTS.helmTimeoutMinutes));
  return problems;
}
