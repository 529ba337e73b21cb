/**
 * New model versions reach users through a canary: a small first share, observed at every step,
 * judged by an analysis. The rule knows which canary fields each controller honours (Argo
 * Rollouts, KServe Standard or Knative mode, our ModelDeployment declarations).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { canaryConfigSchema, canaryDefaults } from "../lib/canary-config";
import { inferenceServiceProblems, modelDeploymentProblems, rolloutProblems } from "../lib/canary";
import { isKind, MODEL_DEPLOYMENT_TYPE } from "../lib/k8s";
import { configOf, propsOf } from "../lib/policy";

export const modelCanaryRequired: ResourceValidationPolicy = {
  name: "model-canary-required",
  description: "Model rollouts must go through a gradual, observed canary with analysis.",
  enforcementLevel: "mandatory",
  configSchema: canaryConfigSchema,
  validateResource: (args, reportViolation) => {
    const check = isKind(args.type, "rollout")
      ? rolloutProblems
      : isKind(args.type, "inferenceService")
        ? inferenceServiceProblems
        : args.type === MODEL_DEPLOYMENT_TYPE
          ? modelDeploymentProblems
          : undefined;
    if (!check) return;
    for (const message of check(propsOf(args), configOf(canaryDefaults, args.getConfig))) reportViolation(message);
  },
};
