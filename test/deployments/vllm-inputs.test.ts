/**
 * The vllm engine's inputs (lib/deployments/vllm-inputs.ts): one rule, reported by the loader and
 * the narrowing that gives the Rollout renderer a declaration whose type carries both.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { declarationSchema } from "../../lib/deployments/schema";
import { engineDeclaration, servedBy, vllmInputs } from "../../lib/deployments/vllm-inputs";
import { formatProblem, ValidationError } from "../../lib/errors";
import { load as loadYaml } from "js-yaml";
import { CONTEXT, FILE, IMAGE, VALID } from "./fixture";

const loaded = loadDeploymentFile(FILE, VALID, CONTEXT);
const { serving, stable } = loaded.declaration.spec;

describe("the vllm engine's inputs", () => {
  it("are the settings and the artifact's image when both are declared", () => {
    assert.deepEqual(vllmInputs(serving, stable), { ok: true, vllm: serving.vllm, image: IMAGE });
  });

  it("name each missing piece", () => {
    const { vllm: _v, ...noSettings } = serving;
    const { image: _i, ...noImage } = stable;
    assert.deepEqual(vllmInputs(noSettings, stable), { ok: false, missing: ["vllm"] });
    assert.deepEqual(vllmInputs(serving, noImage), { ok: false, missing: ["image"] });
    assert.deepEqual(vllmInputs(noSettings, noImage), { ok: false, missing: ["vllm", "image"] });
  });

  it("are what the loader requires: it refuses a vllm declaration without them, at each field", () => {
    const text = VALID.replace(/^ {4}vllm:\n(?: {6}.*\n)+/m, "").replace(/^(\s*)image: .*\n/gm, "");
    const add = `Add image: ${IMAGE}.`;
    assert.throws(
      () => loadDeploymentFile(FILE, text, CONTEXT),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.deepEqual(err.problems.map(formatProblem), [
          `${FILE}:16:5: spec.stable.image: is required for the vllm engine: the Rollout runs this image. ${add}`,
          `${FILE}:19:5: spec.candidate.image: is required for the vllm engine: the Rollout runs this image. ${add}`,
          `${FILE}:9:5: spec.serving.vllm: is required for the vllm engine. Add vllm: {tensorParallelSize, maxModelLen, gpuMemoryUtilization}.`,
        ]);
        return true;
      },
    );
  });

});

describe("a declaration narrowed to its engine (engineDeclaration)", () => {
  const parsed = declarationSchema.parse(loadYaml(VALID));
  const { candidate: _c, ...withoutCandidate } = parsed.spec;
  const stableOnly = { ...parsed, spec: withoutCandidate };
  const asKServe = { ...parsed, spec: { ...parsed.spec, serving: { ...parsed.spec.serving, engine: "kserve" as const } } };
  const asLlmisvc = { ...parsed, spec: { ...parsed.spec, serving: { ...parsed.spec.serving, engine: "llm-inference-service" as const } } };

  it("is the declaration itself, every key in its place (it is registered as JSON text)", () => {
    for (const d of [parsed, stableOnly, asKServe, asLlmisvc]) {
      const narrowed = engineDeclaration(d);
      assert.deepEqual(narrowed, d);
      assert.equal(JSON.stringify(narrowed), JSON.stringify(d));
    }
    assert.deepEqual(loaded.declaration, parsed);
  });

  it("carries the vllm engine's settings and each served artifact's image in its type", () => {
    const narrowed = engineDeclaration(parsed);
    assert.ok(narrowed && servedBy(narrowed, "vllm"));
    // Typed as VllmDeclaration: no optional to unwrap.
    const images: string[] = [narrowed.spec.stable.image, ...(narrowed.spec.candidate ? [narrowed.spec.candidate.image] : [])];
    assert.deepEqual(images, [IMAGE, IMAGE]);
    assert.equal(narrowed.spec.serving.vllm.tensorParallelSize, 4);
    assert.equal(servedBy(narrowed, "kserve"), false);
  });

  it("is refused for the vllm engine without its settings, or without the stable's or the candidate's image", () => {
    const { vllm: _v, ...noSettings } = parsed.spec.serving;
    const { image: _s, ...stableNoImage } = parsed.spec.stable;
    const { image: _i, ...candidateNoImage } = parsed.spec.candidate!;
    assert.equal(engineDeclaration({ ...parsed, spec: { ...parsed.spec, serving: noSettings } }), undefined);
    assert.equal(engineDeclaration({ ...parsed, spec: { ...parsed.spec, stable: stableNoImage } }), undefined);
    assert.equal(engineDeclaration({ ...parsed, spec: { ...parsed.spec, candidate: candidateNoImage } }), undefined);
    assert.equal(engineDeclaration({ ...stableOnly, spec: { ...stableOnly.spec, stable: stableNoImage } }), undefined);
    // The other engines serve the runtime's image: none required.
    assert.deepEqual(engineDeclaration({ ...asKServe, spec: { ...asKServe.spec, stable: stableNoImage } })?.spec.stable, stableNoImage);
  });
});
