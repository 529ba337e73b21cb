/**
 * GPU node groups must run NVIDIA AMIs, keep other workloads off with the nvidia.com/gpu taint,
 * and require IMDSv2 so a model server cannot read the node role's credentials.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown, list, obj, stringMap } from "../lib/known";
import { show } from "../lib/policy";
import { GPU_LABEL_KEY, GPU_TAINT, NVIDIA_AMI_TYPES } from "../lib/platform";
import { dependencyKeys, Index, key, ofTypes, type StackResource } from "../lib/stack";

export { NVIDIA_AMI_TYPES };
export const GPU_LABEL = { key: GPU_LABEL_KEY, value: "true" } as const;
/** NVIDIA AMIs, plus the retired AL2 GPU AMI, which makes a node group a GPU one all the same. */
const GPU_AMI_TYPES: readonly string[] = [...NVIDIA_AMI_TYPES, "AL2_x86_64_GPU"];
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

function isGpu(ng: StackResource): boolean {
  return stringMap(ng.props.labels)[GPU_LABEL.key] === GPU_LABEL.value || GPU_AMI_TYPES.includes(ng.props.amiType as string);
}

function nodeGroupProblems(ng: StackResource, templates: Index): string[] {
  const out: string[] = [];
  const at = `NodeGroup "${ng.name}"`;
  const ami = ng.props.amiType;
  if (!isUnknown(ami) && !(NVIDIA_AMI_TYPES as readonly unknown[]).includes(ami)) {
    out.push(`${at} amiType is ${show(ami)}; use an NVIDIA AMI (${NVIDIA_AMI_TYPES.join(", ")}) so the GPU driver matches the node image`);
  }
  const taints = ng.props.taints;
  const tainted = list(taints).some((t) => {
    const o = obj(t);
    return o.key === GPU_TAINT.key && o.value === GPU_TAINT.value && o.effect === GPU_TAINT.effect;
  });
  if (!isUnknown(taints) && !list(taints).some((t) => isUnknown(t)) && !tainted) {
    out.push(`${at} taints has no nvidia.com/gpu=true:NO_SCHEDULE taint (got ${show(taints ?? [])}); add {key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE"} so only GPU workloads land on these nodes`);
  }
  const lt = ng.props.launchTemplate;
  if (isUnknown(lt)) return out;
  if (lt === undefined) {
    out.push(`${at} launchTemplate is not set, so IMDSv2 is not enforced; reference an aws.ec2.LaunchTemplate with metadataOptions.httpTokens "required"`);
    return out;
  }
  const ref = obj(lt);
  if (isUnknown(ref.id) || isUnknown(ref.name)) return out;
  const viaDependency = templates.get(dependencyKeys(ng, "launchTemplate"));
  const found = viaDependency.length > 0 ? viaDependency : templates.get([...dependencyKeys(ng, "id"), key("id", ref.id), ...dependencyKeys(ng, "name"), key("name", ref.name)]);
  if (found.length === 0) {
    out.push(`${at} launchTemplate ${show(lt)} is not a LaunchTemplate in this stack, so IMDSv2 cannot be verified; manage it here with metadataOptions.httpTokens "required"`);
  }
  for (const t of found) {
    const tokens = obj(t.props.metadataOptions).httpTokens;
    if (tokens !== "required" && !isUnknown(tokens)) {
      out.push(`LaunchTemplate "${t.name}" metadataOptions.httpTokens is ${show(tokens)}; set it to "required" (IMDSv2) so pods cannot read the node role's credentials`);
    }
  }
  return out;
}

export const gpuNodeGroupHardened: StackValidationPolicy = {
  name: "gpu-node-group-hardened",
  description: "GPU EKS node groups must use an NVIDIA AMI, carry the nvidia.com/gpu NoSchedule taint and require IMDSv2.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const groups = ofTypes(args.resources, [NODE_GROUP]).filter(isGpu);
    if (groups.length === 0) return;
    // A node group's launchTemplate refers to a template by property dependency, id or name.
    const templates = new Index(ofTypes(args.resources, [LAUNCH_TEMPLATE]), (t) => [`urn:${t.urn}`, key("id", t.props.id), key("name", t.props.name)]);
    for (const ng of groups) for (const message of nodeGroupProblems(ng, templates)) reportViolation(message, ng.urn);
  },
};
