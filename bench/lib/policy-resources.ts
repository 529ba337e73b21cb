/**
 * Resources for the policy benchmark, copied from a real plan so their properties are exactly
 * what the program produces: the templates come from `ml-gitops plan --out` of the sample stacks
 * (plan.json per stack and the GitOps files Argo CD/Flux would apply), and are replicated with
 * distinct names, URNs, bucket names and launch template ids. Relations are recorded as the
 * engine records them, as property dependencies (hardening resource `bucket` → its bucket, node
 * group `launchTemplate` → its template), so stack policies resolve each copy to its own partner.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readManifests } from "../../lib/manifests/read";
import { toPolicyResource as manifestResource } from "../../lib/manifests/resources";
import type { PolicyResource } from "../../plan/policy/evaluate";
import { UNKNOWN, type RecordedResource } from "../../plan/capture";
import { toPolicyResource } from "../../plan/plan";

interface PlanDocResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  custom: boolean;
  props: Record<string, unknown>;
  options: RecordedResource["options"];
}

const BUCKET = "aws:s3/bucket:Bucket";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

export interface Templates {
  /** One ModelBucket's children: the bucket and its hardening resources (versioning, SSE, ...). */
  readonly bucketGroup: readonly PlanDocResource[];
  /** One GPU pool's node group and launch template. */
  readonly nodePool: readonly PlanDocResource[];
  readonly inferenceServices: readonly Record<string, unknown>[];
  readonly rollouts: readonly Record<string, unknown>[];
}

function planDoc(dir: string, stack: string): PlanDocResource[] {
  return (JSON.parse(readFileSync(join(dir, stack, "plan.json"), "utf8")) as { resources: PlanDocResource[] }).resources;
}

function childrenOfFirst(resources: readonly PlanDocResource[], componentType: string): PlanDocResource[] {
  const component = resources.find((r) => r.type === componentType);
  if (!component) throw new Error(`the sample plan has no ${componentType}`);
  return resources.filter((r) => r.parent === component.urn);
}

/** Templates from `plan --out <dir>` of the sample stacks. */
export function readTemplates(outDir: string, artifactStack: string, clusterStack: string): Templates {
  const bucketGroup = childrenOfFirst(planDoc(outDir, artifactStack), "ml-gitops:platform:ModelBucket");
  const nodePool = childrenOfFirst(planDoc(outDir, clusterStack), "ml-gitops:platform:GpuNodePool").filter((r) => r.type === NODE_GROUP || r.type === LAUNCH_TEMPLATE);
  const objects = readManifests([join(outDir, clusterStack, "gitops")]).objects.map((m) => m.object);
  const templates = {
    bucketGroup,
    nodePool,
    inferenceServices: objects.filter((o) => o.kind === "InferenceService"),
    rollouts: objects.filter((o) => o.kind === "Rollout"),
  };
  for (const [k, v] of Object.entries(templates)) if (v.length === 0) throw new Error(`no ${k} in the sample plan of ${clusterStack}`);
  if (bucketGroup.filter((r) => r.type === BUCKET).length !== 1) throw new Error("a ModelBucket should hold exactly one bucket");
  return templates;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A deep copy with every token suffixed by `-<k>`, in one pass so no token is suffixed twice. */
function renamed<T>(value: T, tokens: readonly string[], k: number): T {
  const pattern = new RegExp([...tokens].sort((a, b) => b.length - a.length).map(escape).join("|"), "g");
  return JSON.parse(JSON.stringify(value).replace(pattern, (t) => `${t}-${k}`)) as T;
}

/** plan.json writes unknowns as "<unknown>"; policies must see Pulumi's sentinel, as in a plan. */
function restoreUnknowns(value: unknown): unknown {
  if (value === "<unknown>") return UNKNOWN;
  if (Array.isArray(value)) return value.map(restoreUnknowns);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreUnknowns(v)]));
  return value;
}

function policyResource(r: PlanDocResource, propertyDependencies: Record<string, string[]>): PolicyResource {
  const recorded: RecordedResource = {
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent && { parent: r.parent }),
    custom: r.custom,
    props: restoreUnknowns(r.props) as Record<string, unknown>,
    options: r.options,
    propertyDependencies,
    secretPaths: [],
  };
  return toPolicyResource(recorded);
}

function lastSegment(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function bucketGroupCopy(t: Templates, k: number): PolicyResource[] {
  const bucket = t.bucketGroup.find((r) => r.type === BUCKET)!;
  const component = lastSegment(bucket.parent ?? "");
  const copy = renamed(t.bucketGroup, [String(bucket.props.bucket), component], k);
  const bucketUrn = copy.find((r) => r.type === BUCKET)!.urn;
  return copy.map((r) => policyResource(r, r.type !== BUCKET && "bucket" in r.props ? { bucket: [bucketUrn] } : {}));
}

function nodePoolCopy(t: Templates, k: number): PolicyResource[] {
  const ng = t.nodePool.find((r) => r.type === NODE_GROUP)!;
  const ltId = String((ng.props.launchTemplate as { id?: unknown } | undefined)?.id);
  const copy = renamed(t.nodePool, [lastSegment(ng.parent ?? ""), ltId], k);
  const ltUrn = copy.find((r) => r.type === LAUNCH_TEMPLATE)!.urn;
  return copy.map((r) => policyResource(r, r.type === NODE_GROUP ? { launchTemplate: [ltUrn] } : {}));
}

function objectCopy(o: Record<string, unknown>, k: number): PolicyResource {
  const name = String((o.metadata as { name?: unknown }).name);
  return manifestResource({ file: `generated/${k}.yaml`, line: 1, object: renamed(o, [name], k) });
}

export interface Mix {
  readonly bucketGroups: number;
  readonly nodePools: number;
  readonly inferenceServices: number;
  readonly rollouts: number;
}

/**
 * One unit of the fleet: a model bucket with its hardening resources, two GPU pools (node group
 * + launch template each), six InferenceServices and two Rollouts: what one team's cluster holds.
 */
export const UNIT: Mix = { bucketGroups: 1, nodePools: 2, inferenceServices: 6, rollouts: 2 };

/** Exactly `count` resources: whole units, then InferenceServices to make up the rest. */
export function generateResources(t: Templates, count: number): PolicyResource[] {
  const out: PolicyResource[] = [];
  const unitSize = UNIT.bucketGroups * t.bucketGroup.length + UNIT.nodePools * t.nodePool.length + UNIT.inferenceServices + UNIT.rollouts;
  let k = 0;
  const isvc = () => objectCopy(t.inferenceServices[k % t.inferenceServices.length]!, k++);
  while (out.length + unitSize <= count) {
    for (let i = 0; i < UNIT.bucketGroups; i++) out.push(...bucketGroupCopy(t, k++));
    for (let i = 0; i < UNIT.nodePools; i++) out.push(...nodePoolCopy(t, k++));
    for (let i = 0; i < UNIT.inferenceServices; i++) out.push(isvc());
    for (let i = 0; i < UNIT.rollouts; i++) out.push(objectCopy(t.rollouts[k % t.rollouts.length]!, k++));
  }
  while (out.length < count) out.push(isvc());
  return out;
}

export function countByType(resources: readonly PolicyResource[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return counts;
}
