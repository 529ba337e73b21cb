/**
 * One declaration to every Kubernetes object that serves it. Pure and deterministic: the same
 * declaration and context give byte-identical objects (keys sorted, objects sorted by kind and
 * name), so GitOps diffs show only what changed and direct delivery never sees spurious updates.
 *
 * Engines:
 * - `kserve` → one InferenceService, in Standard mode the HTTPRoute that splits traffic between
 *              its stable and canary predictors, a LocalModelCache per artifact when
 *              `serving.cache`, and the PodMonitor the analysis reads.
 * - `llm-inference-service` → an LLMInferenceService per served version (stable, and candidate
 *              during a canary) in one KServe routing group whose weights carry the step, and the
 *              PodMonitor the gate reads (llm-inference-service.ts).
 * - `vllm`   → an Argo Rollout, its stable and canary Services, an HTTPRoute the Gateway API
 *              traffic-router plugin steers, AnalysisTemplates, an A/B HTTPRoute when
 *              `spec.routing` is declared, and the PodMonitor the analyses read.
 *
 * The renderers receive a `ModelView` (model-view.ts, which they import instead of this module:
 * no import cycle), so what "the canary stands at 25%" means is decided once.
 */
import type { LoadedDeployment } from "../deployments/types";
import { renderCandidateDisruptionBudget } from "./disruption-budget";
import { renderInferenceService } from "./inference-service";
import { renderLocalModelCaches } from "./local-model-cache";
import { renderLlmInferenceServices } from "./llm-inference-service";
import { renderRollout } from "./rollout";
import { renderPodMonitor } from "./monitoring";
import { renderHttpRoutes } from "./routing";
import { renderTrainingAnchor, renderTrainingJob } from "./training-job";

import type { DeclarationOf, Engine } from "../deployments/schema";
import { ANNOTATIONS, modelView, type KubeObject, type ModelView, type RenderContext } from "./model-view";

export { DEFAULT_GATEWAY } from "./routing";
export * from "./model-view";

/** Objects with their keys sorted at every level; arrays keep their order (it is meaningful). */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => canonical(v)) as T;
  if (typeof value === "object" && value !== null) {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    // Array#sort's default order is UTF-16 code unit order, the order `<` gives strings.
    for (const key of Object.keys(source).sort()) {
      const v = source[key];
      if (v === undefined) continue;
      // An own "__proto__" key stays a key (an assignment would set the prototype).
      if (key === "__proto__") Object.defineProperty(out, key, { value: canonical(v), enumerable: true, writable: true, configurable: true });
      else out[key] = canonical(v);
    }
    return out as T;
  }
  return value;
}

function byKindAndName(a: KubeObject, b: KubeObject): number {
  const ka = `${a.kind}/${a.metadata.name}`;
  const kb = `${b.kind}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * What each engine serves a declaration with. A mapped type over the engines: a new engine does
 * not compile until it has an entry, and each entry gets its engine's view (the vllm one carries
 * the vllm settings and images in its type).
 */
const ENGINE_OBJECTS: { readonly [E in Engine]: (view: ModelView<DeclarationOf<E>>, ctx: RenderContext) => KubeObject[] } = {
  vllm: (view, ctx) => [...renderRollout(view, ctx), ...renderHttpRoutes(view, ctx), renderPodMonitor(view)],
  // The candidate's pods are kept from voluntary disruption by a PDB, not by an annotation in
  // their template, which would restart them at promotion (disruption-budget.ts).
  kserve: (view, ctx) => [renderInferenceService(view, ctx), ...renderHttpRoutes(view, ctx), ...renderLocalModelCaches(view, ctx), renderPodMonitor(view), ...renderCandidateDisruptionBudget(view)],
  // KServe's controller makes each member's HTTPRoute: no route of ours (routing.ts).
  "llm-inference-service": (view, ctx) => [...renderLlmInferenceServices(view, ctx), renderPodMonitor(view), ...renderCandidateDisruptionBudget(view)],
};

/** `engine` is the view's own (`view.declaration.spec.serving.engine`), so the entry fits the view. */
function engineObjects<E extends Engine>(engine: E, view: ModelView<DeclarationOf<E>>, ctx: RenderContext): KubeObject[] {
  return ENGINE_OBJECTS[engine](view, ctx);
}

/** Every object that serves one declaration, canonical and sorted by kind and name. */
export function renderModel(deployment: LoadedDeployment, ctx: RenderContext): KubeObject[] {
  const view = modelView(deployment, ctx);
  const source = { [ANNOTATIONS.source]: deployment.file };
  const objects = engineObjects(view.declaration.spec.serving.engine, view, ctx);
  objects.push(...renderTrainingJob(view, ctx), ...renderTrainingAnchor(view, ctx));
  return objects
    .map((o) => canonical({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...source } } }))
    .sort(byKindAndName);
}
