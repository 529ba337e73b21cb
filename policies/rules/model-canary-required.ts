/**
 * New model versions reach users through a canary: a small first share, observed at every step,
 * judged by an analysis. The rule knows which canary fields each controller honours (Argo
 * Rollouts, KServe Standard or Knative mode, KServe's LLMInferenceService routing groups, our
 * ModelDeployment declarations).
 *
 * An LLMInferenceService canary is two resources (one per version, in one routing group), so the
 * rule also judges the stack: whether each group is a stable/candidate pair whose weights sum to
 * 100. One rule in both modes: @pulumi/policy@1.21.0 server.js runs a policy's validateResource
 * in Analyze when it has one (isResourcePolicy) and its validateStack in AnalyzeStack when it has
 * one (isStackPolicy), each independently, as lib/policy/evaluate.ts does; the real-runner test
 * (test/policies/crossguard-runner.test.ts) holds the two equal.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { canaryConfigSchema, canaryDefaults } from "../lib/canary-config";
import {
  inferenceServiceProblems, llmInferenceServiceGroupProblems, llmInferenceServiceProblems, modelDeploymentProblems, rolloutProblems,
} from "../lib/canary";
import { isKind, MODEL_DEPLOYMENT_TYPE } from "../lib/k8s";
import { configOf, propsOf } from "../lib/policy";
import { ofTypes } from "../lib/stack";

export const modelCanaryRequired: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = {
  name: "model-canary-required",
  description: "Model rollouts must go through a gradual, observed canary with analysis.",
  enforcementLevel: "mandatory",
  configSchema: canaryConfigSchema,
  validateResource: (args, reportViolation) => {
    const check = isKind(args.type, "rollout")
      ? rolloutProblems
      : isKind(args.type, "inferenceService")
        ? inferenceServiceProblems
        : isKind(args.type, "llmInferenceService")
          ? llmInferenceServiceProblems
          : args.type === MODEL_DEPLOYMENT_TYPE
            ? modelDeploymentProblems
            : undefined;
    if (!check) return;
    for (const message of check(propsOf(args), configOf(canaryDefaults, args.getConfig))) reportViolation(message);
  },
  validateStack: (args, reportViolation) => {
    const types = [...new Set(args.resources.map((r) => r.type))].filter((t) => isKind(t, "llmInferenceService"));
    if (types.length === 0) return;
    for (const { urn, message } of llmInferenceServiceGroupProblems(ofTypes(args.resources, types))) reportViolation(message, urn);
  },
};
