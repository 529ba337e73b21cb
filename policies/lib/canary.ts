/**
 * Canary checks per kind of resource. Each returns finished messages (field, value, fix), and
 * skips a check whose inputs are unknown during preview rather than guessing.
 */
import { fromArgoRolloutSteps, validateCanarySteps, type StepProblem } from "./predicates/canary-steps";
import { kserveModeOf, DEPLOYMENT_MODE_ANNOTATION, type KServeMode } from "./predicates/kserve-mode";
import { hasUnknown, isObj, isUnknown, list, obj, stringMap, type Obj } from "./known";
import { show } from "./policy";
import { inferenceServiceComponents } from "./workloads";

export interface CanaryConfig {
  maxInitialWeight: number;
  requireAnalysis: boolean;
  allowBlueGreen: boolean;
  minProgressDeadlineSeconds: number;
  defaultKServeMode: KServeMode;
}

export const STEP_WEIGHTS_ANNOTATION = "ml-gitops.dev/canary-step-weights";
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
  const steps = obj(obj(obj(props.declaration).spec).rollout).steps;
  if (!Array.isArray(steps) || hasUnknown(steps)) return [];
  const problems = validateCanarySteps(fromArgoRolloutSteps(steps), config, { strictlyIncreasing: true });
  return stepMessages("declaration.spec.rollout.", problems);
}
