/**
 * What `pulumi up` would do with a renamed resource, decided as the engine decides it, for tests
 * under the mock runtime (which has no engine: its URNs and its alias handling are not the
 * engine's).
 *
 * Ported from pulumi/pulumi@v3.248.0:
 * - sdk/go/common/resource/alias.go `CreateURN`: a child's URN is its parent's URN up to the last
 *   `::`, then `$<type>::<name>`, so the full chain of parent types is part of it. (The mock
 *   monitor keeps only the immediate parent's type: sdk/nodejs/runtime/mocks.ts `newUrn`.)
 * - pkg/resource/deploy/step_generator.go `collapseAliasToUrn` (an alias spec's missing name,
 *   type and parent default to the resource's own; a parent that was itself aliased stands for
 *   its old URN), `inheritedChildAlias` (a child named `<parent>-x` of an aliased parent is also
 *   looked up as `<old parent>-x` under the old parent), `generateAliases` (both multiplied out)
 *   and `getOldResource` (the URN first, then each alias, against the old state).
 *
 * The Node SDK sends alias specs, not URNs, because the monitor reports `aliasSpecs` support
 * (the mock monitor reports every feature but outputValues: sdk/nodejs/runtime/mocks.ts
 * `supportsFeature`), so children carry no aliases of their own and the engine multiplies out
 * their parent's: exactly the part these functions reproduce.
 */
import * as pulumi from "@pulumi/pulumi";

export interface AliasSpec {
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly project?: string;
  readonly stack?: string;
  /** The mock URN of the alias's parent, as the SDK sent it. */
  readonly parentUrn?: string;
  readonly noParent?: boolean;
}

export interface Registration {
  /** The mock monitor's URN (parents are referred to by it). */
  readonly mockUrn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly aliases: readonly AliasSpec[];
  /** The ID the provider (emulator) gave it; "" for a component. */
  readonly id: string;
}

interface WireAlias {
  getUrn(): string;
  getSpec(): { toObject(): { name: string; type: string; stack: string; project: string; parenturn: string; noparent: boolean } } | undefined;
}
interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getAliasesList(): WireAlias[];
}
interface Monitor {
  registerResource(req: WireRequest, cb: (err: Error | null, resp?: { getUrn(): string; getId(): string }) => void): void;
}

/** Records every registration with its alias specs; call after `setMocks` (and after any other wrapper). */
export function recordRegistrations(): Registration[] {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const recorded: Registration[] = [];
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const aliases = req.getAliasesList().map((a): AliasSpec => {
          if (a.getUrn()) return { urn: a.getUrn() };
          const s = a.getSpec()!.toObject();
          return {
            ...(s.name ? { name: s.name } : {}),
            ...(s.type ? { type: s.type } : {}),
            ...(s.project ? { project: s.project } : {}),
            ...(s.stack ? { stack: s.stack } : {}),
            ...(s.parenturn ? { parentUrn: s.parenturn } : {}),
            ...(s.noparent ? { noParent: true } : {}),
          };
        });
        recorded.push({ mockUrn: resp.getUrn(), id: resp.getId(), type: req.getType(), name: req.getName(), ...(req.getParent() ? { parent: req.getParent() } : {}), aliases });
      }
      cb(err, resp);
    });
  return recorded;
}

/** sdk/go/common/resource/alias.go CreateURN. */
export function createUrn(name: string, type: string, parent: string, project: string, stack: string): string {
  if (parent === "") return `urn:pulumi:${stack}::${project}::${type}::${name}`;
  const ix = parent.lastIndexOf("::");
  if (ix === -1) throw new Error(`Expected 'parent' string '${parent}' to contain '::'`);
  return `${parent.slice(0, ix)}$${type}::${name}`;
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
/** The type part of a URN, parent types included (`A$B$C`): URN.QualifiedType. */
const qualifiedTypeOf = (urn: string) => urn.split("::")[2]!;
const typeOf = (urn: string) => qualifiedTypeOf(urn).split("$").pop()!;

export interface UpPlan {
  /** New URN → the old URN it takes over (itself when unchanged). */
  readonly same: ReadonlyMap<string, string>;
  /** New URNs with no old resource: `pulumi up` creates them. */
  readonly creates: readonly string[];
  /** Old URNs nobody took over: `pulumi up` deletes them (or fails, when protected). */
  readonly deletes: readonly string[];
}

/**
 * Matches a program's registrations against the old state's URNs as the engine does, in
 * registration order (parents first, so a child sees whether its parent was aliased).
 */
export function planUp(olds: readonly string[], news: readonly Registration[], project: string, stack: string): UpPlan {
  const oldSet = new Set(olds);
  const engineUrn = new Map<string, string>(); // mock URN → engine URN
  const aliased = new Map<string, string>(); // sg.aliases: new engine URN → old URN it matched
  const same = new Map<string, string>();
  const creates: string[] = [];
  for (const r of news) {
    const parent = r.parent ? engineUrn.get(r.parent) : "";
    if (parent === undefined) throw new Error(`${r.name}: parent ${r.parent} was not registered before it`);
    const urn = createUrn(r.name, r.type, parent, project, stack);
    engineUrn.set(r.mockUrn, urn);

    const collapse = (a: AliasSpec): string => {
      if (a.urn) return a.urn;
      let p = a.parentUrn ? (engineUrn.get(a.parentUrn) ?? a.parentUrn) : parent;
      if (a.parentUrn && aliased.has(p)) p = aliased.get(p)!;
      if (a.noParent) p = "";
      return createUrn(a.name ?? r.name, a.type ?? r.type, p, a.project ?? project, a.stack ?? stack);
    };
    const inherited = (childType: string, childName: string, parentAlias: string): string => {
      const parentName = nameOf(parent);
      const aliasName = childName.startsWith(parentName) ? nameOf(parentAlias) + childName.slice(parentName.length) : childName;
      return `urn:pulumi:${stack}::${project}::${qualifiedTypeOf(parentAlias)}$${childType}::${aliasName}`;
    };
    const aliases: string[] = [];
    const add = (u: string) => {
      if (!aliases.includes(u)) aliases.push(u);
    };
    for (const a of r.aliases) add(collapse(a));
    if (parent !== "" && aliased.has(parent)) {
      const parentAlias = aliased.get(parent)!;
      add(inherited(r.type, r.name, parentAlias));
      for (const a of r.aliases) {
        const child = collapse(a);
        add(inherited(typeOf(child), nameOf(child), parentAlias));
      }
    }
    const found = [urn, ...aliases].find((u) => oldSet.has(u) && ![...same.values()].includes(u));
    if (found === undefined) creates.push(urn);
    else {
      same.set(urn, found);
      if (found !== urn) aliased.set(urn, found);
    }
  }
  const taken = new Set(same.values());
  return { same, creates, deletes: olds.filter((u) => !taken.has(u)) };
}

/** The engine's URNs of a program's registrations, as its state after `pulumi up` would hold them. */
export function stateUrns(registrations: readonly Registration[], project: string, stack: string): string[] {
  return [...planUp([], registrations, project, stack).creates];
}
