/**
 * The policy pack started as the Pulumi CLI starts it, and spoken to over the Analyzer gRPC
 * protocol with the stubs @pulumi/pulumi ships. Nothing here imitates CrossGuard: the pack runs
 * in @pulumi/pulumi's own `run-policy-pack`, compiled by that runner's ts-node with the options
 * it reads from policies/tsconfig.json, and serves with @pulumi/policy's own server.
 *
 * How the CLI starts a Node.js pack (pulumi/pulumi@v3.248.0):
 * - sdk/nodejs/cmd/pulumi-language-nodejs/main.go `RunPlugin`: for kind analyzer it runs
 *   `node <@pulumi/pulumi/cmd/run-policy-pack resolved from the pack dir> <engine address>
 *   <pack dir>` with the working directory set to the pack dir, and PULUMI_NODEJS_PROJECT,
 *   PULUMI_NODEJS_STACK, PULUMI_NODEJS_DRY_RUN and PULUMI_CONFIG in the environment.
 * - sdk/nodejs/cmd/run-policy-pack/index.ts drops the engine address (`argv._.shift()`) and
 *   run.ts requires the pack dir after registering ts-node; the pack prints its port on stdout.
 * - sdk/go/common/resource/plugin/analyzer_plugin.go: GetAnalyzerInfo, then Configure with the
 *   config reconciled by pkg/resource/analyzer/config.go `ReconcilePolicyPackConfig` (schema
 *   defaults, then the pack's initial config, then the --policy-pack-config file), then
 *   Analyze per resource and AnalyzeStack at the end.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PackConfig, PolicyResource } from "../../plan/policy/evaluate";
import { PROJECT_ROOT } from "./project-copy";

const POLICIES_DIR = join(PROJECT_ROOT, "policies");
// Resolved from the pack directory, as main.go `locateModule` resolves the runner.
const PULUMI_DIR = dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [POLICIES_DIR] }));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] })) as typeof import("@grpc/grpc-js");
const analyzerGrpc = require(join(PULUMI_DIR, "proto/analyzer_grpc_pb")) as { AnalyzerClient: new (address: string, creds: unknown) => GrpcClient };
const analyzerPb = require(join(PULUMI_DIR, "proto/analyzer_pb")) as Record<string, new () => Message>;
const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [PULUMI_DIR] })) as { Struct: { fromJavaScript(v: unknown): Message } };
const emptyPb = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [PULUMI_DIR] })) as { Empty: new () => Message };

type Message = Record<string, (...args: never[]) => unknown> & { toObject(): unknown };
type Callback = (err: Error | null, res: Message) => void;
type GrpcClient = Record<string, (req: Message, cb: Callback) => void> & { close(): void };

/** A violation as the engine receives it: the runner prefixes the policy's description. */
export interface RunnerViolation {
  policy: string;
  level: string;
  urn: string;
  message: string;
}

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: string;
  defaults: Record<string, unknown>;
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

export class CrossGuardRunner {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: GrpcClient,
    readonly stderr: () => string,
  ) {}

  /** Starts the pack as the CLI does; resolves once it prints its port. */
  static async start(options: { stack: string; timeoutMs?: number }): Promise<CrossGuardRunner> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICIES_DIR] });
    // Nothing listens at the engine address: run-policy-pack discards it before loading the pack.
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", POLICIES_DIR], {
      cwd: POLICIES_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        PULUMI_NODEJS_PROJECT: "ml-gitops",
        PULUMI_NODEJS_STACK: options.stack,
        PULUMI_NODEJS_DRY_RUN: "true",
        PULUMI_CONFIG: "{}",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`run-policy-pack printed no port within ${options.timeoutMs ?? 180_000} ms; stderr:\n${err}`)), options.timeoutMs ?? 180_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`run-policy-pack exited with ${code} before printing its port; stdout:\n${out}\nstderr:\n${err}`));
      });
    });
    const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new CrossGuardRunner(child, client, () => err);
  }

  private call(method: string, req: Message): Promise<Message> {
    return new Promise((resolve, reject) => this.client[method]!(req, (e, res) => (e ? reject(e) : resolve(res))));
  }

  async info(): Promise<{ name: string; policies: PolicyInfo[]; initialConfig: Record<string, { enforcementLevel: string; properties: Record<string, unknown> }> }> {
    const res = (await this.call("getAnalyzerInfo", new emptyPb.Empty())) as unknown as {
      getName(): string;
      getPoliciesList(): { getName(): string; getDescription(): string; getEnforcementlevel(): number; getConfigschema(): { getProperties(): { toJavaScript(): Record<string, Record<string, unknown>> } | undefined } | undefined }[];
      getInitialconfigMap(): { entries(): { next(): { done: boolean; value: [string, { getEnforcementlevel(): number; getProperties(): { toJavaScript(): Record<string, unknown> } | undefined }] } } };
    };
    const policies = res.getPoliciesList().map((p) => {
      const schema = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
      const defaults: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(schema)) if ("default" in v) defaults[k] = v.default;
      return { name: p.getName(), description: p.getDescription(), enforcementLevel: LEVELS[p.getEnforcementlevel()]!, defaults };
    });
    const initialConfig: Record<string, { enforcementLevel: string; properties: Record<string, unknown> }> = {};
    const it = res.getInitialconfigMap().entries();
    for (let n = it.next(); !n.done; n = it.next()) {
      const [k, v] = n.value;
      initialConfig[k] = { enforcementLevel: LEVELS[v.getEnforcementlevel()]!, properties: v.getProperties()?.toJavaScript() ?? {} };
    }
    return { name: res.getName(), policies, initialConfig };
  }

  /**
   * Configure as the CLI does after ReconcilePolicyPackConfig (pkg/resource/analyzer/config.go):
   * every policy gets its schema defaults and level, overlaid by the config file's entries.
   */
  async configure(policies: readonly PolicyInfo[], file: PackConfig): Promise<void> {
    const req = new analyzerPb.ConfigureAnalyzerRequest!();
    const map = (req.getPolicyconfigMap as () => { set(k: string, v: Message): void })();
    for (const p of policies) {
      const given = file[p.name];
      const level = typeof given === "string" ? given : (given?.enforcementLevel ?? p.enforcementLevel);
      const { enforcementLevel: _ignored, ...props } = typeof given === "object" && given !== null ? given : {};
      const pc = new analyzerPb.PolicyConfig!();
      (pc.setEnforcementlevel as (v: number) => void)(LEVELS.indexOf(level as (typeof LEVELS)[number]));
      (pc.setProperties as (v: Message) => void)(structPb.Struct.fromJavaScript({ ...p.defaults, ...props }));
      map.set(p.name, pc);
    }
    await this.call("configure", req);
  }

  async analyze(r: PolicyResource): Promise<RunnerViolation[]> {
    const req = new analyzerPb.AnalyzeRequest!();
    fill(req, r);
    return diagnostics(await this.call("analyze", req));
  }

  async analyzeStack(resources: readonly PolicyResource[]): Promise<RunnerViolation[]> {
    const req = new analyzerPb.AnalyzeStackRequest!();
    const list = resources.map((r) => {
      const a = new analyzerPb.AnalyzerResource!();
      fill(a, r);
      if (r.parent) (a.setParent as (v: string) => void)(r.parent);
      (a.setDependenciesList as (v: string[]) => void)(r.dependencies ?? []);
      const deps = (a.getPropertydependenciesMap as () => { set(k: string, v: Message): void })();
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const d = new analyzerPb.AnalyzerPropertyDependencies!();
        (d.setUrnsList as (v: string[]) => void)(urns);
        deps.set(k, d);
      }
      return a;
    });
    (req.setResourcesList as (v: Message[]) => void)(list);
    return diagnostics(await this.call("analyzeStack", req));
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** Properties as the engine sends them: plain JSON in a Struct (undefined dropped). */
function structOf(props: unknown): Message {
  return structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(props ?? {})));
}

function fill(req: Message, r: PolicyResource): void {
  (req.setType as (v: string) => void)(r.type);
  (req.setUrn as (v: string) => void)(r.urn);
  (req.setName as (v: string) => void)(r.name);
  (req.setProperties as (v: Message) => void)(structOf(r.props));
  const o = new analyzerPb.AnalyzerResourceOptions!();
  (o.setProtect as (v: boolean) => void)(r.opts?.protect ?? false);
  (o.setIgnorechangesList as (v: string[]) => void)(r.opts?.ignoreChanges ?? []);
  (o.setAliasesList as (v: string[]) => void)(r.opts?.aliases ?? []);
  (o.setAdditionalsecretoutputsList as (v: string[]) => void)(r.opts?.additionalSecretOutputs ?? []);
  (req.setOptions as (v: Message) => void)(o);
}

function diagnostics(res: Message): RunnerViolation[] {
  const list = (res.getDiagnosticsList as () => { getPolicyname(): string; getEnforcementlevel(): number; getUrn(): string; getMessage(): string }[])();
  return list.map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()]!, urn: d.getUrn(), message: d.getMessage() }));
}

/** policies/config.json as the CLI reads it for --policy-pack-config. */
export function packConfigFile(): PackConfig {
  return JSON.parse(readFileSync(join(POLICIES_DIR, "config.json"), "utf8")) as PackConfig;
}
