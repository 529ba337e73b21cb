/**
 * What the vllm engine needs beyond the other engines: its settings (`spec.serving.vllm`) and,
 * for each artifact it serves, the image the Rollout runs. The schema keeps both optional, since
 * KServe runtimes need neither. This is the one rule: the loader reports what is missing
 * (lib/deployments/validate.ts) and then narrows the declaration to its engine's type
 * (`engineDeclaration`), so the Rollout renderer (lib/render/rollout.ts) reads both from the type.
 */
import type { Artifact, DeclarationOf, DeclarationSpec, Engine, ModelDeploymentDeclaration, ParsedDeclaration, VllmSettings } from "./schema";

export type { VllmSettings };

export type VllmInputs =
  | { readonly ok: true; readonly vllm: VllmSettings; readonly image: string }
  | { readonly ok: false; readonly missing: readonly ("vllm" | "image")[] };

/** The settings and `artifact`'s image, or which of them the declaration lacks. */
export function vllmInputs(serving: DeclarationSpec["serving"], artifact: Artifact): VllmInputs {
  const { vllm } = serving;
  const { image } = artifact;
  if (vllm !== undefined && image !== undefined) return { ok: true, vllm, image };
  return { ok: false, missing: [...(vllm === undefined ? ["vllm" as const] : []), ...(image === undefined ? ["image" as const] : [])] };
}

/**
 * The declaration as its engine's type, or undefined when the vllm engine lacks its settings or
 * an image for the stable or the candidate (what `vllmInputs` names, and the loader reports).
 * Keys keep their order: the declaration is registered as JSON text (plan output, `pulumi up`).
 */
export function engineDeclaration(d: ParsedDeclaration): ModelDeploymentDeclaration | undefined {
  const { serving, stable, candidate } = d.spec;
  switch (serving.engine) {
    case "vllm": {
      const forStable = vllmInputs(serving, stable);
      if (!forStable.ok) return undefined;
      // Spread over the spec, each key keeps its place.
      const served = { serving: { ...serving, engine: serving.engine, vllm: forStable.vllm }, stable: { ...stable, image: forStable.image } };
      if (candidate === undefined) {
        const { candidate: _none, ...spec } = d.spec;
        return { ...d, spec: { ...spec, ...served } };
      }
      const forCandidate = vllmInputs(serving, candidate);
      return forCandidate.ok ? { ...d, spec: { ...d.spec, ...served, candidate: { ...candidate, image: forCandidate.image } } } : undefined;
    }
    case "kserve":
      return { ...d, spec: { ...d.spec, serving: { ...serving, engine: serving.engine } } };
    case "llm-inference-service":
      return { ...d, spec: { ...d.spec, serving: { ...serving, engine: serving.engine } } };
  }
}

/** Whether `d` is served by `engine`, narrowing it to that engine's declaration. */
export function servedBy<E extends Engine>(d: ModelDeploymentDeclaration, engine: E): d is DeclarationOf<E> {
  return d.spec.serving.engine === engine;
}
