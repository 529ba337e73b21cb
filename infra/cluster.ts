/**
 * A GPU cluster stack: the cluster, its GPU pools, the serving role for the model artifacts,
 * KServe and Argo Rollouts, the GitOps controller, and one ModelDeployment per declaration of
 * the environment the stack serves.
 */
import * as aws from "../components/sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgoCd } from "../components/argo-cd";
import { ArgoRollouts } from "../components/argo-rollouts";
import { ClusterAccess } from "../components/cluster-access";
import { Flux } from "../components/flux";
import { GatewayApi } from "../components/gateway-api";
import { GpuNodePool } from "../components/gpu-node-pool";
import { Karpenter } from "../components/karpenter";
import { KarpenterGpuPool } from "../components/karpenter-gpu-pool";
import { KServe } from "../components/kserve";
import { ModelDeployment, trainingDir } from "../components/model-deployment";
import { ModelReaderRole } from "../components/model-reader-role";
import { Monitoring } from "../components/monitoring";
import { DcgmExporter } from "../components/dcgm-exporter";
import { needsDevicePlugin, NvidiaDevicePlugin } from "../components/nvidia-device-plugin";
import type { ClusterStackConfig } from "../lib/config/stack-config";
import { loadDeployments } from "../lib/deployments/loader";
import { INSTALLED_PROMETHEUS_URL } from "../lib/render/monitoring-stack";
import { pluginOwnedWeightIgnores } from "../lib/render/flux";
import { LOCAL_MODEL_AGENT_LABEL } from "../lib/render/kserve-platform";
import { LOCAL_MODEL_JOB_NAMESPACE, LOCAL_MODEL_JOB_SERVICE_ACCOUNT } from "../lib/render/local-model-cache";
import { nodeGroupsForPools, poolHoldsCaches } from "../lib/render/local-model-node-group";
import { artifactBucket } from "./artifacts-source";
import { secret } from "./config";

const STORAGE_SERVICE_ACCOUNT = "kserve-storage";

function requiredSecret(key: string): pulumi.Output<string> {
  const value = secret(key);
  // parseStackConfig has already required the key; this guards the wiring, not the user.
  if (!value) throw new Error(`config ${key} is required here`);
  return value;
}

export async function clusterPlatform(config: ClusterStackConfig): Promise<Record<string, unknown>> {
  // Declarations are validated against this stack's pools before anything is registered.
  // Declarations live beside Pulumi.yaml: <project root>/deployments/<environment>/.
  const deployments = loadDeployments(pulumi.runtime.getRootDirectory(), config.environment, {
    gpuPools: config.gpuPools.map((p) => ({ name: p.name, gpuModel: p.gpuModel, gpusPerNode: p.gpusPerNode })),
    defaultKServeMode: config.kserve.mode,
  });
  const artifacts = await artifactBucket(config);
  const tags = { "ml-gitops.dev/stack": config.stack, "ml-gitops.dev/environment": config.environment };

  const cluster = new ClusterAccess(
    "cluster",
    config.cluster.mode === "create"
      ? {
          create: {
            clusterName: config.cluster.name,
            subnetIds: [...config.cluster.subnetIds],
            kubernetesVersion: config.cluster.version,
            endpointPublicAccess: config.cluster.endpointPublicAccess,
            publicAccessCidrs: [...config.cluster.publicAccessCidrs],
          },
          tags,
        }
      : {
          existing: {
            clusterName: config.cluster.name,
            oidcProviderArn: config.cluster.existingOidcProviderArn,
            nodeRoleArn: config.cluster.existingNodeRoleArn,
          },
          tags,
        },
  );
  const k8sOpts = { provider: cluster.provider };

  const subnets = pulumi.all(
    config.cluster.subnetIds.map((id) => aws.ec2.getSubnetOutput({ id }).apply((s) => ({ id, availabilityZone: s.availabilityZone }))),
  );
  // One list for the groups KServe creates and the names the caches may use, so they cannot
  // drift: a group per GPU model some declaration caches on, where an AL2023 pool has it.
  const cachedModels = deployments.flatMap((d) => (d.declaration.spec.serving.cache !== undefined ? (d.declaration.spec.serving.gpu.types ?? []) : []));
  const localModelNodeGroups = nodeGroupsForPools(config.gpuPools, cachedModels);
  const poolLabels = (pool: (typeof config.gpuPools)[number]) => ({
    ...pool.labels,
    // The KServe cache agent selects on this label (lib/render/kserve-platform.ts
    // LOCAL_MODEL_AGENT_LABEL); only pools that get a LocalModelNodeGroup carry it.
    ...(poolHoldsCaches(pool, cachedModels) && { [LOCAL_MODEL_AGENT_LABEL.key]: LOCAL_MODEL_AGENT_LABEL.value }),
  });
  const managedPools = config.gpuPools.filter((p) => p.provisioner === "managed-node-group");
  const karpenterPools = config.gpuPools.filter((p) => p.provisioner === "karpenter");
  // Each pool with its name, so the outputs below need no index into another list.
  const pools = managedPools.map((pool) => {
    const component = new GpuNodePool(`gpu-${pool.name}`, {
      clusterName: cluster.clusterName,
      nodeRoleArn: cluster.nodeRoleArn,
      subnets,
      amiType: pool.amiType,
      instanceTypes: [...pool.instanceTypes],
      capacityType: pool.capacityType,
      minSize: pool.minSize,
      maxSize: pool.maxSize,
      desiredSize: pool.desiredSize,
      diskSizeGiB: pool.diskSizeGiB,
      labels: poolLabels(pool),
      tags,
    });
    return [pool.name, component] as const;
  });
  // Karpenter is installed only for stacks that have a pool it provisions.
  const karpenter =
    karpenterPools.length > 0
      ? new Karpenter("karpenter", { clusterName: cluster.clusterName, oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer, tags }, k8sOpts)
      : undefined;
  const karpenterGpuPools =
    karpenter === undefined
      ? []
      : karpenterPools.map((pool) => {
          const component = new KarpenterGpuPool(
            `gpu-${pool.name}`,
            {
              name: pool.name,
              amiType: pool.amiType,
              instanceTypes: [...pool.instanceTypes],
              capacityType: pool.capacityType,
              // The checked pool carries [] when not reserved; the contract takes none then.
              ...(pool.capacityType === "reserved" && { capacityReservations: pool.capacityReservations }),
              fallbackToOnDemand: pool.fallbackToOnDemand,
              maxSize: pool.maxSize,
              diskSizeGiB: pool.diskSizeGiB,
              labels: poolLabels(pool),
              clusterName: cluster.clusterName,
              nodeRoleName: karpenter.nodeRoleName,
              subnetIds: [...config.cluster.subnetIds],
              tags,
            },
            { ...k8sOpts, dependsOn: [karpenter.release] },
          );
          return [pool.name, component] as const;
        });
  if (needsDevicePlugin(config.gpuPools.map((p) => p.amiType))) {
    new NvidiaDevicePlugin("nvidia-device-plugin", {}, k8sOpts);
  }

  const reader = new ModelReaderRole("model-reader", {
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    namespace: config.kserve.modelsNamespace,
    serviceAccount: STORAGE_SERVICE_ACCOUNT,
    // The cache's download jobs read the same artifacts (lib/render/local-model-cache.ts).
    ...(localModelNodeGroups.length > 0 && { alsoTrusted: [{ namespace: LOCAL_MODEL_JOB_NAMESPACE, serviceAccount: LOCAL_MODEL_JOB_SERVICE_ACCOUNT }] }),
    bucketArn: artifacts.bucketArn,
    kmsKeyArn: artifacts.kmsKeyArn,
    prefix: artifacts.prefix,
    tags,
  });
  const kserve = new KServe(
    "kserve",
    {
      storage: { bucketRegion: config.region, roleArn: reader.roleArn, serviceAccountName: STORAGE_SERVICE_ACCOUNT },
      deploymentMode: config.kserve.mode,
      ...(config.kserve.knativeNetworkingLayer && {
        knative: { servingInstalled: true, networkingLayer: config.kserve.knativeNetworkingLayer },
      }),
      modelsNamespace: config.kserve.modelsNamespace,
      localModelNodeGroups,
      ...(secret("huggingFaceToken") && { huggingFaceToken: secret("huggingFaceToken") }),
      llmInferenceService: deployments.some((d) => d.declaration.spec.serving.engine === "llm-inference-service"),
    },
    k8sOpts,
  );
  // The Gateway API CRDs, and the Gateway models' HTTPRoutes attach to unless the stack names an
  // existing one: synced routes of an unknown kind, or on a Gateway nothing provides, go nowhere.
  const gatewayApi = new GatewayApi(
    "gateway-api",
    {
      ...(config.gateway.create && {
        gateway: { ...config.gateway.ref, gatewayClassName: config.gateway.gatewayClassName, routeNamespaces: [config.kserve.modelsNamespace] },
      }),
      gatewayDependsOn: [kserve],
    },
    k8sOpts,
  );
  // The analyses read the Prometheus this stack installs, or the one the config names.
  const monitoring = config.monitoring.kind === "kube-prometheus-stack" ? new Monitoring("monitoring", {}, k8sOpts) : undefined;
  const prometheusUrl = config.monitoring.kind === "external" ? config.monitoring.prometheusUrl : INSTALLED_PROMETHEUS_URL;
  // GPU telemetry for the GPU-memory gate; its ServiceMonitor needs the installed Operator's CRDs.
  if (config.gpuPools.length > 0) {
    new DcgmExporter(
      "dcgm-exporter",
      { serviceMonitor: monitoring !== undefined, ...(monitoring ? { namespace: monitoring.namespace } : {}) },
      { ...k8sOpts, ...(monitoring ? { dependsOn: [monitoring] } : {}) },
    );
  }
  const rollouts = new ArgoRollouts(
    "argo-rollouts",
    { prometheusUrl, serviceMonitor: monitoring !== undefined },
    { ...k8sOpts, ...(monitoring ? { dependsOn: [monitoring] } : {}) },
  );

  const gitops = config.gitops;
  const models = deployments.map(
    (d) =>
      new ModelDeployment(
        d.declaration.metadata.name,
        {
          declaration: d.declaration,
          file: d.file,
          environment: d.environment,
          render: {
            kserveMode: config.kserve.mode,
            storageServiceAccount: STORAGE_SERVICE_ACCOUNT,
            prometheusUrl,
            rewriteUri: artifacts.rewriteUri,
            localModelNodeGroups: localModelNodeGroups.map((g) => g.name),
            gateway: config.gateway.ref,
            delivery: gitops.delivery === "argocd" ? "argocd" : gitops.delivery === "flux" ? "flux" : "direct",
            // Only declarations with region waves render differently per cluster; the others'
            // inputs stay as they were.
            ...(d.declaration.spec.rollout.waves !== undefined && { cluster: { stack: config.stack, region: config.region } }),
          },
          delivery: gitops.delivery === "direct" ? { mode: "direct" } : { mode: "gitops", outputDir: gitops.modelsPath },
          dependsOn: [kserve, rollouts, gatewayApi, ...(monitoring ? [monitoring] : [])],
        },
        k8sOpts,
      ),
  );

  if (gitops.delivery === "argocd") {
    new ArgoCd(
      "argocd",
      {
        adminPasswordBcrypt: requiredSecret("argocdAdminPasswordBcrypt"),
        repo: { url: gitops.repoUrl, token: requiredSecret("gitToken"), targetRevision: gitops.revision, modelsPath: gitops.modelsPath },
        modelNamespaces: [config.kserve.modelsNamespace],
        syncTimeoutMinutes: gitops.syncTimeoutMinutes,
        localModelCaches: localModelNodeGroups.length > 0,
        applicationDependsOn: [kserve, rollouts, gatewayApi],
        ...(gitops.signing && { signingKeys: gitops.signing.keys }),
      },
      k8sOpts,
    );
  } else if (gitops.delivery === "flux") {
    // Every declaration that trains: the training Kustomization waits for the longest deadline. It
    // exists as long as one declares training (not only while a Job is rendered), and each such
    // model keeps its path in git (lib/render/training-job.ts renderTrainingAnchor).
    const trainingMinutes = deployments.flatMap((d) => (d.declaration.spec.training === undefined ? [] : [d.declaration.spec.training.activeDeadlineMinutes]));
    new Flux(
      "flux",
      {
        repo: { url: gitops.repoUrl, token: requiredSecret("gitToken"), branch: gitops.revision },
        models: {
          path: gitops.modelsPath,
          timeoutMinutes: gitops.syncTimeoutMinutes,
          ignore: pluginOwnedWeightIgnores(models.flatMap((m) => m.objects)),
          // Only where some declaration trains: its Kustomization's path must exist in git.
          ...(trainingMinutes.length > 0 && {
            training: { path: trainingDir(gitops.modelsPath), timeoutMinutes: Math.max(gitops.syncTimeoutMinutes, ...trainingMinutes.map((m) => m + 15)) },
          }),
        },
        ...(gitops.signing && { signingKeys: gitops.signing.keys }),
      },
      k8sOpts,
    );
  }

  return {
    clusterName: cluster.clusterName,
    endpoint: cluster.endpoint,
    oidcProviderArn: cluster.oidcProviderArn,
    kubeconfig: cluster.kubeconfig,
    gpuPools: Object.fromEntries([
      ...pools.map(([name, p]) => [name, { provisioner: "managed-node-group", nodeGroupName: p.nodeGroupName, instanceTypes: p.instanceTypes, subnetIds: p.subnetIds }]),
      ...karpenterGpuPools.map(([name, p]) => [name, { provisioner: "karpenter", nodePoolName: p.nodePoolName }]),
    ]),
    modelBucket: artifacts.bucketName,
    servingRoleArn: reader.roleArn,
    kserveMode: kserve.deploymentMode,
    models: models.map((m) => m.urn),
  };
}
