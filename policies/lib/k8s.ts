/**
 * Kubernetes type tokens as Pulumi writes them: `kubernetes:<group>/<version>:<Kind>`, with the
 * core group spelled `core` (`kubernetes:core/v1:Pod`). Matching ignores the version so that
 * `apps/v1beta2` Deployments in old manifests are still checked.
 */
import { BoundedMemo } from "./memo";
import { MODEL_DEPLOYMENT_TYPE } from "./platform";

export { MODEL_DEPLOYMENT_TYPE };

export interface KubeType {
  group: string;
  version: string;
  kind: string;
}

// Every rule asks about every resource's type; remembering the answers keeps that off the hot path.
const parsed = new BoundedMemo<KubeType | undefined>();

export function parseKubeType(type: string): KubeType | undefined {
  return parsed.get(type, () => parseUncached(type));
}

function parseUncached(type: string): KubeType | undefined {
  const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m) return undefined;
  const gv = m[1]!;
  const slash = gv.lastIndexOf("/");
  const group = slash === -1 ? "core" : gv.slice(0, slash);
  const version = slash === -1 ? gv : gv.slice(slash + 1);
  return { group, version, kind: m[2]! };
}

/** `apiVersion` + `kind` of a manifest → the type token CrossGuard sees for it. */
export function kubeTypeToken(apiVersion: string, kind: string): string {
  return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

export const KINDS = {
  inferenceService: { group: "serving.kserve.io", kind: "InferenceService" },
  servingRuntime: { group: "serving.kserve.io", kind: "ServingRuntime" },
  clusterServingRuntime: { group: "serving.kserve.io", kind: "ClusterServingRuntime" },
  localModelCache: { group: "serving.kserve.io", kind: "LocalModelCache" },
  localModelNamespaceCache: { group: "serving.kserve.io", kind: "LocalModelNamespaceCache" },
  llmInferenceService: { group: "serving.kserve.io", kind: "LLMInferenceService" },
  llmInferenceServiceConfig: { group: "serving.kserve.io", kind: "LLMInferenceServiceConfig" },
  rollout: { group: "argoproj.io", kind: "Rollout" },
  application: { group: "argoproj.io", kind: "Application" },
  fluxKustomization: { group: "kustomize.toolkit.fluxcd.io", kind: "Kustomization" },
} as const;

export type KindName = keyof typeof KINDS;

export function isKind(type: string, name: KindName): boolean {
  const t = parseKubeType(type);
  return t !== undefined && t.group === KINDS[name].group && t.kind === KINDS[name].kind;
}
