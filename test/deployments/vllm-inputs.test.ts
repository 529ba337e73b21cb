/**
 * The vllm engine's inputs (lib/deployments/vllm-inputs.ts): one rule, reported by the loader and
 * relied on by the Rollout renderer, which names what is missing should a caller skip the loader.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { vllmInputs } from "../../lib/deployments/vllm-inputs";
import { formatProblem, ValidationError } from "../../lib/errors";
import { renderModel } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, IMAGE, URI_V1, VALID } from "./fixture";

const CTX = { kserveMode: "Standard" as const, storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus.monitoring:9090" };
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

  it("are named by the renderer when a caller hands it a declaration the loader would refuse", () => {
    const { vllm: _v, ...noSettings } = serving;
    const { image: _i, ...noImage } = stable;
    const broken = { ...loaded, declaration: { ...loaded.declaration, spec: { ...loaded.declaration.spec, serving: noSettings, stable: noImage, candidate: undefined } } };
    assert.throws(() => renderModel(broken, CTX), { message: `llama: the vllm engine needs spec.serving.vllm and an image on ${URI_V1} (load declarations with lib/deployments/loader.ts, which requires them)` });
  });
});
