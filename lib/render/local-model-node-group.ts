/**
 * KServe LocalModelNodeGroup (serving.kserve.io/v1alpha1, cluster-scoped): the nodes a
 * LocalModelCache pre-pulls weights onto, and the node-local volume it keeps them in. One per GPU
 * pool, named `gpu-<label>` (local-model-cache.ts `defaultLocalModelNodeGroup`) so the caches'
 * `nodeGroups` resolve, and selecting the pool's nodes by the `ml-gitops.dev/gpu-model` label
 * every GPU node carries (components/gpu-node-pool.ts `gpuPoolLabels`).
 *
 * Storage, honestly for EKS: the managed node groups here have no separate cache disk (NVMe
 * instance store, where an instance type has one, is not formatted or mounted by the EKS AMIs
 * without extra bootstrap), so the cache lives on the node's EBS volume, exposed as a `local`
 * PersistentVolume at LOCAL_MODEL_PATH. That path is not ours to choose: the KServe node agent
 * DaemonSet writes the weights to the hostPath `/models` (kserve-localmodel-resources
 * templates/daemonset_kserve-localmodelnode-agent.yaml), and the serving pods must read the same
 * directory.
 * - AL2023: `/models` is on the root volume, which is the pool's diskSizeGiB. It also holds the
 *   container images (a serving image is 10–20 GB, and a canary pulls a second one) and the
 *   kubelet's ephemeral storage, so the default limit is half the disk, not most of it.
 * - Bottlerocket: the root filesystem is read-only; writable host paths (/local, /var, /opt, /mnt)
 *   live on the data volume, and SELinux decides what a container may write there. The agent's
 *   `/models` (DirectoryOrCreate) cannot be created on the read-only root. The chart does take
 *   the path (`kserve.localmodelnode.controller.hostPath`), but one DaemonSet serves every node,
 *   and whether a non-root agent may write e.g. /local/models under Bottlerocket's SELinux policy
 *   is not verified. So the cache is AL2023-only: node groups are made from AL2023 pools
 *   (`nodeGroupsForPools`), their volumes and the agent select `ml-gitops.dev/node-os: al2023`,
 *   and a declaration whose GPU models only have Bottlerocket pools is refused a cache
 *   (local-model-cache.ts `cacheNodeGroupsProblem`) rather than rendered one that never warms.
 */
import type { Problem } from "../errors";
import { isKubernetesName, kubernetesNameMessage } from "../names";
import { AMI_TYPES, GPU_MODEL_INFO, type GpuAmiType, type GpuModel } from "../gpu/catalogue";
import { defaultLocalModelNodeGroup } from "./local-model-cache";
import { GPU_MODEL_LABEL, NODE_OS_LABEL } from "../gpu/node-labels";

export const LOCAL_MODEL_NODE_GROUP_API_VERSION = "serving.kserve.io/v1alpha1";
/** The node agent's hostPath; the PersistentVolume must point at the same directory. */
export const LOCAL_MODEL_PATH = "/models";
/**
 * The class the PersistentVolume and its claims bind by. No StorageClass object is needed (a
 * claim binds to a pre-created volume of the same class); a name of its own keeps EKS's default
 * gp2/gp3 class, and any other local volumes, out of the match.
 */
export const LOCAL_MODEL_STORAGE_CLASS = "kserve-local-models";
/** Share of a pool's disk the cache may use by default; the rest is images and ephemeral storage. */
export const DEFAULT_CACHE_SHARE_OF_DISK = 0.5;
export { GPU_MODEL_LABEL as GPU_MODEL_NODE_LABEL, NODE_OS_LABEL as NODE_OS_NODE_LABEL };
/** The only node OS the cache runs on: the agent's hostPath needs a writable root (see above). */
export const LOCAL_MODEL_NODE_OS = "al2023";

export interface LocalModelNodeGroupInput {
  /** `defaultLocalModelNodeGroup(gpuModel)`, i.e. `gpu-<label>`. */
  readonly name: string;
  /** Value of `ml-gitops.dev/gpu-model` on the pool's nodes (GPU_MODEL_INFO[model].label). */
  readonly gpuModelLabel: string;
  /** Most the cache may hold on each node, in GiB. */
  readonly storageLimitGiB: number;
}

export interface LocalModelNodeGroup {
  readonly apiVersion: typeof LOCAL_MODEL_NODE_GROUP_API_VERSION;
  readonly kind: "LocalModelNodeGroup";
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: {
    readonly storageLimit: string;
    readonly persistentVolumeSpec: Record<string, unknown>;
    readonly persistentVolumeClaimSpec: Record<string, unknown>;
  };
}

/** The default limit for a pool: half its disk, whole GiB. */
export function defaultStorageLimitGiB(diskSizeGiB: number): number {
  return Math.floor(diskSizeGiB * DEFAULT_CACHE_SHARE_OF_DISK);
}

export interface CachePool {
  readonly gpuModel: GpuModel;
  readonly diskSizeGiB: number;
  readonly amiType: GpuAmiType;
}

/**
 * The stack's LocalModelNodeGroups: one per GPU model of its AL2023 pools, under the name the
 * caches reference (`defaultLocalModelNodeGroup`). The single source for both the groups the
 * KServe component creates and the names the model renderer may put in a cache's `nodeGroups`
 * (infra/cluster.ts passes the same list to both), so the two cannot drift.
 *
 * Only models some cache is declared for (`cachedModels`, the GPU types of the declarations with
 * `serving.cache`): a group nobody caches onto would only run an idle agent. Bottlerocket pools
 * are left out (the agent cannot write its hostPath there, see above). Pools
 * of one model share a group, so its limit is the default of the smallest disk among them: a
 * bigger limit than a node's disk would let the agent fill it.
 */
/** Whether a pool's nodes may hold caches: it gets a LocalModelNodeGroup, so its nodes need the agent. */
export function poolHoldsCaches(pool: CachePool, cachedModels: readonly GpuModel[]): boolean {
  return AMI_TYPES[pool.amiType].os === LOCAL_MODEL_NODE_OS && cachedModels.includes(pool.gpuModel);
}

export function nodeGroupsForPools(pools: readonly CachePool[], cachedModels: readonly GpuModel[]): LocalModelNodeGroupInput[] {
  const byModel = new Map<GpuModel, number>();
  for (const pool of pools) {
    if (!poolHoldsCaches(pool, cachedModels)) continue;
    const limit = defaultStorageLimitGiB(pool.diskSizeGiB);
    byModel.set(pool.gpuModel, Math.min(limit, byModel.get(pool.gpuModel) ?? limit));
  }
  return [...byModel].map(([gpuModel, storageLimitGiB]) => ({ name: defaultLocalModelNodeGroup(gpuModel), gpuModelLabel: GPU_MODEL_INFO[gpuModel].label, storageLimitGiB }));
}

export function buildLocalModelNodeGroup(input: LocalModelNodeGroupInput): LocalModelNodeGroup {
  const size = `${input.storageLimitGiB}Gi`;
  return {
    apiVersion: LOCAL_MODEL_NODE_GROUP_API_VERSION,
    kind: "LocalModelNodeGroup",
    metadata: { name: input.name, labels: { "app.kubernetes.io/managed-by": "ml-gitops", "app.kubernetes.io/part-of": "model-serving" } },
    spec: {
      storageLimit: size,
      persistentVolumeSpec: {
        accessModes: ["ReadWriteOnce"],
        capacity: { storage: size },
        local: { path: LOCAL_MODEL_PATH },
        // A local volume must say which nodes have it: every AL2023 node of this GPU model's
        // pools (the same model may also have a Bottlerocket pool, where the agent does not run).
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: GPU_MODEL_LABEL, operator: "In", values: [input.gpuModelLabel] },
                  { key: NODE_OS_LABEL, operator: "In", values: [LOCAL_MODEL_NODE_OS] },
                ],
              },
            ],
          },
        },
        // The weights are a cache of S3 / the Hub: nothing to keep once KServe releases the volume.
        persistentVolumeReclaimPolicy: "Delete",
        storageClassName: LOCAL_MODEL_STORAGE_CLASS,
        volumeMode: "Filesystem",
      },
      persistentVolumeClaimSpec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: size } },
        storageClassName: LOCAL_MODEL_STORAGE_CLASS,
        volumeMode: "Filesystem",
      },
    },
  };
}

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Every problem with a list of node groups, each with its path under `prefix`. */
export function localModelNodeGroupProblems(groups: readonly LocalModelNodeGroupInput[], prefix: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  groups.forEach((g, i) => {
    const at = `${prefix}[${i}]`;
    if (!isKubernetesName("dns1123-subdomain", g.name)) {
      problems.push({ path: `${at}.name`, value: g.name, message: kubernetesNameMessage("dns1123-subdomain", "object name"), fix: "Use defaultLocalModelNodeGroup(gpuModel), e.g. gpu-l4, so the caches find it." });
    } else if (seen.has(g.name)) {
      problems.push({ path: `${at}.name`, value: g.name, message: `duplicates ${prefix}[${seen.get(g.name)}].name`, fix: "Declare one node group per GPU model; pools of the same model share it." });
    } else {
      seen.set(g.name, i);
    }
    if (!LABEL_VALUE.test(g.gpuModelLabel)) {
      problems.push({ path: `${at}.gpuModelLabel`, value: g.gpuModelLabel, message: "is not a node label value", fix: "Use the GPU model's catalogue label, e.g. l4 (GPU_MODEL_INFO)." });
    }
    if (!Number.isInteger(g.storageLimitGiB) || g.storageLimitGiB < 1) {
      problems.push({ path: `${at}.storageLimitGiB`, value: g.storageLimitGiB, message: "must be a whole number of GiB, at least 1", fix: "Give the cache's share of the pool's disk, e.g. half of diskSizeGiB." });
    }
  });
  return problems;
}
