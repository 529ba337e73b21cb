/**
 * Flux leaves the Rollouts plugin's HTTPRoute weights alone and owns everything else. The rules
 * come from pluginOwnedWeightIgnores; what Flux does with them is kustomize-controller v1.9.4
 * `spec.ignore` with fluxcd/pkg ssa v0.76.1 (manager_apply.go): ignored paths are left out of
 * drift detection and, when the object is applied for another change, the in-cluster value of
 * each ignored path is adopted into the payload (the plugin writes with Update, so Flux stays the
 * only Apply manager). `adopt` below does that last step on the rendered route, to show the
 * pointers land on the plugin's weights and nowhere else.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { buildKustomization, pluginOwnedWeightIgnores, type IgnoreRule } from "../../lib/render/flux";
import { renderModel, type KubeObject, type RenderContext } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, VALID } from "../deployments/fixture";

const CTX: RenderContext = { kserveMode: "Standard", storageServiceAccount: "model-reader", prometheusUrl: "http://prometheus:9090" };
type Obj = KubeObject & { spec: Record<string, any> };
const objects = renderModel(loadDeploymentFile(FILE, `${VALID}  routing: { header: x-ml-variant, value: candidate, candidateWeight: 30 }\n`, CONTEXT), CTX) as Obj[];

function get(root: unknown, pointer: string): unknown {
  return pointer.split("/").slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
}
function set(root: unknown, pointer: string, value: unknown): void {
  const keys = pointer.split("/").slice(1);
  const parent = keys.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], root) as Record<string, unknown>;
  parent[keys[keys.length - 1]!] = value;
}
const matches = (rule: IgnoreRule, o: Obj) =>
  new RegExp(rule.target.kind).test(o.kind) && new RegExp(rule.target.name).test(o.metadata.name) && new RegExp(rule.target.namespace).test(o.metadata.namespace ?? "");

/** fluxcd/pkg ssa computeDriftedPaths + applyDriftResult, adopt branch: live values of ignored paths into git's payload. */
function adopt(git: Obj, live: Obj, rules: IgnoreRule[]): Obj {
  const payload = structuredClone(git);
  for (const rule of rules) if (matches(rule, git)) for (const p of rule.paths) set(payload, p, get(live, p));
  return payload;
}

describe("Flux drift ignore rules for the Rollouts Gateway API plugin", () => {
  const rules = pluginOwnedWeightIgnores(objects);
  const route = objects.find((o) => o.kind === "HTTPRoute" && o.metadata.name === "llama")!;
  const abRoute = objects.find((o) => o.kind === "HTTPRoute" && o.metadata.name === "llama-ab")!;

  it("ignore exactly the canary and stable weights of the route the Rollout names, nothing on the A/B route", () => {
    assert.deepEqual(rules, [
      {
        paths: ["/spec/rules/0/backendRefs/0/weight", "/spec/rules/0/backendRefs/1/weight"],
        target: { group: "^gateway\\.networking\\.k8s\\.io$", kind: "^HTTPRoute$", name: "^llama$", namespace: "^models$" },
      },
    ]);
    assert.equal(rules.some((r) => matches(r, abRoute)), false);
  });

  it("each path resolves to a weight of the rendered route", () => {
    for (const p of rules[0]!.paths) assert.equal(typeof get(route, p), "number", p);
  });

  it("keep the plugin's live weights while a git change to matches and backends is applied", () => {
    const live = structuredClone(route);
    live.spec.rules[0].backendRefs[0].weight = 40; // the plugin at a setWeight: 60 step
    live.spec.rules[0].backendRefs[1].weight = 60;
    const git = structuredClone(route);
    git.spec.rules[0].matches = [{ path: { type: "PathPrefix", value: "/v1" } }];
    git.spec.rules[0].backendRefs[0].port = 8080;
    const payload = adopt(git, live, rules);
    assert.deepEqual(payload.spec.rules[0].backendRefs.map((b: { weight: number; port: number }) => [b.weight, b.port]), [[40, 8080], [60, 80]]);
    assert.deepEqual(payload.spec.rules[0].matches, [{ path: { type: "PathPrefix", value: "/v1" } }]);
  });

  it("cover every rule holding the canary or stable Service, and each route of httpRoutes", () => {
    const rollout = structuredClone(objects.find((o) => o.kind === "Rollout")!);
    const plugin = rollout.spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"];
    delete plugin.httpRoute;
    plugin.httpRoutes = [{ name: "llama" }, { name: "llama-ab" }];
    const twoRules = structuredClone(route);
    twoRules.spec.rules.push({ backendRefs: [{ name: "other", port: 80, weight: 1 }, { name: "llama-canary", port: 80, weight: 0 }] });
    const found = pluginOwnedWeightIgnores([rollout, twoRules, abRoute]);
    assert.deepEqual(found.map((r) => [r.target.name, r.paths]), [
      ["^llama$", ["/spec/rules/0/backendRefs/0/weight", "/spec/rules/0/backendRefs/1/weight", "/spec/rules/1/backendRefs/1/weight"]],
      ["^llama-ab$", ["/spec/rules/0/backendRefs/0/weight", "/spec/rules/0/backendRefs/1/weight"]],
    ]);
  });

  it("are none without a Rollout steered by the plugin", () => {
    assert.deepEqual(pluginOwnedWeightIgnores(objects.filter((o) => o.kind !== "Rollout")), []);
  });

  it("reach the models Kustomization as spec.ignore", () => {
    const k = buildKustomization({ name: "models", namespace: "flux-system", sourceName: "gitops", path: "clusters/x/models", intervalMinutes: 10, retryIntervalMinutes: 2, timeoutMinutes: 45, ignore: rules });
    assert.deepEqual(k.spec.ignore, rules);
    assert.equal("ignore" in buildKustomization({ name: "m", namespace: "flux-system", sourceName: "gitops", path: "p", intervalMinutes: 10, retryIntervalMinutes: 2, timeoutMinutes: 45 }).spec, false);
  });
});
