/**
 * The input contract of a GPU node pool, whoever launches its nodes: an EKS managed node group
 * (components/gpu-node-pool.ts GpuNodePool) or Karpenter (components/karpenter-gpu-pool.ts
 * KarpenterGpuPool). The stack config's `ml-gitops:gpuPools` items are these args, checked by the
 * same function with the prefix `ml-gitops:gpuPools[<i>]` (lib/config/stack-config.ts), so every
 * rule and limit below exists once and reads the same from both sides.
 */
import type { Problem } from "../errors";
import { GPU_AMI_TYPES, INSTANCE_TYPES, instanceAmiMismatch, isGpuAmiType, type GpuAmiType, type GpuModel } from "../gpu/catalogue";
import { GPU_LABEL, GPU_MODEL_LABEL, NODE_OS_LABEL, NVIDIA_GPU_PRESENT_LABEL } from "../gpu/node-labels";
import { checked, isOneOf, oneOfProblem, pathIn, wholeNumberProblem, type Checked, type WholeNumberRule } from "./validators";

export const GPU_POOL_PROVISIONERS = ["managed-node-group", "karpenter"] as const;
export type GpuPoolProvisioner = (typeof GPU_POOL_PROVISIONERS)[number];

/** EKS managed node groups take these (aws_eks_node_group capacity_type); Karpenter adds `reserved`. */
export const MANAGED_CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;
export const KARPENTER_CAPACITY_TYPES = ["ON_DEMAND", "SPOT", "reserved"] as const;
export type ManagedCapacityType = (typeof MANAGED_CAPACITY_TYPES)[number];
export type KarpenterCapacityType = (typeof KARPENTER_CAPACITY_TYPES)[number];

/**
 * One capacity reservation (on-demand reservation or Capacity Block for ML), by `id` or by `tags`
 * (optionally with the `ownerId` account that shares it): the EC2NodeClass
 * capacityReservationSelectorTerms (aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/ec2nodeclass.go
 * CapacityReservationSelectorTerm: id pattern ^cr-[0-9a-z]+$, ownerID ^[0-9]{12}$).
 */
export interface CapacityReservation {
  readonly id?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly ownerId?: string;
}
const RESERVATION_ID = /^cr-[0-9a-z]+$/;
const ACCOUNT_ID = /^[0-9]{12}$/;

/**
 * Root volume (AL2023) or data volume (Bottlerocket), in GiB. The floor is 50 because the AL2023
 * NVIDIA AMI's root snapshot alone is 20 GiB (awslabs/amazon-eks-ami@v20260724:templates/al2023/
 * variables-default.json launch_block_device_mappings_volume_size "20": OS, NVIDIA driver and
 * container toolkit), and a GPU node also holds a serving image (vLLM's is ~10 GiB compressed, more
 * unpacked) and the model files KServe's storage initializer or a LocalModelCache puts on the node:
 * at 20 the node fills on its first pull. The ceiling is gp3's 16 TiB. Default 200 GiB.
 */
export const GPU_POOL_DISK_GIB = {
  unit: "GiB",
  min: 50,
  max: 16384,
  default: 200,
  why: "The NVIDIA AMI's root snapshot alone is 20 GiB, and serving images and model files need the rest (gp3 volumes end at 16384).",
} as const satisfies WholeNumberRule;

/** Node counts: whole nodes, never negative. */
export const GPU_POOL_NODES = { unit: "nodes", min: 0 } as const satisfies WholeNumberRule;

export const GPU_POOL_DEFAULTS = {
  provisioner: "managed-node-group",
  capacityType: "ON_DEMAND",
  diskSizeGiB: GPU_POOL_DISK_GIB.default,
  fallbackToOnDemand: false,
} as const;

/** Labels the pool sets itself from its AMI and instance types (lib/gpu/node-labels.ts gpuPoolLabels). */
export const RESERVED_POOL_LABELS: readonly string[] = [GPU_LABEL, GPU_MODEL_LABEL, NODE_OS_LABEL, NVIDIA_GPU_PRESENT_LABEL];

interface GpuPoolCommonArgs {
  /** One of GPU_AMI_TYPES (the NVIDIA AMIs). */
  readonly amiType: string;
  /** Preference order, most preferred first; all must carry the same GPU model. */
  readonly instanceTypes: readonly string[];
  /** At most this many nodes; at least 1. */
  readonly maxSize: number;
  /** Root (AL2023) or data (Bottlerocket) volume, GPU_POOL_DISK_GIB. @default 200 GiB */
  readonly diskSizeGiB?: number;
  /** Extra node labels; RESERVED_POOL_LABELS are the pool's own. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A pool of warm nodes an EKS managed node group keeps between minSize and maxSize. */
export interface ManagedGpuPoolArgs extends GpuPoolCommonArgs {
  /** @default "managed-node-group" */
  readonly provisioner?: "managed-node-group";
  /** @default "ON_DEMAND" */
  readonly capacityType?: ManagedCapacityType;
  readonly minSize: number;
  /** Initial size only: the cluster autoscaler owns it afterwards. @default minSize */
  readonly desiredSize?: number;
}

/** A pool Karpenter launches for pending pods only, up to maxSize nodes. */
export interface KarpenterGpuPoolArgs extends GpuPoolCommonArgs {
  readonly provisioner: "karpenter";
  /** `reserved`: launch into capacityReservations. @default "ON_DEMAND" */
  readonly capacityType?: KarpenterCapacityType;
  /** With capacityType reserved (and only then): the reservations, each by id or by tags. */
  readonly capacityReservations?: readonly CapacityReservation[];
  /** With capacityType reserved: launch on-demand once the reservations are used up. @default false */
  readonly fallbackToOnDemand?: boolean;
  /** A Karpenter pool has no warm nodes. @default 0 */
  readonly minSize?: 0;
}

export type GpuPoolArgs = ManagedGpuPoolArgs | KarpenterGpuPoolArgs;

/**
 * What a caller may hand in before it is checked: the typed args, or a stack config item whose
 * enums are still plain strings. Every field of GpuPoolArgs fits it.
 */
export interface UncheckedGpuPool {
  readonly provisioner?: string;
  readonly amiType: string;
  readonly instanceTypes: readonly string[];
  readonly capacityType?: string;
  readonly capacityReservations?: readonly CapacityReservation[];
  readonly fallbackToOnDemand?: boolean;
  readonly minSize?: number;
  readonly maxSize: number;
  readonly desiredSize?: number;
  readonly diskSizeGiB?: number;
  readonly labels?: Readonly<Record<string, string>>;
}

interface GpuPoolCommon {
  readonly amiType: GpuAmiType;
  readonly instanceTypes: readonly string[];
  readonly maxSize: number;
  readonly diskSizeGiB: number;
  readonly labels: Readonly<Record<string, string>>;
  /** The GPU model of every instance type (one model per pool). */
  readonly gpuModel: GpuModel;
  /** GPUs per node of the smallest instance type: what one node can always offer. */
  readonly gpusPerNode: number;
}

export interface ManagedGpuPool extends GpuPoolCommon {
  readonly provisioner: "managed-node-group";
  readonly capacityType: ManagedCapacityType;
  readonly minSize: number;
  readonly desiredSize: number;
}

export interface KarpenterGpuPool extends GpuPoolCommon {
  readonly provisioner: "karpenter";
  readonly capacityType: KarpenterCapacityType;
  /** Empty unless capacityType is reserved. */
  readonly capacityReservations: readonly CapacityReservation[];
  readonly fallbackToOnDemand: boolean;
}

/** A checked pool with every default filled. */
export type GpuPool = ManagedGpuPool | KarpenterGpuPool;

function gpuFamilies(): string {
  return Object.entries(INSTANCE_TYPES)
    .filter(([, info]) => info.gpu)
    .map(([t]) => t.split(".")[0])
    .filter((f, k, all) => all.indexOf(f) === k)
    .join(", ");
}

function instanceTypeProblems(pool: UncheckedGpuPool, at: (...k: (string | number)[]) => string): Problem[] {
  const problems: Problem[] = [];
  if (pool.instanceTypes.length === 0) {
    problems.push({ path: at("instanceTypes"), value: [], message: "is empty", fix: "List the GPU instance types the pool may use, most preferred first." });
  }
  const amiType = isGpuAmiType(pool.amiType) ? pool.amiType : undefined;
  pool.instanceTypes.forEach((type, i) => {
    const info = INSTANCE_TYPES[type];
    const why = amiType !== undefined ? instanceAmiMismatch(type, amiType) : !info ? `${type} is not in the instance catalogue (lib/gpu/catalogue.ts)` : !info.gpu ? `${type} has no GPU` : undefined;
    if (why === undefined) return;
    problems.push({
      path: at("instanceTypes", i),
      value: type,
      message: why,
      fix: info?.gpu && amiType !== undefined ? `Use an instance type built for ${amiType}, or an AMI type matching ${type}.` : `Use a GPU instance type (families: ${gpuFamilies()}).`,
    });
  });
  const models = new Map<GpuModel, string[]>();
  for (const type of pool.instanceTypes) {
    const model = INSTANCE_TYPES[type]?.gpu?.model;
    if (model) models.set(model, [...(models.get(model) ?? []), type]);
  }
  if (models.size > 1) {
    const listed = [...models.entries()].map(([m, types]) => `${m}: ${types.join(", ")}`).join("; ");
    problems.push({
      path: at("instanceTypes"),
      value: pool.instanceTypes,
      message: `mixes GPU models (${listed}), but a pool's ${GPU_MODEL_LABEL} label must be true of every node`,
      fix: "Put each GPU model in its own pool, so node selectors can target it.",
    });
  }
  return problems;
}

/**
 * Who launches the pool and into what capacity. Reserved capacity is Karpenter's
 * (`karpenter.sh/capacity-type: reserved`, aws/karpenter-provider-aws@v1.14.1:pkg/apis/v1/
 * ec2nodeclass.go CapacityReservationSelectorTerms); the managed node group path has no
 * reservation wiring, so it is refused rather than silently launched on-demand.
 */
function provisioningProblems(pool: UncheckedGpuPool, provisioner: GpuPoolProvisioner, at: (...k: (string | number)[]) => string): Problem[] {
  const problems: Problem[] = [];
  const karpenter = provisioner === "karpenter";
  const capacityType = pool.capacityType ?? GPU_POOL_DEFAULTS.capacityType;
  const reserved = capacityType === "reserved";
  const reservations = pool.capacityReservations;
  if (reserved && !karpenter) {
    problems.push({ path: at("capacityType"), value: capacityType, message: `is only available with provisioner: karpenter (this pool's provisioner is ${provisioner})`, fix: "Set provisioner: karpenter, or use ON_DEMAND or SPOT." });
  } else {
    const p = oneOfProblem(karpenter ? KARPENTER_CAPACITY_TYPES : MANAGED_CAPACITY_TYPES, "a capacity type", at("capacityType"), capacityType);
    if (p) problems.push(p);
  }
  if (reserved && karpenter && (reservations === undefined || reservations.length === 0)) {
    problems.push({ path: at("capacityReservations"), value: reservations ?? [], message: "is required when capacityType is reserved", fix: "List the reservations to launch into, each as {id: cr-...} or {tags: {...}}." });
  }
  if (!reserved && reservations !== undefined) {
    problems.push({ path: at("capacityReservations"), value: reservations, message: `applies only to capacityType reserved (this pool's is ${capacityType})`, fix: "Set capacityType: reserved, or remove capacityReservations." });
  }
  if (!reserved && pool.fallbackToOnDemand === true) {
    problems.push({ path: at("fallbackToOnDemand"), value: true, message: `applies only to capacityType reserved (this pool's is ${capacityType})`, fix: "Set capacityType: reserved, or remove fallbackToOnDemand." });
  }
  (reservations ?? []).forEach((term, k) => {
    const hasId = term.id !== undefined;
    const hasTags = term.tags !== undefined && Object.keys(term.tags).length > 0;
    if (hasId === hasTags) {
      problems.push({ path: at("capacityReservations", k), value: term, message: hasId ? "sets both id and tags" : "sets neither id nor tags", fix: 'Select each reservation by exactly one of id ("cr-...") or tags.' });
      return;
    }
    if (term.id !== undefined && !RESERVATION_ID.test(term.id)) {
      problems.push({ path: at("capacityReservations", k, "id"), value: term.id, message: 'must be a capacity reservation id like "cr-0123456789abcdef0"', fix: "Copy the id from the EC2 console or aws ec2 describe-capacity-reservations." });
    }
    if (term.ownerId !== undefined && hasId) {
      problems.push({ path: at("capacityReservations", k, "ownerId"), value: term.ownerId, message: "cannot be combined with id", fix: "Remove ownerId (an id names one reservation), or select by tags." });
    } else if (term.ownerId !== undefined && !ACCOUNT_ID.test(term.ownerId)) {
      problems.push({ path: at("capacityReservations", k, "ownerId"), value: term.ownerId, message: "must be a 12-digit AWS account id", fix: "Give the id of the account that shares the reservation." });
    }
  });
  if (karpenter && pool.minSize !== undefined && pool.minSize !== 0) {
    // A dynamic NodePool has no minimum: Karpenter launches nodes for pending pods only. (v1.14's
    // NodePool also has a static `replicas` mode, ../shared/crds/karpenter/karpenter.sh_nodepools.yaml
    // spec.replicas, which ignores consolidation and GPU limits; this program does not render it.)
    problems.push({ path: at("minSize"), value: pool.minSize, message: "must be 0 for provisioner: karpenter, which launches nodes only for pending pods", fix: "Set minSize: 0 (or use provisioner: managed-node-group to keep warm nodes)." });
  }
  if (karpenter && pool.desiredSize !== undefined) {
    problems.push({ path: at("desiredSize"), value: pool.desiredSize, message: "has no meaning for provisioner: karpenter", fix: "Remove desiredSize; Karpenter sizes the pool from pending pods, up to maxSize nodes." });
  }
  return problems;
}

function sizeProblems(pool: UncheckedGpuPool, provisioner: GpuPoolProvisioner, at: (...k: (string | number)[]) => string): Problem[] {
  const problems: Problem[] = [];
  const minSize = pool.minSize ?? 0;
  const counts: [string, number | undefined][] = [["minSize", minSize], ["maxSize", pool.maxSize], ...(provisioner === "managed-node-group" ? [["desiredSize", pool.desiredSize] as [string, number | undefined]] : [])];
  let whole = true;
  for (const [key, n] of counts) {
    if (n === undefined) continue;
    const p = wholeNumberProblem(GPU_POOL_NODES, at(key), n);
    if (p) {
      problems.push(p);
      whole = false;
    }
  }
  if (!whole) return problems;
  if (pool.maxSize < 1) {
    problems.push({ path: at("maxSize"), value: pool.maxSize, message: "is below 1, so the pool can never run a node", fix: "Set maxSize to at least 1." });
  } else if (minSize > pool.maxSize) {
    problems.push({ path: at("minSize"), value: minSize, message: `must not exceed maxSize (${pool.maxSize})`, fix: "Lower minSize or raise maxSize." });
  }
  if (provisioner === "managed-node-group") {
    const desired = pool.desiredSize ?? minSize;
    if (desired < minSize || desired > pool.maxSize) {
      problems.push({ path: at("desiredSize"), value: desired, message: `must lie between minSize (${minSize}) and maxSize (${pool.maxSize})`, fix: "Set desiredSize within the pool's bounds." });
    }
  }
  return problems;
}

/**
 * Checks a pool and fills its defaults: every problem, each at `prefix` + its key
 * (`ml-gitops:gpuPools[0].diskSizeGiB` from the stack config, `diskSizeGiB` from a component).
 */
export function checkGpuPool(pool: UncheckedGpuPool, prefix = ""): Checked<GpuPool> {
  const at = pathIn(prefix);
  const problems: Problem[] = [];
  const provisioner = pool.provisioner ?? GPU_POOL_DEFAULTS.provisioner;
  const known = isOneOf(GPU_POOL_PROVISIONERS, provisioner);
  if (!known) problems.push({ path: at("provisioner"), value: provisioner, message: "is not a GPU pool provisioner", fix: `Use one of: ${GPU_POOL_PROVISIONERS.join(", ")}.` });
  if (!isGpuAmiType(pool.amiType)) {
    problems.push({ path: at("amiType"), value: pool.amiType, message: "is not an NVIDIA GPU AMI type", fix: `Use one of: ${GPU_AMI_TYPES.join(", ")}.` });
  }
  problems.push(...instanceTypeProblems(pool, at));
  if (known) {
    problems.push(...provisioningProblems(pool, provisioner, at));
    problems.push(...sizeProblems(pool, provisioner, at));
  }
  const disk = pool.diskSizeGiB ?? GPU_POOL_DISK_GIB.default;
  const diskProblem = wholeNumberProblem(GPU_POOL_DISK_GIB, at("diskSizeGiB"), disk);
  if (diskProblem) problems.push(diskProblem);
  for (const [key, value] of Object.entries(pool.labels ?? {})) {
    if (RESERVED_POOL_LABELS.includes(key)) {
      problems.push({ path: at("labels", key), value, message: "is set by the platform", fix: "Remove it; the pool sets it from the instance types and AMI." });
    }
  }
  return checked(problems, (): GpuPool => {
    const gpus = pool.instanceTypes.map((t) => INSTANCE_TYPES[t]?.gpu).filter((g) => g !== undefined);
    const [first] = gpus;
    const amiType = pool.amiType;
    const capacityType = pool.capacityType ?? GPU_POOL_DEFAULTS.capacityType;
    // Unreachable once the checks above passed; they narrow what the checks proved.
    if (first === undefined || !isGpuAmiType(amiType) || !isOneOf(KARPENTER_CAPACITY_TYPES, capacityType)) throw new Error("checkGpuPool: checked values out of range");
    const common: GpuPoolCommon = {
      amiType,
      instanceTypes: pool.instanceTypes,
      maxSize: pool.maxSize,
      diskSizeGiB: disk,
      labels: pool.labels ?? {},
      gpuModel: first.model,
      gpusPerNode: Math.min(...gpus.map((g) => g.count)),
    };
    if (provisioner === "karpenter") {
      return {
        ...common,
        provisioner: "karpenter",
        capacityType,
        capacityReservations: pool.capacityReservations ?? [],
        fallbackToOnDemand: pool.fallbackToOnDemand ?? GPU_POOL_DEFAULTS.fallbackToOnDemand,
      };
    }
    const minSize = pool.minSize ?? 0;
    if (capacityType === "reserved") throw new Error("checkGpuPool: reserved capacity passed for a managed node group");
    return {
      ...common,
      provisioner: "managed-node-group",
      capacityType,
      minSize,
      desiredSize: pool.desiredSize ?? minSize,
    };
  });
}
