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
import { throwIfProblems } from "../lib/errors";
import type { KServeMode } from "../lib/predicates/kserve-mode";
import {
  certManagerValues,
  DEFAULT_STANDARD_INGRESS,
  kserveControllerValues,
  kserveRuntimeConfigValues,
  llmisvcResourcesValues,
  localModelResourcesValues,
  storageServiceAccountAnnotations,
} from "../lib/render/kserve-platform";
import { buildLocalModelNodeGroup, LOCAL_MODEL_NODE_OS } from "../lib/render/local-model-node-group";
import { LOCAL_MODEL_JOB_NAMESPACE, LOCAL_MODEL_JOB_SERVICE_ACCOUNT } from "../lib/render/local-model-cache";
import { HF_TOKEN_SECRET, KSERVE_DEFAULTS, kserveArgsProblems, type KServeArgs } from "../lib/contracts/kserve";
import { pinnedRelease } from "./pinned-release";

export {
  HF_TOKEN_SECRET,
  KNATIVE_MISSING_FIX,
  KNATIVE_MISSING_MESSAGE,
  KSERVE_DEFAULTS,
  kserveArgsProblems,
  type KnativeArgs,
  type KServeArgs,
  type ModelStorageArgs,
} from "../lib/contracts/kserve";

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
    throwIfProblems(`KServe ${name}`, kserveArgsProblems(args));

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

    const hfSecret = (suffix: string, ns: pulumi.Input<string>, token: pulumi.Output<string>) =>
      new k8s.core.v1.Secret(
        `${name}-hf-token${suffix}`,
        { metadata: { name: HF_TOKEN_SECRET, namespace: ns }, type: "Opaque", stringData: { HF_TOKEN: pulumi.secret(token) } },
        { parent: this },
      );

    if (nodeGroups.length > 0) {
      // The download jobs' namespace: KServe's controller config names it (kserve-resources
      // values `kserve.localmodel.jobNamespace`, default kserve-localmodel-jobs) but no chart
      // creates it; upstream's own e2e creates it by hand.
      const jobsNamespace = new k8s.core.v1.Namespace(`${name}-localmodel-jobs-namespace`, { metadata: { name: LOCAL_MODEL_JOB_NAMESPACE } }, { parent: this });
      const jobsSecrets = args.huggingFaceToken ? [hfSecret("-localmodel-jobs", jobsNamespace.metadata.name, args.huggingFaceToken)] : [];
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
      { parent: this, ...(args.huggingFaceToken && { dependsOn: [hfSecret("", modelsNamespace.metadata.name, args.huggingFaceToken)] }) },
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
