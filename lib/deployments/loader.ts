/**
 * Loads `deployments/<environment>/*.yaml`: YAML with positions, the zod schema, then the
 * cross-field rules. Every problem of every file is collected and thrown once, so an ML engineer
 * fixes a whole pull request in one pass; nothing is rendered from a file with a problem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { keyPath, Problems, ValidationError, type Problem } from "../errors";
import { resolvesInside } from "../inside";
import { assertName } from "../names";
import { clustersOf, type EnvironmentCluster } from "../config/environment-clusters";
import { parseFastYaml } from "../manifests/fast-yaml";
import { SourceMap } from "./positions";
import { declarationSchema } from "./schema";
import { engineDeclaration } from "./vllm-inputs";
import type { LoadedDeployment } from "./types";
import { declarationProblems, ProblemSink, schemaProblems, type DeploymentContext } from "./validate";

export type { DeploymentContext, GpuPool } from "./validate";

export const DEPLOYMENTS_DIR = "deployments";

export interface Checked {
  readonly deployment?: LoadedDeployment;
  readonly problems: readonly Problem[];
  readonly source?: SourceMap;
}

/** The environment is the directory the file sits in: `deployments/<environment>/<model>.yaml`. */
function environmentOf(file: string): string {
  return path.basename(path.dirname(file));
}

/** The YAML options of both paths: the fast path's values equal the full path's `toJS()`. */
const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true } as const;

/**
 * Fast path: most declarations are valid, and positions are needed only for problems. The text
 * is parsed straight to values (`yaml.parse`, no LineCounter) and validated; any problem at all
 * (YAML, empty, schema, cross-field) sends the file down `checkFileWithPositions`, the path that
 * has always reported problems, so every message is byte-identical to before. A valid file's
 * positions (for a later duplicate name) are parsed only if asked for.
 */
export function checkFile(file: string, text: string, context: DeploymentContext): Checked {
  let data: unknown;
  // The fast path (lib/manifests/fast-yaml.ts: js-yaml, scalars resolved as the yaml library's
  // default schema resolves them) reads what it is sure of without loading the yaml library;
  // anything it declines is read by yaml.parse.
  const fast = parseFastYaml(text, "core");
  if (fast?.length === 1) data = fast[0]!.value;
  else {
    try {
      // logLevel "error": errors throw, warnings are ignored as the full path ignores them.
      data = (require("yaml") as typeof import("yaml")).parse(text, { ...YAML_OPTIONS, logLevel: "error" });
    } catch {
      return checkFileWithPositions(file, text, context);
    }
  }
  if (data === null || data === undefined) return checkFileWithPositions(file, text, context);
  const parsed = declarationSchema.safeParse(data);
  if (!parsed.success) return checkFileWithPositions(file, text, context);
  const source = SourceMap.fromText(file, text, YAML_OPTIONS);
  const sink = new ProblemSink(source);
  declarationProblems(parsed.data, file, context, sink);
  const declaration = sink.problems.length === 0 ? engineDeclaration(parsed.data) : undefined;
  if (declaration === undefined) return checkFileWithPositions(file, text, context);
  return { deployment: { file, environment: environmentOf(file), declaration }, problems: [], source };
}

/** The full path: a Document with positions. Exported for the test that compares both paths. */
export function checkFileWithPositions(file: string, text: string, context: DeploymentContext): Checked {
  const { LineCounter, parseDocument } = require("yaml") as typeof import("yaml");
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, ...YAML_OPTIONS });
  const source = new SourceMap(file, { doc, lines });
  const sink = new ProblemSink(source);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const where = source.offset(e.pos[0]);
      if (e.code === "DUPLICATE_KEY") {
        const at = source.keyPathAt(e.pos[0]);
        const key = at ? String(at[at.length - 1]) : (/^[^:\n]+/.exec(text.slice(e.pos[0]))?.[0] ?? "").trim();
        sink.problems.push({ ...where, path: at ? keyPath(at) : key, message: `is written twice in the same mapping (key "${key}")`, fix: "Remove one of them, or merge their values." });
      } else {
        sink.problems.push({ ...where, path: "(yaml)", message: `YAML syntax error: ${e.message.split("\n")[0]}`, fix: "Fix the YAML syntax at this position." });
      }
    }
    return { problems: sink.problems, source };
  }
  // toJS throws on what parsing lets through: an alias to an anchor never set (`*missing`, the
  // yaml library's Alias.toJSON) or more alias expansion than maxAliasCount. Report it at the alias.
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    const alias = firstUnresolvedAlias(doc);
    const where = source.offset(alias?.range?.[0] ?? 0);
    const fix = alias ? "Set the anchor (&name) before the alias (*name) that uses it, or write the value out." : "Write the values out instead of expanding aliases this many times.";
    sink.problems.push({ ...where, path: "(yaml)", message: `YAML error: ${reason}`, fix });
    return { problems: sink.problems, source };
  }
  if (data === null || data === undefined) {
    sink.problems.push({ file, line: 1, column: 1, path: "(file)", message: "is empty", fix: "Declare a ModelDeployment, or delete the file." });
    return { problems: sink.problems, source };
  }
  const parsed = declarationSchema.safeParse(data);
  if (!parsed.success) {
    schemaProblems(parsed.error, data, sink);
    return { problems: sink.problems, source };
  }
  declarationProblems(parsed.data, file, context, sink);
  if (sink.problems.length > 0) return { problems: sink.problems, source };
  // What the engine lacks is a problem above (validate.ts reports each of vllmInputs' findings).
  const declaration = engineDeclaration(parsed.data);
  if (declaration === undefined) throw new Error(`${file}: the vllm engine lacks its settings or an image, yet no problem was reported (validate.ts and vllm-inputs.ts disagree)`);
  return { deployment: { file, environment: environmentOf(file), declaration }, problems: [], source };
}

/** The first alias (`*name`) whose anchor is not set before it, if any. */
function firstUnresolvedAlias(doc: import("yaml").Document): import("yaml").Alias | undefined {
  const { visit } = require("yaml") as typeof import("yaml");
  let found: import("yaml").Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * One declaration from its text. `file` is the path relative to the project root; its directory
 * names the environment.
 * @throws ValidationError with every problem of the file.
 */
export function loadDeploymentFile(file: string, text: string, context: DeploymentContext): LoadedDeployment {
  const checked = checkFile(file, text, context);
  if (!checked.deployment) throw new ValidationError(`${file}`, checked.problems);
  return checked.deployment;
}

/**
 * Every declaration of one environment, sorted by file name.
 * @throws ValidationError with every problem of every file, plus names declared twice.
 */
export function loadDeployments(root: string, environment: string, context: DeploymentContext): LoadedDeployment[] {
  assertName("environment", "environment", environment);
  const dirRel = path.posix.join(DEPLOYMENTS_DIR, environment);
  const dir = path.join(root, DEPLOYMENTS_DIR, environment);
  const problems = new Problems();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const base = path.join(root, DEPLOYMENTS_DIR);
    const known = existsSync(base) ? readdirSync(base).filter((e) => statSync(path.join(base, e)).isDirectory()).sort() : [];
    problems.add({
      file: dirRel,
      path: "environment",
      value: environment,
      message: `has no directory ${dirRel}`,
      fix: known.length > 0 ? `Use one of ${known.join(", ")}, or create ${dirRel}/.` : `Create ${dirRel}/ with one <model>.yaml per model.`,
    });
    problems.throwIfAny(`model deployments for ${environment}`);
  }
  if (!resolvesInside(root, dir)) {
    problems.add({ file: dirRel, path: "environment", value: environment, message: "leads outside the repository through a symbolic link; ml-gitops reads only files inside it", fix: `Make ${dirRel} a real directory of the repository.` });
    problems.throwIfAny(`model deployments for ${environment}`);
  }
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // Hidden files are editors' and ml-gitops' own temporary files, never declarations.
    if (entry.name.startsWith(".")) continue;
    const file = path.posix.join(dirRel, entry.name);
    const absolute = path.join(dir, entry.name);
    if (entry.isSymbolicLink() && !resolvesInside(root, absolute)) {
      problems.add({ file, path: "(file)", message: "is a symbolic link leading outside the repository (or to nothing); ml-gitops reads only files inside it", fix: "Replace the link with the declaration itself." });
      continue;
    }
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(absolute).isDirectory());
    if (isDir) {
      problems.add({ file, path: "(directory)", message: `is a directory; declarations are read only from ${dirRel}/*.yaml, never from subdirectories, so its files would be silently ignored`, fix: `Move its declarations into ${dirRel}/, or make it an environment of its own under ${DEPLOYMENTS_DIR}/.` });
    } else if (/\.json$/i.test(entry.name)) {
      problems.add({ file, path: "(file)", message: "is JSON; declarations are read from .yaml and .yml files only, so it would be silently ignored", fix: `Rename it to ${entry.name.replace(/\.json$/i, ".yaml")} (JSON is valid YAML).` });
    } else if (/\.ya?ml$/.test(entry.name)) files.push(entry.name);
  }
  // The stacks are read once, and only when a declaration declares waves.
  let clusters: readonly EnvironmentCluster[] | undefined;
  const withClusters: DeploymentContext = context.clusters ? context : { ...context, clusters: () => (clusters ??= clustersOf(root, environment)) };
  const loaded: LoadedDeployment[] = [];
  // A file's position is computed only when its name turns out to be declared twice.
  const firstByName = new Map<string, SourceMap>();
  for (const name of files) {
    const file = path.posix.join(dirRel, name);
    const checked = checkFile(file, readFileSync(path.join(dir, name), "utf8"), withClusters);
    problems.addAll(checked.problems);
    if (checked.deployment) loaded.push(checked.deployment);
    // Names are compared even for files with other problems, so a rename collision shows up at once.
    const source = checked.source;
    const modelName = checked.deployment?.declaration.metadata.name ?? source?.nameIfAny();
    if (source && modelName !== undefined) {
      const firstSource = firstByName.get(modelName);
      if (firstSource) {
        const first = firstSource.at(["metadata", "name"]);
        problems.add({
          ...source.at(["metadata", "name"]),
          path: "metadata.name",
          value: modelName,
          message: `is also declared in ${first.file}:${first.line}:${first.column}; a model name is unique within environment ${environment}`,
          fix: "Rename one of them, or delete the older declaration.",
        });
      } else firstByName.set(modelName, source);
    }
  }
  problems.throwIfAny(`model deployments for ${environment}`);
  return loaded;
}
