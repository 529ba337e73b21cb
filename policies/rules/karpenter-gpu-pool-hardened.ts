/**
 * Karpenter GPU pools, held to what gpu-node-group-hardened asks of managed node groups: a GPU
 * NodePool keeps other workloads off with the nvidia.com/gpu NoSchedule taint, and the
 * EC2NodeClass it launches with requires IMDSv2 with a hop limit of 1 (pods cannot borrow the
 * node role) and encrypts every EBS volume. Field names: karpenter.sh/v1 NodePool and
 * karpenter.k8s.aws/v1 EC2NodeClass (aws/karpenter-provider-aws@v1.14.1 pkg/apis/v1).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown, list, obj, stringMap } from "../lib/known";
import { show } from "../lib/policy";
import { GPU_LABEL_KEY, GPU_TAINT_K8S } from "../lib/platform";
import { ofTypes, type StackResource } from "../lib/stack";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

const nameOf = (r: StackResource) => obj(r.props.metadata).name;

/** A GPU NodePool: labelled as one, or tainted for GPUs at all (a wrong taint is still a GPU pool). */
function isGpu(pool: StackResource): boolean {
  const template = obj(obj(pool.props.spec).template);
  if (stringMap(obj(template.metadata).labels)[GPU_LABEL_KEY] === "true") return true;
  return list(obj(template.spec).taints).some((t) => obj(t).key === GPU_TAINT_K8S.key);
}

function nodePoolProblems(pool: StackResource): string[] {
  const at = `NodePool ${show(nameOf(pool))}`;
  const taints = obj(obj(obj(pool.props.spec).template).spec).taints;
  if (isUnknown(taints) || list(taints).some(isUnknown)) return [];
  const tainted = list(taints).some((t) => {
    const o = obj(t);
    return o.key === GPU_TAINT_K8S.key && o.value === GPU_TAINT_K8S.value && o.effect === GPU_TAINT_K8S.effect;
  });
  return tainted
    ? []
    : [`${at} spec.template.spec.taints has no nvidia.com/gpu=true:NoSchedule taint (got ${show(taints ?? [])}); add {key: "nvidia.com/gpu", value: "true", effect: "NoSchedule"} so only GPU workloads land on these nodes`];
}

function nodeClassProblems(nodeClass: StackResource): string[] {
  const spec = obj(nodeClass.props.spec);
  if (isUnknown(nodeClass.props.spec)) return [];
  const at = `EC2NodeClass ${show(nameOf(nodeClass))}`;
  const out: string[] = [];
  const md = obj(spec.metadataOptions);
  if (!isUnknown(md.httpTokens) && md.httpTokens !== "required") {
    out.push(`${at} spec.metadataOptions.httpTokens is ${show(md.httpTokens)}; set it to "required" (IMDSv2) so pods cannot read the node role's credentials`);
  }
  if (!isUnknown(md.httpPutResponseHopLimit) && md.httpPutResponseHopLimit !== 1) {
    out.push(`${at} spec.metadataOptions.httpPutResponseHopLimit is ${show(md.httpPutResponseHopLimit)}; set it to 1 so pods on the pod network cannot reach the instance metadata service`);
  }
  const devices = spec.blockDeviceMappings;
  if (isUnknown(devices)) return out;
  if (list(devices).length === 0) {
    out.push(`${at} spec.blockDeviceMappings is ${show(devices ?? [])}, so volume encryption is left to Karpenter's defaults; list the volumes with ebs.encrypted true`);
  }
  list(devices).forEach((d, i) => {
    const encrypted = obj(obj(d).ebs).encrypted;
    if (!isUnknown(encrypted) && encrypted !== true) {
      out.push(`${at} spec.blockDeviceMappings[${i}].ebs.encrypted is ${show(encrypted)}; set it to true so model weights and images are encrypted at rest`);
    }
  });
  return out;
}

export const karpenterGpuPoolHardened: StackValidationPolicy = {
  name: "karpenter-gpu-pool-hardened",
  description: "Karpenter GPU NodePools must carry the nvidia.com/gpu NoSchedule taint, and their EC2NodeClasses must require IMDSv2 with hop limit 1 and encrypt every volume.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const pools = ofTypes(args.resources, [NODE_POOL]).filter(isGpu);
    if (pools.length === 0) return;
    const classes = ofTypes(args.resources, [NODE_CLASS]);
    const judged = new Set<StackResource>();
    for (const pool of pools) {
      for (const message of nodePoolProblems(pool)) reportViolation(message, pool.urn);
      const ref = obj(obj(obj(obj(pool.props.spec).template).spec).nodeClassRef);
      if (isUnknown(ref.name)) continue;
      const nodeClass = classes.find((c) => nameOf(c) === ref.name);
      if (nodeClass === undefined) {
        reportViolation(`NodePool ${show(nameOf(pool))} spec.template.spec.nodeClassRef names EC2NodeClass ${show(ref.name)}, which is not in this stack, so IMDSv2 and encryption cannot be verified; manage it here`, pool.urn);
        continue;
      }
      if (judged.has(nodeClass)) continue;
      judged.add(nodeClass);
      for (const message of nodeClassProblems(nodeClass)) reportViolation(message, nodeClass.urn);
    }
  },
};
