/**
 * The Argo CD health scripts under Lua 5.1, the language version of gopher-lua, the VM Argo CD
 * runs them in (fengari, used by health.test.ts, implements Lua 5.3). Uses the Debian `lua5.1`
 * interpreter: .ci/run installs it; elsewhere the test is skipped, with a message, when the
 * binary is missing, and fails in CI (CI=true) so a missing install cannot pass silently.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { LLM_INFERENCE_SERVICE_HEALTH_LUA, LOCAL_MODEL_CACHE_HEALTH_LUA, LOCAL_MODEL_NODE_HEALTH_LUA } from "../../lib/render/health";
import { LLMISVC_CASES } from "../fixtures/health/llm-inference-service-statuses";
import { argoHealth } from "../support/health-engines";

const LUA = "lua5.1";
const present = spawnSync(LUA, ["-v"], { encoding: "utf8" }).status === 0;
if (!present && process.env.CI) throw new Error(`${LUA} is not installed: .ci/run installs it (apt-get install -y lua5.1)`);
const skip = present ? false : `${LUA} is not installed here (apt-get install -y lua5.1); the scripts still run under fengari in health.test.ts`;

/** A JSON value as a Lua 5.1 table constructor. */
function luaLiteral(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `{${v.map(luaLiteral).join(", ")}}`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `[${JSON.stringify(k)}] = ${luaLiteral(x)}`).join(", ")}}`;
}

function lua51Health(script: string, object: Record<string, unknown>): { status: string; message: string } {
  const program = `obj = ${luaLiteral(object)}\nlocal hs = (function()\n${script}\nend)()\nio.write(tostring(hs.status), "\\t", tostring(hs.message))`;
  const run = spawnSync(LUA, ["-"], { input: program, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const [status, message] = run.stdout.split("\t");
  return { status: status!, message: message! };
}

const cache = (status?: Record<string, unknown>) => ({ apiVersion: "serving.kserve.io/v1alpha1", kind: "LocalModelCache", metadata: { name: "c" }, spec: {}, ...(status ? { status } : {}) });
const node = (models: string[], modelStatus?: Record<string, string>) => ({
  apiVersion: "serving.kserve.io/v1alpha1",
  kind: "LocalModelNode",
  metadata: { name: "n" },
  spec: { localModels: models.map((m) => ({ modelName: m })) },
  ...(modelStatus ? { status: { modelStatus } } : {}),
});

describe("Argo CD health scripts under Lua 5.1 (uses the lua5.1 binary)", { skip }, () => {
  const objects: [string, string, Record<string, unknown>][] = [
    ["cache without status", LOCAL_MODEL_CACHE_HEALTH_LUA, cache()],
    ["cache without nodes", LOCAL_MODEL_CACHE_HEALTH_LUA, cache({ copies: {} })],
    ["cache downloading", LOCAL_MODEL_CACHE_HEALTH_LUA, cache({ copies: { available: 1, total: 2 } })],
    ["cache filled", LOCAL_MODEL_CACHE_HEALTH_LUA, cache({ copies: { available: 2, total: 2 } })],
    ["cache failed", LOCAL_MODEL_CACHE_HEALTH_LUA, cache({ copies: { available: 1, total: 3, failed: 2 }, nodeStatus: { b: "NodeDownloadError", a: "NodeDownloadError", c: "NodeDownloaded" } })],
    ["node downloading", LOCAL_MODEL_NODE_HEALTH_LUA, node(["a", "b"], { a: "ModelDownloaded", b: "ModelDownloading" })],
    ["node done", LOCAL_MODEL_NODE_HEALTH_LUA, node(["a"], { a: "ModelDownloaded" })],
    ["node failed", LOCAL_MODEL_NODE_HEALTH_LUA, node(["a", "b"], { b: "ModelDownloadError", a: "ModelDownloadError" })],
    ...LLMISVC_CASES.map(([what, object]): [string, string, Record<string, unknown>] => [`LLMInferenceService ${what}`, LLM_INFERENCE_SERVICE_HEALTH_LUA, object]),
  ];
  for (const [what, script, object] of objects) {
    it(`gives the same verdict and message as under fengari: ${what}`, () => {
      assert.deepEqual(lua51Health(script, object), argoHealth(script, object));
    });
  }
  it("reports a failed cache as Degraded, naming the nodes in order", () => {
    assert.deepEqual(lua51Health(LOCAL_MODEL_CACHE_HEALTH_LUA, objects[4]![2]), { status: "Degraded", message: "Download failed on 2 of 3 nodes: a, b" });
  });
});
