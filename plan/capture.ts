/**
 * Records every resource the program registers, with its inputs and resource options, by
 * wrapping the mock monitor's registerResource: the options (protect, dependsOn, ignoreChanges,
 * customTimeouts, provider, aliases) never reach the mocks themselves, and transforms do not run
 * under mocks, so the wire request is the only faithful place to read them.
 */
import * as pulumi from "@pulumi/pulumi";

/** Pulumi's wire sentinel for a value not known until apply; kept so policies can tell. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

export interface ResourceOptionsRecord {
  protect?: boolean;
  dependsOn?: string[];
  ignoreChanges?: string[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
  provider?: string;
  aliases?: string[];
  deleteBeforeReplace?: boolean;
  retainOnDelete?: boolean;
  replaceOnChanges?: string[];
  additionalSecretOutputs?: string[];
}

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  /** Inputs as the engine receives them: secrets unwrapped (their values are placeholders offline), unknowns as UNKNOWN. */
  props: Record<string, unknown>;
  options: ResourceOptionsRecord;
  /** Property name → URNs it depends on. */
  propertyDependencies: Record<string, string[]>;
  /** Component outputs (registerOutputs), or the state of a read resource. */
  outputs?: Record<string, unknown>;
  /** Paths of outputs that were secret. */
  outputSecretPaths?: string[];
  /** Paths of props that were secret. */
  secretPaths: string[];
  /**
   * A resource the program reads rather than manages (ReadResource: a StackReference, a `.get`),
   * with the ID it was read by; its `outputs` are the state read. Pulumi keeps read resources in
   * the stack, so stack policies see them too.
   */
  read?: { id: string };
}

/** Turns a wire value into plain JSON data. */
export function plain(value: unknown, secretPaths?: string[], path = ""): unknown {
  if (Array.isArray(value)) return value.map((v, i) => plain(v, secretPaths, secretPaths && `${path}[${i}]`));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG]) {
    case SECRET_SIG:
      secretPaths?.push(path);
      return plain(record.value, secretPaths, path);
    case RESOURCE_SIG:
      return record.urn;
    case OUTPUT_SIG:
      if (record.secret === true) secretPaths?.push(path);
      return "value" in record ? plain(record.value, secretPaths, path) : UNKNOWN;
    default: {
      // Every input of every resource passes here (a ModelDeployment's declaration, its rendered
      // files): a plain loop, without the arrays Object.entries/fromEntries would allocate.
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(record)) {
        const v = plain(record[k], secretPaths, secretPaths && (path ? `${path}.${k}` : k));
        // An own "__proto__" key stays a key, as Object.fromEntries would keep it.
        if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        else out[k] = v;
      }
      return out;
    }
  }
}

interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getIgnorechangesList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getAliasesList(): { getUrn(): string; getSpec(): { toObject(): Record<string, unknown> } | undefined }[];
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
}

type Callback = (err: unknown, resp?: { getUrn(): string }) => void;

interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getId(): string;
  getProvider(): string;
  getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
}

interface WrappableMonitor {
  registerResource(req: WireRequest, cb: Callback): void;
  readResource(req: ReadRequest, cb: (err: unknown, resp?: { getUrn(): string; getProperties(): { toJavaScript(): Record<string, unknown> } | undefined }) => void): void;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined }, cb: Callback): void;
}

/** An alias spec as `type::name` (parts the alias leaves unchanged are omitted). */
function aliasSpecText(spec: Record<string, unknown>): string {
  const parts = [spec.type, spec.name].filter((p) => typeof p === "string" && p !== "");
  return parts.join("::") || JSON.stringify(spec);
}

function optionsOf(req: WireRequest): ResourceOptionsRecord {
  const options: ResourceOptionsRecord = {};
  const protect = req.getProtect();
  if (protect) options.protect = true;
  const deps = req.getDependenciesList();
  if (deps.length) options.dependsOn = [...deps].sort();
  const ignore = req.getIgnorechangesList();
  if (ignore.length) options.ignoreChanges = ignore;
  const t = req.getCustomtimeouts();
  if (t && (t.getCreate() || t.getUpdate() || t.getDelete())) {
    options.customTimeouts = {
      ...(t.getCreate() && { create: t.getCreate() }),
      ...(t.getUpdate() && { update: t.getUpdate() }),
      ...(t.getDelete() && { delete: t.getDelete() }),
    };
  }
  if (req.getProvider()) options.provider = req.getProvider().split("::").slice(0, 4).join("::");
  const aliases = req.getAliasesList().map((a) => a.getUrn() || aliasSpecText(a.getSpec()?.toObject() ?? {}));
  if (aliases.length) options.aliases = aliases;
  if (req.getDeletebeforereplace()) options.deleteBeforeReplace = true;
  if (req.getRetainondelete()) options.retainOnDelete = true;
  const roc = req.getReplaceonchangesList();
  if (roc.length) options.replaceOnChanges = roc;
  const aso = req.getAdditionalsecretoutputsList();
  if (aso.length) options.additionalSecretOutputs = aso;
  return options;
}

/** Wraps the current mock monitor; call right after `setMocks`. */
export function recordResources(): RecordedResource[] {
  const monitor = pulumi.runtime.getMonitor() as unknown as WrappableMonitor | undefined;
  if (!monitor) throw new Error("recordResources() needs pulumi.runtime.setMocks() first");
  const recorded: RecordedResource[] = [];
  const byUrn = new Map<string, RecordedResource>();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const secretPaths: string[] = [];
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
          if (v.getUrnsList().length) propertyDependencies[k] = [...v.getUrnsList()].sort();
        });
        const parent = req.getParent();
        const record: RecordedResource = {
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          ...(parent ? { parent } : {}),
          custom: req.getCustom(),
          props: plain(req.getObject()?.toJavaScript() ?? {}, secretPaths) as Record<string, unknown>,
          options: optionsOf(req),
          propertyDependencies,
          secretPaths,
        };
        recorded.push(record);
        byUrn.set(record.urn, record);
      }
      cb(err, resp);
    });
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) =>
    read(req, (err, resp) => {
      if (!err && resp) {
        const secretPaths: string[] = [];
        const outputSecretPaths: string[] = [];
        const parent = req.getParent();
        const deps = req.getDependenciesList();
        const record: RecordedResource = {
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          ...(parent ? { parent } : {}),
          custom: true,
          props: plain(req.getProperties()?.toJavaScript() ?? {}, secretPaths) as Record<string, unknown>,
          options: {
            ...(deps.length ? { dependsOn: [...deps].sort() } : {}),
            ...(req.getProvider() ? { provider: req.getProvider().split("::").slice(0, 4).join("::") } : {}),
          },
          propertyDependencies: {},
          outputs: plain(resp.getProperties()?.toJavaScript() ?? {}, outputSecretPaths) as Record<string, unknown>,
          outputSecretPaths,
          secretPaths,
          read: { id: req.getId() },
        };
        recorded.push(record);
        byUrn.set(record.urn, record);
      }
      cb(err, resp);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const record = byUrn.get(req.getUrn());
    if (record) {
      record.outputSecretPaths = [];
      record.outputs = plain(req.getOutputs()?.toJavaScript() ?? {}, record.outputSecretPaths) as Record<string, unknown>;
    }
    registerOutputs(req, cb);
  };
  return recorded;
}
