/**
 * Reads a stack file (`stacks/Pulumi.<stack>.yaml`) into the config map Pulumi hands a program:
 * `project:key` → string, structured values as JSON, secure values as secrets whose plaintext is
 * never known (the offline plan gives them a placeholder; `pulumi up` decrypts them itself).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseFastYaml } from "../manifests/fast-yaml";
import { Problems } from "../errors";
import { resolvesInside } from "../inside";
import { assertName, nameProblem } from "../names";
import { PROJECT, stackFile } from "./stack-config";

export const SECRET_PLACEHOLDER = "[secret]";

/**
 * Offline stand-ins for secure values, shaped like the real thing where the program checks the
 * shape (a bcrypt hash), so a plan exercises the same code as `pulumi up`. Never a real secret.
 */
const SHAPED_PLACEHOLDERS: Readonly<Record<string, string>> = {
  "ml-gitops:argocdAdminPasswordBcrypt": "$2a$10$offline.plan.placeholder.not.a.real.bcrypt.hash.00000",
};

export function secretPlaceholder(key: string): string {
  return SHAPED_PLACEHOLDERS[key] ?? SECRET_PLACEHOLDER;
}

export interface StackFile {
  readonly stack: string;
  readonly file: string;
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
}

/** Stack names from `stacks/Pulumi.<stack>.yaml`. @throws ValidationError for a file whose stack part is not a name (`Pulumi....yaml`), or a `.yml` stack file. */
export function listStacks(root: string): string[] {
  const problems = new Problems();
  const files = readdirSync(join(root, "stacks"));
  // The Pulumi CLI names a stack's file after the project file, Pulumi.yaml → Pulumi.<stack>.yaml
  // (pulumi/pulumi@v3.248.0:sdk/go/common/workspace/paths.go DetectProjectStackPath), so a .yml
  // stack file is one `pulumi up` never reads: refuse it rather than plan a stack nobody deploys.
  for (const f of files.filter((f) => /^Pulumi\..+\.yml$/.test(f))) {
    problems.add({ file: `stacks/${f}`, path: "(file name)", value: f, message: "ends in .yml, which the Pulumi CLI never reads: it looks for the stack's file with the project file's extension (Pulumi.yaml)", fix: `Rename it to ${f.replace(/\.yml$/, ".yaml")}.` });
  }
  const names = files
    .map((f) => [f, /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]] as const)
    .filter((e): e is readonly [string, string] => e[1] !== undefined)
    .filter(([f, stack]) => {
      const p = nameProblem("stack", "(file name)", stack, `stacks/${f}`);
      if (p) problems.add(p);
      return p === undefined;
    })
    .map(([, stack]) => stack)
    .sort();
  problems.throwIfAny("stacks/");
  return names;
}

export function readStackFile(root: string, stack: string): StackFile {
  assertName("stack", "stack", stack);
  const file = stackFile(stack);
  const problems = new Problems();
  let text: string;
  if (existsSync(join(root, file)) && !resolvesInside(root, join(root, file))) {
    problems.add({ file, path: "(file)", message: "is a symbolic link leading outside the project; ml-gitops reads only files inside it", fix: "Replace the link with the stack file itself" });
    problems.throwIfAny(`stack ${stack}`);
  }
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    problems.add({ file, path: "(file)", message: "cannot be read", fix: `Create it, or pick a stack from: ${listStacks(root).join(", ")}` });
    problems.throwIfAny(`stack ${stack}`);
    throw new Error("unreachable");
  }
  // Fast path: js-yaml, answering only when it can be sure (lib/manifests/fast-yaml.ts); otherwise,
  // and for every YAML error, the yaml library reads the file with positions, as before.
  const fast = parseFastYaml(text, "core");
  if (fast !== undefined && fast.length <= 1) {
    const doc = fast[0]?.value;
    const configValue = isPlainObject(doc) ? doc.config : undefined;
    // `config:` with no value, or a key JavaScript would reorder (an integer), goes the reference
    // way: the first is a problem it names, the second keeps file order.
    if (configValue === undefined || (isPlainObject(configValue) && !Object.keys(configValue).some((k) => /^\d+$/.test(k)))) {
      return { stack, file, ...configOf(Object.entries(configValue ?? {})) };
    }
  }
  return { stack, file, ...readWithPositions(stack, file, text) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Pulumi's config map from the `config` mapping's entries, in file order. */
function configOf(entries: readonly (readonly [string, unknown])[]): { config: Record<string, string>; secretKeys: string[] } {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of entries) {
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (isPlainObject(value) && "secure" in value) {
      config[fullKey] = secretPlaceholder(fullKey);
      secretKeys.push(fullKey);
    } else if (typeof value === "string") {
      config[fullKey] = value;
    } else {
      config[fullKey] = JSON.stringify(value ?? null);
    }
  }
  return { config, secretKeys };
}

/**
 * The reference reading with the yaml library, whose positions place YAML errors (exported for the
 * test that holds the fast path to it). @throws ValidationError naming every YAML or shape problem.
 */
export function readWithPositions(stack: string, file: string, text: string): Omit<StackFile, "stack" | "file"> {
  const { isMap, isNode, isScalar, LineCounter, parseDocument } = require("yaml") as typeof import("yaml");
  const problems = new Problems();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    problems.add({ file, line, column: col, path: "(yaml)", message: e.message.split("\n")[0]!, fix: "Fix the YAML syntax" });
  }
  problems.throwIfAny(`stack ${stack}`);
  const root_ = doc.contents;
  const configNode = isMap(root_) ? root_.get("config", true) : undefined;
  const entries: [string, unknown][] = [];
  if (configNode !== undefined && !isMap(configNode)) {
    problems.add({ file, path: "config", message: "must be a mapping of key: value", fix: "Write config as a YAML mapping" });
  }
  if (isMap(configNode)) {
    for (const pair of configNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      // Values through the document, so an alias is the anchored value (as the Pulumi CLI's YAML
      // reader, gopkg.in/yaml.v3, gives it: pulumi@v3.248.0:sdk/go/common/encoding/marshal.go),
      // and an alias to an anchor never set is a problem, not a crash.
      try {
        entries.push([key, isNode(pair.value) ? (pair.value.toJS(doc, { maxAliasCount: 100 }) as unknown) : null]);
      } catch (err) {
        const { line, col } = lineCounter.linePos(isNode(pair.value) ? (pair.value.range?.[0] ?? 0) : 0);
        const reason = err instanceof Error ? err.message.split("\n")[0]! : String(err);
        problems.add({ file, line, column: col, path: `config.${key}`, message: reason, fix: "Set the anchor (&name) before the alias (*name) that uses it, or write the value out" });
      }
    }
  }
  problems.throwIfAny(`stack ${stack}`);
  return configOf(entries);
}
