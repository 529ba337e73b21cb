/**
 * What the vllm engine needs beyond the other engines: its settings (`spec.serving.vllm`) and,
 * for each artifact it serves, the image the Rollout runs. The declaration's types keep both
 * optional, since KServe runtimes need neither. This is the one rule: the loader reports what is
 * missing (lib/deployments/validate.ts), and the Rollout renderer (lib/render/rollout.ts) takes
 * what it returns.
 */
import type { Artifact, DeclarationSpec } from "./schema";

export type VllmSettings = NonNullable<DeclarationSpec["serving"]["vllm"]>;

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
