/**
 * The two health engines, run for real on our expressions:
 * - Flux: CEL through @marcbachmann/cel-js, in the environment fluxcd/pkg@runtime/v0.110.1
 *   runtime/cel/expression.go builds (undeclared variables, optional types, homogeneous
 *   aggregate literals), wrapped in the order of runtime/cel/status_evaluator.go Evaluate
 *   (int64 observedGeneration check, then inProgress, failed, current, default InProgress).
 *   Kubernetes integers reach cel-go as int64, so integral numbers are passed as BigInt.
 * - Argo CD: Lua through fengari (a Lua 5.3 VM; Argo CD runs gopher-lua, Lua 5.1: the scripts
 *   keep to the common subset), with the object as the global `obj` as argo-cd@v3.5.1
 *   util/lua/lua.go sets it, returning the script's {status, message}.
 */
import { Environment } from "@marcbachmann/cel-js";
import type { CustomHealthCheck } from "../../lib/render/health";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fengari = require("fengari") as {
  lua: Record<string, (...a: unknown[]) => unknown> & { LUA_OK: number };
  lauxlib: Record<string, (...a: unknown[]) => unknown>;
  lualib: Record<string, (...a: unknown[]) => unknown>;
  to_luastring: (s: string) => unknown;
  to_jsstring: (s: unknown) => string;
};

export type FluxStatus = "Current" | "InProgress" | "Failed" | "Error";

const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: true, enableOptionalTypes: true });

function toCel(v: unknown): unknown {
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v;
}

export function celBoolean(expr: string, object: Record<string, unknown>): boolean {
  const result = env.evaluate(expr, toCel(object) as Record<string, unknown>);
  if (typeof result !== "boolean") throw new Error(`expression ${expr} gave ${String(result)}, not a boolean`);
  return result;
}

/** kstatus' verdict through Flux's CEL status evaluator; "Error" where evaluation fails. */
export function fluxVerdict(check: CustomHealthCheck, object: Record<string, unknown>): FluxStatus {
  const status = object.status as Record<string, unknown> | undefined;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const observed = status?.observedGeneration;
  if (typeof observed === "number" && Number.isInteger(observed) && typeof metadata?.generation === "number" && observed !== metadata.generation) return "InProgress";
  try {
    for (const [expr, verdict] of [[check.inProgress, "InProgress"], [check.failed, "Failed"], [check.current, "Current"]] as const) {
      if (expr !== undefined && celBoolean(expr, object)) return verdict;
    }
  } catch {
    return "Error";
  }
  return "InProgress";
}

export interface ArgoHealth {
  status: string;
  message: string;
}

/** Runs an Argo CD health script on `object`; throws with Lua's message if the script fails. */
export function argoHealth(script: string, object: Record<string, unknown>): ArgoHealth {
  const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;
  const L = lauxlib.luaL_newstate!();
  lualib.luaL_openlibs!(L);
  const push = (v: unknown): void => {
    if (v === null || v === undefined) lua.lua_pushnil!(L);
    else if (typeof v === "boolean") lua.lua_pushboolean!(L, v);
    else if (typeof v === "number") (Number.isInteger(v) ? lua.lua_pushinteger! : lua.lua_pushnumber!)(L, v);
    else if (typeof v === "string") lua.lua_pushstring!(L, to_luastring(v));
    else if (Array.isArray(v)) {
      lua.lua_createtable!(L, v.length, 0);
      v.forEach((x, i) => {
        push(x);
        lua.lua_rawseti!(L, -2, i + 1);
      });
    } else {
      lua.lua_createtable!(L, 0, 0);
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        push(x);
        lua.lua_setfield!(L, -2, to_luastring(k));
      }
    }
  };
  push(object);
  lua.lua_setglobal!(L, to_luastring("obj"));
  const fail = () => new Error(`Lua: ${to_jsstring(lua.lua_tostring!(L, -1))}`);
  if (lauxlib.luaL_loadstring!(L, to_luastring(script)) !== lua.LUA_OK) throw fail();
  if (lua.lua_pcall!(L, 0, 1, 0) !== lua.LUA_OK) throw fail();
  const field = (name: string) => {
    lua.lua_getfield!(L, -1, to_luastring(name));
    const s = lua.lua_isnil!(L, -1) ? "" : to_jsstring(lua.lua_tostring!(L, -1));
    lua.lua_pop!(L, 1);
    return s;
  };
  return { status: field("status"), message: field("message") };
}
