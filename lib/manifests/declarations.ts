/**
 * ModelDeployment declarations met by `ml-gitops check`: judged by the same loader `plan` uses
 * (lib/deployments/loader.ts: YAML, schema, cross-field rules) and then by the pack, as the
 * ModelDeployment component presents them to CrossGuard (`{declaration, file, ...}` under
 * MODEL_DEPLOYMENT_TYPE). A declaration the loader refuses fails the check with its problems.
 */
import { basename, dirname, resolve } from "node:path";
import { formatProblem, ValidationError } from "../errors";
import { API_VERSION, KIND, MODEL_DEPLOYMENT_TYPE } from "../deployments/types";
import type { DeploymentContext } from "../deployments/validate";
import type { PackConfig, PolicyResource } from "../policy/types";
import type { Failure } from "./read";

export function isDeclaration(object: Record<string, unknown>): boolean {
  return object.apiVersion === API_VERSION && object.kind === KIND;
}

/** The loader's context from the pack config: the same canary rules and KServe mode the pack applies. */
export function declarationContext(config: PackConfig): DeploymentContext {
  const canary = config["model-canary-required"];
  const c = typeof canary === "object" && canary !== null ? (canary as Record<string, unknown>) : {};
  const mode = c.defaultKServeMode === "Knative" ? "Knative" : "Standard";
  const rules = typeof c.maxInitialWeight === "number" ? { canaryRules: { maxInitialWeight: c.maxInitialWeight, ...(typeof c.requireAnalysis === "boolean" && { requireAnalysis: c.requireAnalysis }) } } : {};
  return { gpuPools: [], defaultKServeMode: mode, ...rules };
}

/**
 * The clusters serving a declaration's environment, for its region waves: read from the stacks/
 * of the project the file sits in (`<root>/deployments/<environment>/<model>.yaml`), and only
 * when the declaration declares waves. Outside such a layout there is nothing to read them from,
 * and the loader refuses waves it cannot check.
 */
function clustersFor(file: string, read: ClustersRead): DeploymentContext["clusters"] {
  const environmentDir = dirname(resolve(file));
  const deploymentsDir = dirname(environmentDir);
  if (basename(deploymentsDir) !== "deployments") return undefined;
  const root = dirname(deploymentsDir);
  const environment = basename(environmentDir);
  return () => {
    const key = `${root}\0${environment}`;
    let clusters = read.get(key);
    if (clusters === undefined) {
      const { clustersOf } = require("../config/environment-clusters") as typeof import("../config/environment-clusters");
      clusters = clustersOf(root, environment);
      read.set(key, clusters);
    }
    return clusters;
  };
}

/**
 * The clusters already read in one run, by project root and environment: a check over many
 * declarations with waves reads each project's stacks once.
 */
export type ClustersRead = Map<string, ReturnType<NonNullable<DeploymentContext["clusters"]>>>;

/**
 * One declaration file: the resource the pack judges, or the loader's problems as failures.
 * `read` carries the clusters read by earlier calls of the same run.
 */
export function judgeDeclaration(file: string, text: string, documents: number, config: PackConfig, read: ClustersRead = new Map()): { resource?: PolicyResource; failures: Failure[] } {
  if (documents !== 1) {
    return { failures: [{ file, line: 1, reason: `declares a ${KIND} among ${documents} documents; the loader reads one declaration per file (deployments/<environment>/<model>.yaml), so move it to a file of its own` }] };
  }
  try {
    // The loader (and zod) is loaded only when a declaration is met: most checked trees have none.
    const { loadDeploymentFile } = require("../deployments/loader") as typeof import("../deployments/loader");
    const clusters = clustersFor(file, read);
    const loaded = loadDeploymentFile(file, text, { ...declarationContext(config), ...(clusters && { clusters }) });
    const name = loaded.declaration.metadata.name;
    return {
      resource: { urn: `urn:pulumi:check::ml-gitops::${MODEL_DEPLOYMENT_TYPE}::${file}:1:${name}`, type: MODEL_DEPLOYMENT_TYPE, name, props: { declaration: loaded.declaration, file, environment: loaded.environment }, custom: false },
      failures: [],
    };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { failures: err.problems.map((p) => ({ file, line: p.line ?? 1, reason: `is refused by the ${KIND} loader: ${formatProblem({ ...p, file: undefined })}` })) };
  }
}
