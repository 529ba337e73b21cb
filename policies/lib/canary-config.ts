import type { PolicyConfigSchema } from "@pulumi/policy";
import type { CanaryConfig } from "./canary";

export const canaryDefaults: CanaryConfig = {
  maxInitialWeight: 25,
  requireAnalysis: true,
  allowBlueGreen: false,
  minProgressDeadlineSeconds: 1800,
  defaultKServeMode: "Standard",
};

export const canaryConfigSchema: PolicyConfigSchema = {
  properties: {
    maxInitialWeight: { type: "integer", minimum: 0, maximum: 100, default: 25, description: "Highest share of traffic a candidate may start with, in percent." },
    requireAnalysis: { type: "boolean", default: true, description: "Require an analysis step or a background analysis." },
    allowBlueGreen: { type: "boolean", default: false, description: "Accept Argo blue-green strategies for models." },
    minProgressDeadlineSeconds: { type: "integer", minimum: 0, default: 1800, description: "Lowest Rollout progressDeadlineSeconds; GPU pods take minutes to become ready." },
    defaultKServeMode: { type: "string", enum: ["Standard", "Knative"], default: "Standard", description: "The cluster's KServe deployment mode, for InferenceServices without the deploymentMode annotation." },
  },
};
