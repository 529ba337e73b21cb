/**
 * Canary checks per kind of resource. Each returns finished messages (field, value, fix), and
 * skips a check whose inputs are unknown during preview rather than guessing.
 */
import { fromArgoRolloutSteps, validateCanarySteps, type StepProblem } from "./predicates/canary-steps";
import { kserveModeOf, DEPLOYMENT_MODE_ANNOTATION, type KServeMode } from "./predicates/kserve-mode";
import { RECORD_ANNOTATIONS, VERSION_LABEL, versionSlug } from "./predicates/model-record";
import { hasUnknown, isObj, isUnknown, list, obj, stringMap, type Obj } from "./known";
import { show } from "./policy";
import { inferenceServiceComponents } from "./workloads";
import { declarationOf } from "./predicates/model-deployment-props";

export interface CanaryConfig {
  maxInitialWeight: number;
  requireAnalysis: boolean;
  allowBlueGreen: boolean;
  minProgressDeadlineSeconds: number;
  defaultKServeMode: KServeMode;
}

export const STEP_WEIGHTS_ANNOTATION = RECORD_ANNOTATIONS.stepWeights;
export const TAG_ROUTING_ANNOTATION = "serving.kserve.io/enable-tag-routing";
const ARGO_DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

function stepMessages(prefix: string, problems: StepProblem[]): string[] {
  return problems.map((p) => (p.index === -1 ? `${prefix}${p.field} ${p.message}` : `${prefix}${p.field}: ${p.message}`));
}

/**
 * Whether `canary.analysis` runs during the canary, adding a message when it is written but
 * cannot. Argo creates no background AnalysisRun without templates, nor before startingStep
 * (argo-rollouts@v1.9.1 rollout/analysis.go reconcileBackgroundAnalysisRun, and
 * utils/replicaset/canary.go BeforeStartingStep); a startingStep at or past the last step is
 * reached only when the rollout is fully promoted, when none is created either.
 */
function backgroundGates(analysis: unknown, stepCount: number, out: string[]): boolean {
  if (!isObj(analysis)) return false;
  if (list(analysis.templates).length === 0) {
    out.push("spec.strategy.canary.analysis has no templates, so Argo Rollouts runs no background analysis; name an AnalysisTemplate in templates, or add analysis steps");
    return false;
  }
  const start = analysis.startingStep;
  if (typeof start === "number" && start >= stepCount) {
    out.push(`spec.strategy.canary.analysis.startingStep is ${start}, but the canary has ${stepCount} steps (0–${stepCount - 1}), so the background analysis never starts; set it to a step before the last`);
    return false;
  }
  return true;
}

export function rolloutProblems(props: Obj, config: CanaryConfig): string[] {
  const spec = props.spec;
  if (isUnknown(spec) || isUnknown(obj(spec).strategy)) return [];
  const out: string[] = [];
  const strategy = obj(obj(spec).strategy);
  const deadline = obj(spec).progressDeadlineSeconds;
  const min = config.minProgressDeadlineSeconds;
  const why = `so GPU pods have time to pull the image and load the model`;
  if (deadline === undefined) {
    out.push(`spec.progressDeadlineSeconds is not set, so Argo Rollouts uses ${ARGO_DEFAULT_PROGRESS_DEADLINE_SECONDS} seconds; set it to at least ${min} ${why}`);
  } else if (typeof deadline === "number" && deadline < min) {
    out.push(`spec.progressDeadlineSeconds is ${deadline}, below ${min}; set it to at least ${min} ${why}`);
  }
  if (strategy.blueGreen !== undefined && strategy.canary === undefined) {
    if (!config.allowBlueGreen) {
      out.push("spec.strategy.blueGreen is not allowed for model rollouts: it moves all traffic at once; use spec.strategy.canary with setWeight, pause and analysis steps, or set allowBlueGreen: true");
    }
    return out;
  }
  const canary = strategy.canary;
  if (isUnknown(canary)) return out;
  if (!isObj(canary)) {
    out.push(`spec.strategy.canary is not set (got ${show(canary)}); add a canary strategy with setWeight, pause and analysis steps`);
    return out;
  }
  if (!hasUnknown(canary.steps) && !hasUnknown(canary.analysis)) {
    const steps = list(canary.steps);
    if (steps.length === 0) {
      // No steps: the new ReplicaSet is scaled up and the stable down at once, a rolling update
      // (argo-rollouts@v1.9.1 utils/replicaset/canary.go GetCurrentCanaryStep returns no step).
      out.push(`spec.strategy.canary.steps is ${show(canary.steps ?? [])}, so Argo Rollouts moves all traffic to the new version at once, like a rolling update; add setWeight, pause and analysis steps`);
    } else {
      steps.forEach((step, i) => {
        const analysis = obj(step).analysis;
        if (isObj(analysis) && list(analysis.templates).length === 0) {
          out.push(`spec.strategy.canary.steps[${i}].analysis has no templates, so Argo Rollouts runs no analysis at this step; name an AnalysisTemplate in templates`);
        }
      });
      const problems = validateCanarySteps(fromArgoRolloutSteps(steps), config, { backgroundAnalysis: backgroundGates(canary.analysis, steps.length, out) });
      out.push(...stepMessages("spec.strategy.canary.", problems));
    }
  }
  const { canaryService, stableService } = canary;
  if (!isUnknown(canaryService) && !isUnknown(stableService)) {
    if (typeof canaryService !== "string" || canaryService === "") {
      out.push(`spec.strategy.canary.canaryService is ${show(canaryService)}; name the Service that receives the candidate's traffic`);
    }
    if (typeof stableService !== "string" || stableService === "") {
      out.push(`spec.strategy.canary.stableService is ${show(stableService)}; name the Service that receives the stable traffic`);
    }
    if (typeof canaryService === "string" && canaryService !== "" && canaryService === stableService) {
      out.push(`spec.strategy.canary.canaryService and stableService are both "${canaryService}"; give the candidate its own Service`);
    }
  }
  return out;
}

/** Weights recorded by whoever stepped the canary; evidence that a high weight was reached gradually. */
function steppedTo(annotation: unknown, weight: number, max: number): boolean {
  if (typeof annotation !== "string") return false;
  const weights = annotation.split(",").map((w) => Number(w.trim()));
  const ladder = weights.every((w, i) => Number.isInteger(w) && w >= 0 && w <= 100 && (i === 0 || w > weights[i - 1]!));
  return ladder && weights[0]! <= max && weights.includes(weight);
}

function weightProblems(path: string, weight: unknown, annotations: Obj, max: number): string[] {
  if (typeof weight !== "number") return [];
  if (weight < 0 || weight > 100) return [`${path} is ${weight}, outside 0–100; use a percentage between 0 and 100`];
  const evidence = annotations[STEP_WEIGHTS_ANNOTATION];
  if (weight <= max || isUnknown(evidence) || steppedTo(evidence, weight, max)) return [];
  return [
    `${path} is ${weight}, above maxInitialWeight ${max}, and annotation ${STEP_WEIGHTS_ANNOTATION} (${show(evidence)}) does not show it was stepped there; start at ${max} or less and record each step, e.g. ${STEP_WEIGHTS_ANNOTATION}: "${max},${weight}"`,
  ];
}

export function inferenceServiceProblems(props: Obj, config: CanaryConfig): string[] {
  const metadata = obj(props.metadata);
  if (isUnknown(metadata.annotations) || isUnknown(obj(metadata.annotations)[DEPLOYMENT_MODE_ANNOTATION])) return [];
  const annotations = obj(metadata.annotations);
  const mode = kserveModeOf(stringMap(annotations), config.defaultKServeMode);
  const components = inferenceServiceComponents(props);
  const out: string[] = [];
  if (mode === "Standard") {
    for (const c of components) {
      const v = c.value.canaryTrafficPercent;
      if (v !== undefined && !isUnknown(v)) {
        out.push(`${c.path}.canaryTrafficPercent is ${show(v)}, but KServe ignores it in Standard mode; use spec.canary[] with trafficPercent, or annotate ${DEPLOYMENT_MODE_ANNOTATION}: Knative`);
      }
    }
    const canary = obj(props.spec).canary;
    if (hasUnknown(canary)) return out;
    const entries = list(canary).map(obj);
    let total = 0;
    entries.forEach((entry, i) => {
      const tp = entry.trafficPercent;
      if (typeof tp === "number") total += tp;
      out.push(...weightProblems(`spec.canary[${i}].trafficPercent`, tp, annotations, config.maxInitialWeight));
    });
    if (total > 100) {
      out.push(`spec.canary[].trafficPercent sums to ${total}, above 100; lower the candidates' traffic so the total is at most 100`);
    }
    const stable = obj(obj(props.spec).predictor).name;
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      const name = obj(entry.predictor).name;
      if (typeof name !== "string") return;
      const path = `spec.canary[${i}].predictor.name`;
      if (name === stable) out.push(`${path} "${name}" is the stable predictor's name; give each candidate its own name`);
      else if (seen.has(name)) out.push(`${path} "${name}" repeats spec.canary[${seen.get(name)}].predictor.name; give each candidate its own name`);
      if (!seen.has(name)) seen.set(name, i);
    });
    return out;
  }
  const tagRouting = annotations[TAG_ROUTING_ANNOTATION];
  for (const c of components) {
    const v = c.value.canaryTrafficPercent;
    if (v === undefined || isUnknown(v)) continue;
    const path = `${c.path}.canaryTrafficPercent`;
    out.push(...weightProblems(path, v, annotations, config.maxInitialWeight));
    if (!isUnknown(tagRouting) && tagRouting !== "true") {
      out.push(`metadata.annotations["${TAG_ROUTING_ANNOTATION}"] is ${show(tagRouting)}, but ${path} sets a canary; set it to "true" so the candidate is reachable at its own tagged URL`);
    }
  }
  return out;
}

export function modelDeploymentProblems(props: Obj, config: CanaryConfig): string[] {
  const steps = obj(obj(obj(declarationOf(props)).spec).rollout).steps;
  if (!Array.isArray(steps) || hasUnknown(steps)) return [];
  const problems = validateCanarySteps(fromArgoRolloutSteps(steps), config, { strictlyIncreasing: true });
  return stepMessages("declaration.spec.rollout.", problems);
}

const ROUTE = "spec.router.route";

/**
 * The last weight of a `canary-step-weights` record ("10,50" → 50), if it is one. An empty record
 * is a candidate before its first setWeight (steps may open with a pause): weight 0.
 */
function declaredWeight(record: unknown): number | undefined {
  if (typeof record !== "string") return undefined;
  if (record.trim() === "") return 0;
  const last = Number(record.split(",").pop()!.trim());
  return Number.isInteger(last) && last >= 0 && last <= 100 ? last : undefined;
}

/**
 * One member of a KServe v0.20.0 LLMInferenceService routing group. Each version of a model is its
 * own LLMInferenceService; `spec.router.route.group` and `.weight` put it in a weighted group
 * (kserve/kserve@v0.20.0:pkg/apis/serving/v1alpha2/llm_inference_service_types.go,
 * GatewayRoutesSpec). KServe's webhook refuses one without the other
 * (llm_inference_service_validation.go, validateTrafficFields): said here, before a GitOps sync
 * fails on it. Weights are proportional to KServe; ours are percentages whose pair sums to 100,
 * so what git says is each version's share. A member the renderer wrote records which version it
 * serves (label ml-gitops.dev/version) and what the declaration said (stable and candidate
 * versions, weights stepped so far): the candidate's weight must be the declared step's
 * setWeight, reached gradually as for the other engines, and the stable's the rest. The group as a
 * whole is judged by llmInferenceServiceGroupProblems.
 */
export function llmInferenceServiceProblems(props: Obj, config: CanaryConfig): string[] {
  const metadata = obj(props.metadata);
  const route = obj(obj(props.spec).router).route;
  if (!isObj(route) || hasUnknown(route) || hasUnknown(metadata.annotations) || hasUnknown(metadata.labels)) return [];
  const { group, weight } = route;
  const out: string[] = [];
  if (weight !== undefined && group === undefined) {
    out.push(`${ROUTE}.weight is ${show(weight)}, but ${ROUTE}.group is not set, and KServe refuses a weight without a group ("weight requires group"); set group to the name the stable and candidate versions share`);
  }
  if (group !== undefined && weight === undefined) {
    out.push(`${ROUTE}.group is ${show(group)}, but ${ROUTE}.weight is not set, and KServe refuses a group without a weight ("group requires weight"); set weight to this version's share in percent`);
  }
  if (weight === undefined || group === undefined) return out;
  if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 0 || weight > 100) {
    out.push(`${ROUTE}.weight is ${show(weight)}, outside 0–100; give each version of the routing group its share in percent, the shares summing to 100`);
    return out;
  }
  const annotations = obj(metadata.annotations);
  const version = obj(metadata.labels)[VERSION_LABEL];
  const candidate = annotations[RECORD_ANNOTATIONS.candidateVersion];
  const stable = annotations[RECORD_ANNOTATIONS.stableVersion];
  // Not written by ml-gitops (no record): only the group check can judge it.
  if (typeof version !== "string" || typeof candidate !== "string") return out;
  const record = annotations[RECORD_ANNOTATIONS.stepWeights];
  const declared = declaredWeight(record);
  const evidence = `annotation ${RECORD_ANNOTATIONS.stepWeights} is ${show(record)}`;
  if (version === versionSlug(candidate)) {
    out.push(...weightProblems(`${ROUTE}.weight`, weight, annotations, config.maxInitialWeight));
    if (declared === undefined) {
      out.push(`${ROUTE}.weight is ${weight} on candidate ${candidate}, but ${evidence}, not the comma-separated weights the candidate has stepped through; render it from its declaration (deployments/<environment>/<model>.yaml) so the weight is the declared step's`);
    } else if (weight !== declared) {
      out.push(`${ROUTE}.weight is ${weight} on candidate ${candidate}, but its declared step sets weight ${declared} (${evidence}); set it to ${declared}, or move the canary with ml-gitops advance`);
    }
  } else if (typeof stable === "string" && version === versionSlug(stable) && declared !== undefined && weight !== 100 - declared) {
    out.push(`${ROUTE}.weight is ${weight} on stable ${stable}, but the candidate ${candidate} is declared at weight ${declared} (${evidence}), so the stable's share is ${100 - declared}; set it to ${100 - declared} so the pair sums to 100`);
  }
  return out;
}

export interface GroupMember {
  urn: string;
  props: Obj;
}

/** Model names a member serves, as KServe compares them (router_group.go, resolvedModelNames, spec side). */
function servedNames(props: Obj): string[] | undefined {
  const model = obj(obj(props.spec).model);
  const name = model.name ?? obj(props.metadata).name;
  if (typeof name !== "string") return undefined;
  const names = [name];
  for (const adapter of list(obj(model.lora).adapters)) {
    const n = obj(adapter).name;
    if (n === undefined) continue;
    if (typeof n !== "string") return undefined;
    names.push(n);
  }
  return [...new Set(names)].sort();
}

/**
 * The routing groups of LLMInferenceServices as KServe v0.20.0 forms them: members of a namespace
 * sharing `spec.router.route.group` (router_group.go, listGroupMembers). A canary is one stable and
 * one candidate whose weights sum to 100 and which serve the same model names: KServe puts in a
 * member's shared routes only the members serving its own names (injectGroupBackendRefs), so with
 * different names the split silently does not happen. One message per group, on its first member.
 * A group with any unknown member is not judged (preview).
 */
export function llmInferenceServiceGroupProblems(members: readonly GroupMember[]): { urn: string; message: string }[] {
  const groups = new Map<string, { key: string; members: { urn: string; name: string; weight: unknown; names: string[] | undefined; unknown: boolean }[] }>();
  for (const m of members) {
    const metadata = obj(m.props.metadata);
    const route = obj(obj(m.props.spec).router).route;
    const group = obj(route).group;
    if (typeof group !== "string" || isUnknown(group) || hasUnknown(metadata.namespace)) continue;
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
    const key = `${namespace}/${group}`;
    const entry = groups.get(key) ?? { key, members: [] };
    const unknown = hasUnknown(route) || hasUnknown(obj(m.props.spec).model) || hasUnknown(metadata.name);
    entry.members.push({ urn: m.urn, name: String(metadata.name), weight: obj(route).weight, names: unknown ? undefined : servedNames(m.props), unknown });
    groups.set(key, entry);
  }
  const out: { urn: string; message: string }[] = [];
  for (const { key, members: group } of groups.values()) {
    if (group.some((m) => m.unknown)) continue;
    const [namespace, name] = key.split("/") as [string, string];
    const at = `the LLMInferenceServices of routing group "${name}" in namespace "${namespace}"`;
    const urn = group[0]!.urn;
    const shares = group.map((m) => `${m.name}: ${show(m.weight)}`).join(", ");
    if (group.length > 2) {
      out.push({ urn, message: `${at} are ${group.length} versions (${shares}); a canary is one stable and one candidate, so delete the versions that no longer serve` });
    }
    const named = group.filter((m) => m.names !== undefined);
    const first = named[0];
    const odd = first && named.find((m) => m.names!.join(",") !== first.names!.join(","));
    if (first && odd) {
      out.push({ urn, message: `${at} serve different model names (${first.name}: ${show(first.names)}, ${odd.name}: ${show(odd.names)}), so KServe routes each to the members serving its own names only and the traffic split never happens; give every version the same spec.model.name and LoRA adapter names` });
    }
    // A weight outside 0–100 is reported on its member (llmInferenceServiceProblems).
    const weights = group.map((m) => m.weight);
    if (weights.every((w) => typeof w === "number" && Number.isInteger(w) && w >= 0 && w <= 100)) {
      const sum = (weights as number[]).reduce((a, b) => a + b, 0);
      if (sum !== 100) {
        out.push({ urn, message: `${at} have weights ${shares}, summing to ${sum}; KServe splits traffic in proportion to them, so no version gets the share written: make them sum to 100 (stable 100 − w, candidate w)` });
      }
    }
  }
  return out;
}
