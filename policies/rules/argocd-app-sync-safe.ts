/**
 * Argo CD Applications that deliver models must converge to git on their own: prune removed
 * objects, undo manual drift, and apply server-side (large CRs such as InferenceServices exceed
 * the client-side last-applied annotation limit).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, list, obj } from "../lib/known";
import { isKind } from "../lib/k8s";
import { configOf, propsOf, show } from "../lib/policy";

interface Config {
  /** Regular expression; Applications whose source path matches deliver models. */
  modelPathPattern: string;
}
const defaults: Config = { modelPathPattern: "models" };

export const argocdAppSyncSafe: ResourceValidationPolicy = {
  name: "argocd-app-sync-safe",
  description: "Argo CD Applications for model paths must sync automatically with prune, selfHeal and ServerSideApply=true.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      modelPathPattern: { type: "string", default: "models", description: "Regular expression matching source paths that hold models." },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "application")) return;
    const pattern = new RegExp(configOf(defaults, args.getConfig).modelPathPattern);
    const spec = obj(propsOf(args).spec);
    // With a source hydrator Argo CD syncs the hydrated syncSource.path, rendered from
    // drySource.path (argo-cd@v3.5.1 pkg/apis/application/v1alpha1/types.go SourceHydrator.GetSyncSource).
    const hydrator = obj(spec.sourceHydrator);
    const paths = [obj(spec.source).path, ...list(spec.sources).map((s) => obj(s).path), obj(hydrator.drySource).path, obj(hydrator.syncSource).path];
    const modelPath = paths.find((p): p is string => typeof p === "string" && pattern.test(p));
    if (modelPath === undefined) return;
    const syncPolicy = spec.syncPolicy;
    if (isUnknown(syncPolicy)) return;
    const automated = obj(syncPolicy).automated;
    // `enabled: false` turns automated sync off whatever prune and selfHeal say
    // (argo-cd@v3.5.1 pkg/apis/application/v1alpha1/types.go SyncPolicy.IsAutomatedSyncEnabled).
    const enabled = obj(automated).enabled;
    if (enabled === false) {
      reportViolation(`spec.syncPolicy.automated.enabled is false for model path "${modelPath}", so Argo CD never syncs it on its own; remove enabled or set it to true so the cluster converges to git`);
    }
    for (const flag of ["prune", "selfHeal"] as const) {
      const v = obj(automated)[flag];
      if (v !== true && !isUnknown(v) && !isUnknown(automated)) {
        reportViolation(`spec.syncPolicy.automated.${flag} is ${show(v)} for model path "${modelPath}"; set it to true so the cluster converges to git`);
      }
    }
    const options = obj(syncPolicy).syncOptions;
    if (!isUnknown(options) && !list(options).some((o) => o === "ServerSideApply=true" || isUnknown(o))) {
      reportViolation(`spec.syncPolicy.syncOptions is ${show(options ?? [])} for model path "${modelPath}"; add "ServerSideApply=true" so large model resources apply without the last-applied annotation limit`);
    }
  },
};
