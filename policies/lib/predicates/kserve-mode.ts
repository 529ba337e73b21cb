/**
 * Which KServe deployment mode an InferenceService runs in. The mode decides which canary
 * fields KServe honours: `canaryTrafficPercent` only works with Knative, `spec.canary[]` only
 * in Standard mode, so every canary check starts here.
 */
export type KServeMode = "Standard" | "Knative";

export const DEPLOYMENT_MODE_ANNOTATION = "serving.kserve.io/deploymentMode";

// RawDeployment and Serverless are the names KServe used before 0.15; it still accepts them.
const MODES: Readonly<Record<string, KServeMode>> = {
  Standard: "Standard",
  RawDeployment: "Standard",
  Knative: "Knative",
  Serverless: "Knative",
};

/** An absent or unrecognised annotation means the cluster default, as the KServe controller does. */
export function kserveModeOf(annotations: Record<string, string> | undefined, clusterDefault: KServeMode): KServeMode {
  const value = annotations?.[DEPLOYMENT_MODE_ANNOTATION];
  return (typeof value === "string" && Object.hasOwn(MODES, value) ? MODES[value] : undefined) ?? clusterDefault;
}
