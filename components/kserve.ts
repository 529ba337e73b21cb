/**
 * KServe v0.20.0 on EKS: cert-manager, then the KServe CRDs, the controller and the
 * ClusterServingRuntimes, each its own pinned Helm release in that order, plus the storage
 * ServiceAccount models use to read weights from S3 through IRSA.
 *
 * Order matters: the controller's webhook certificate is a cert-manager Certificate (so
 * cert-manager's CRDs and webhook must be up), and the runtime chart's ClusterServingRuntimes are
 * admitted by the KServe webhook (so the controller must be ready, which atomic Helm waits for).
 *
 * With `llmInferenceService`, KServe's LLMInferenceService CRDs and controller are installed
 * after the KServe controller, and the runtime configs release (whose LLMInferenceServiceConfigs
 * their webhook admits) after them.
 *
 * With `localModelNodeGroups`, the local model cache is switched on in the controller, the
 * LocalModel CRDs, controller and node agent are installed (their own charts since KServe 0.16,
 * after the KServe controller, whose Issuer and leader-election Role they use), and one
 * LocalModelNodeGroup per GPU model is created (lib/render/local-model-node-group.ts), so the
 * LocalModelCaches the model renderer writes have node groups, and an agent, to land on.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CHARTS, type ChartPin } from "../lib/versions";
import { Problems, type Problem } from "../lib/errors";
import { isKubernetesName, kubernetesNameProblem, type KubernetesNameRule } from "../lib/names";
import { modelsNamespaceProblem, PLATFORM_NAMESPACES } from "../lib/contracts/models-namespace";
import type { KServeMode } from "../lib/predicates/kserve-mode";
import {
  AWS_REGION,
  certManagerValues,
  DEFAULT_STANDARD_INGRESS,
  IAM_ROLE_ARN,
  kserveControllerValues,
  kserveRuntimeConfigValues,
  llmisvcResourcesValues,
  localModelResourcesValues,
  storageServiceAccountAnnotations,
  type KnativeNetworkingLayer,
  type StandardIngress,
} from "../lib/render/kserve-platform";
import { buildLocalModelNodeGroup, LOCAL_MODEL_NODE_OS, localModelNodeGroupProblems, type LocalModelNodeGroupInput } from "../lib/render/local-model-node-group";
import { LOCAL_MODEL_JOB_NAMESPACE, LOCAL_MODEL_JOB_SERVICE_ACCOUNT } from "../lib/render/local-model-cache";

/** The Secret holding the Hugging Face token (key HF_TOKEN) in the models and jobs namespaces. */
export const HF_TOKEN_SECRET = "hf-token";
import { helmTimeoutProblems, pinnedRelease } from "./pinned-release";

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
  readonly roleArn: pulumi.Input<string>;
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
  readonly huggingFaceToken?: pulumi.Output<string>;
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
  if (ingress.kind === "gatewayApi" && !/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(ingress.gateway)) {
    problems.push({ path: "ingress.gateway", value: ingress.gateway, message: "is not <namespace>/<name>", fix: "Name an existing Gateway, e.g. kserve/kserve-ingress-gateway." });
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

export class KServe extends pulumi.ComponentResource {
  readonly deploymentMode: pulumi.Output<KServeMode>;
  readonly storageServiceAccountName: pulumi.Output<string>;
  readonly modelsNamespace: pulumi.Output<string>;
  /** Names of the LocalModelNodeGroups created, which LocalModelCaches may reference. */
  readonly localModelNodeGroups: pulumi.Output<string[]>;
  /** The controller release; InferenceServices depend on it. */
  readonly controller: k8s.helm.v3.Release;

  constructor(name: string, args: KServeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:serving:KServe", name, args, opts);
    const problems = new Problems();
    problems.addAll(kserveArgsProblems(args));
    problems.throwIfAny(`KServe ${name}`);

    const mode = args.deploymentMode ?? KSERVE_DEFAULTS.deploymentMode;
    const nodeGroups = args.localModelNodeGroups ?? [];
    const timeoutMinutes = args.helmTimeoutMinutes ?? KSERVE_DEFAULTS.helmTimeoutMinutes;
    // Each step gates the next (webhooks, CRDs): pinnedRelease rolls a half-installed step back
    // rather than leaving it for the next release to trip over.
    const release = (role: string, pin: ChartPin, releaseName: string, namespace: pulumi.Input<string>, values: pulumi.Inputs, dependsOn: pulumi.Resource[]) =>
      pinnedRelease(`${name}-${role}`, { pin, releaseName, namespace, values, timeoutMinutes }, { parent: this, dependsOn });

    const before: pulumi.Resource[] = [];
    if (args.installCertManager ?? KSERVE_DEFAULTS.installCertManager) {
      const cmNamespace = new k8s.core.v1.Namespace(
        `${name}-cert-manager-namespace`,
        { metadata: { name: args.certManagerNamespace ?? KSERVE_DEFAULTS.certManagerNamespace } },
        { parent: this },
      );
      before.push(release("cert-manager", CHARTS.certManager, "cert-manager", cmNamespace.metadata.name, certManagerValues(), []));
    }

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: args.namespace ?? KSERVE_DEFAULTS.namespace } }, { parent: this });
    const crds = release("crd", CHARTS.kserveCrd, "kserve-crd", namespace.metadata.name, {}, before);
    this.controller = release(
      "controller",
      CHARTS.kserveResources,
      "kserve",
      namespace.metadata.name,
      kserveControllerValues({
        deploymentMode: mode,
        ingress: args.ingress ?? DEFAULT_STANDARD_INGRESS,
        networkingLayer: args.knative?.networkingLayer,
        domain: args.domain ?? KSERVE_DEFAULTS.domain,
        localModel: nodeGroups.length > 0,
      }),
      [...before, crds],
    );
    const llm = args.llmInferenceService ?? false;
    const llmisvc: pulumi.Resource[] = [];
    if (llm) {
      const llmCrds = release("llmisvc-crd", CHARTS.kserveLlmisvcCrd, "kserve-llmisvc-crd", namespace.metadata.name, {}, before);
      llmisvc.push(release("llmisvc", CHARTS.kserveLlmisvcResources, "kserve-llmisvc-resources", namespace.metadata.name, llmisvcResourcesValues(), [...before, llmCrds, this.controller]));
    }
    release("runtimes", CHARTS.kserveRuntimeConfigs, "kserve-runtime-configs", namespace.metadata.name, kserveRuntimeConfigValues(llm), [crds, this.controller, ...llmisvc]);

    const hfSecret = (suffix: string, ns: pulumi.Input<string>) =>
      new k8s.core.v1.Secret(
        `${name}-hf-token${suffix}`,
        { metadata: { name: HF_TOKEN_SECRET, namespace: ns }, type: "Opaque", stringData: { HF_TOKEN: pulumi.secret(args.huggingFaceToken!) } },
        { parent: this },
      );

    if (nodeGroups.length > 0) {
      // The download jobs' namespace: KServe's controller config names it (kserve-resources
      // values `kserve.localmodel.jobNamespace`, default kserve-localmodel-jobs) but no chart
      // creates it; upstream's own e2e creates it by hand.
      const jobsNamespace = new k8s.core.v1.Namespace(`${name}-localmodel-jobs-namespace`, { metadata: { name: LOCAL_MODEL_JOB_NAMESPACE } }, { parent: this });
      const jobsSecrets = args.huggingFaceToken ? [hfSecret("-localmodel-jobs", jobsNamespace.metadata.name)] : [];
      // The agent's download Job pods run as the namespace's `default` ServiceAccount (the Job
      // sets none: kserve@v0.20.0:pkg/controller/v1alpha1/localmodelnode/controller.go), and the
      // credential builder reads the ServiceAccount the cache names, which our caches name
      // `default` (lib/render/local-model-cache.ts). So `default` carries the IRSA role (EKS
      // injects the web identity token into its pods) and the S3 annotations (the builder turns
      // them into S3_ENDPOINT/AWS_REGION env), and lists the HF token Secret.
      new k8s.core.v1.ServiceAccountPatch(
        `${name}-localmodel-jobs-default-sa`,
        {
          metadata: {
            name: LOCAL_MODEL_JOB_SERVICE_ACCOUNT,
            namespace: jobsNamespace.metadata.name,
            annotations: storageServiceAccountAnnotations({ region: args.storage.bucketRegion, roleArn: args.storage.roleArn }),
          },
          ...(jobsSecrets.length > 0 && { secrets: [{ name: HF_TOKEN_SECRET }] }),
        },
        { parent: this, dependsOn: jobsSecrets },
      );
      // The CRDs need nothing installed first; kserve-crd does not carry them (one owner each).
      const localModelCrds = release("localmodel-crd", CHARTS.kserveLocalModelCrd, "kserve-localmodel-crd", namespace.metadata.name, {}, []);
      // After the controller: the chart's webhook Certificate is issued by kserve-resources'
      // selfsigned-issuer, and its controller binds kserve-resources' leader-election Role.
      const localModel = release(
        "localmodel",
        CHARTS.kserveLocalModelResources,
        "kserve-localmodel-resources",
        namespace.metadata.name,
        localModelResourcesValues({
          kserveVersion: CHARTS.kserveLocalModelResources.appVersion,
          nodeOs: LOCAL_MODEL_NODE_OS,
          gpuModelLabels: nodeGroups.map((g) => g.gpuModelLabel),
        }),
        [...before, localModelCrds, this.controller],
      );
      // Cluster-scoped, so the child name carries the group's name rather than an index: adding
      // a pool never renames (and replaces) another pool's group.
      for (const group of nodeGroups) {
        const object = buildLocalModelNodeGroup(group);
        new k8s.apiextensions.CustomResource(`${name}-local-model-node-group-${group.name}`, object, { parent: this, dependsOn: [localModelCrds, localModel] });
      }
    }

    const modelsNamespace = new k8s.core.v1.Namespace(
      `${name}-models-namespace`,
      { metadata: { name: args.modelsNamespace ?? KSERVE_DEFAULTS.modelsNamespace } },
      { parent: this },
    );
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-storage`,
      {
        metadata: {
          name: args.storage.serviceAccountName ?? KSERVE_DEFAULTS.serviceAccountName,
          namespace: modelsNamespace.metadata.name,
          annotations: storageServiceAccountAnnotations({ region: args.storage.bucketRegion, roleArn: args.storage.roleArn }),
        },
        ...(args.huggingFaceToken && { secrets: [{ name: HF_TOKEN_SECRET }] }),
      },
      { parent: this, ...(args.huggingFaceToken && { dependsOn: [hfSecret("", modelsNamespace.metadata.name)] }) },
    );

    this.deploymentMode = pulumi.output(mode);
    this.localModelNodeGroups = pulumi.output(nodeGroups.map((g) => g.name));
    this.storageServiceAccountName = serviceAccount.metadata.name;
    this.modelsNamespace = modelsNamespace.metadata.name;
    this.registerOutputs({
      deploymentMode: this.deploymentMode,
      storageServiceAccountName: this.storageServiceAccountName,
      modelsNamespace: this.modelsNamespace,
      localModelNodeGroups: this.localModelNodeGroups,
      controller: this.controller,
    });
  }
}
