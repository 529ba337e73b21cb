/**
 * The offline plan: runs the real program (infra/) for each stack under the mock runtime, with
 * the stack's own config, records every resource, evaluates the policy pack over them as
 * CrossGuard would, and collects the Kubernetes objects the stack would apply. Stacks are planned
 * in dependency order in one process, so N stacks cost one SDK load; StackReference outputs come
 * from the referenced stack's plan.
 */
import { parseStackConfig, type StackConfig } from "../lib/config/stack-config";
import { listStacks, readStackFile, type StackFile } from "../lib/config/stack-file";
import { ValidationError } from "../lib/errors";
import { assertName } from "../lib/names";
import { evaluatePolicies, type PackConfig, type PolicyResource, type Violation } from "./policy/evaluate";
import { parseDurationSeconds } from "../lib/predicates/canary-steps";
import { declarationOf, renderedObjectsOf } from "../lib/predicates/model-deployment-props";
import { MODEL_DEPLOYMENT_TYPE, type ModelDeploymentDeclaration } from "../lib/deployments/types";
import { withTemplatesUnknown, type ManifestObject } from "../lib/manifests/read";
import { FIRST_CONTENT_LINE, manifestFile } from "../lib/render/manifest-file";
import type { KubeObject as RenderedObject } from "../lib/render/model-manifests";
import type { ClusterRef } from "../lib/deployments/waves";
import { toPolicyResource as manifestPolicyResource } from "../lib/manifests/resources";
import type { RecordedResource } from "./capture";
import { runProgram } from "./run-program";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface PlannedModel {
  readonly name: string;
  readonly urn: string;
  readonly file: string;
  readonly declaration: ModelDeploymentDeclaration;
  /** The cluster's KServe mode the model was rendered with. */
  readonly kserveMode: "Standard" | "Knative";
  /** The stack and its region, for a declaration with region waves (what it was rendered for). */
  readonly cluster?: ClusterRef;
}

export interface StackPlan {
  readonly stack: string;
  readonly file: string;
  readonly role: StackConfig["role"];
  readonly resources: readonly RecordedResource[];
  readonly outputs: Record<string, unknown>;
  readonly violations: readonly Violation[];
  /** Objects the stack applies through its Kubernetes provider. */
  readonly manifests: readonly KubeObject[];
  /** Objects the stack renders into its GitOps repository path, with their file paths. */
  readonly gitops: readonly GitopsObject[];
  /** Files the stack renders into its GitOps repository path, for Argo CD or Flux to sync. */
  readonly gitopsFiles: readonly { path: string; content: string }[];
  readonly models: readonly PlannedModel[];
}

export interface PlanOptions {
  readonly root: string;
  /** Stacks to plan; every stack in stacks/ when empty. Referenced stacks are planned first. */
  readonly stacks?: readonly string[];
  readonly packConfig?: PackConfig;
  /** Called as each stack's plan completes, for progress lines. */
  readonly onStack?: (plan: StackPlan, index: number, total: number) => void;
}

/** Short name of a stack reference (`org/project/stack` → `stack`). */
function shortName(reference: string): string {
  return reference.split("/").pop() ?? reference;
}

function referencesOf(file: StackFile): string[] {
  const ref = file.config["ml-gitops:artifactStack"];
  return ref ? [shortName(ref)] : [];
}

/** Stacks in an order where every referenced stack comes before the stacks that reference it. */
export function planOrder(root: string, requested: readonly string[]): StackFile[] {
  for (const stack of requested) assertName("stack", "--stack", stack);
  const known = new Set(listStacks(root));
  const files = new Map<string, StackFile>();
  const ordered: StackFile[] = [];
  // The stacks being visited, in order: a reference back into it is a cycle.
  const path: string[] = [];
  const visit = (stack: string, from?: StackFile) => {
    if (files.has(stack)) return;
    const ref = from?.config["ml-gitops:artifactStack"];
    if (path.includes(stack)) {
      const cycle = [...path.slice(path.indexOf(stack)), stack].join(" → ");
      throw new ValidationError("stack references", [
        { file: from?.file, path: "ml-gitops:artifactStack", value: ref, message: `closes a cycle of stack references (${cycle}), so no stack can be planned first`, fix: "Point ml-gitops:artifactStack at the artifacts stack, which references no other stack." },
      ]);
    }
    if (!known.has(stack) && from) {
      throw new ValidationError("stack references", [
        { file: from.file, path: "ml-gitops:artifactStack", value: ref, message: `names stack ${stack}, which has no file in stacks/ (known: ${[...known].join(", ")})`, fix: `Create stacks/Pulumi.${stack}.yaml, or name one of the known stacks.` },
      ]);
    }
    path.push(stack);
    const file = readStackFile(root, stack);
    for (const dep of referencesOf(file)) visit(dep, file);
    path.pop();
    files.set(stack, file);
    ordered.push(file);
  };
  for (const stack of requested.length > 0 ? requested : [...known]) visit(stack);
  return ordered;
}

function seconds(text: string | undefined): number {
  return text ? (parseDurationSeconds(text) ?? 0) : 0;
}

/** A recorded resource as CrossGuard presents it to policies. */
export function toPolicyResource(r: RecordedResource): PolicyResource {
  const o = r.options;
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    // A component's registered outputs (a ModelDeployment's rendered manifests and their paths)
    // are what `pulumi preview` gives a stack policy for it (pulumi@v3.248.0:
    // pkg/resource/deploy/step_generator.go:3249 AnalyzeResources passes each resource's Outputs;
    // step_executor.go:276 sets a component's Outputs from RegisterResourceOutputs); its inputs
    // are what a resource policy sees. The plan hands both, so rules reading either see what they
    // would for real.
    // A read resource's state (a StackReference's outputs) likewise.
    props: r.outputs && (!r.custom || r.read) ? { ...r.props, ...r.outputs } : r.props,
    ...(r.parent && { parent: r.parent }),
    custom: r.custom,
    dependencies: o.dependsOn ?? [],
    propertyDependencies: r.propertyDependencies,
    ...(o.provider && { provider: o.provider }),
    opts: {
      protect: o.protect ?? false,
      ignoreChanges: o.ignoreChanges ?? [],
      aliases: o.aliases ?? [],
      customTimeouts: {
        createSeconds: seconds(o.customTimeouts?.create),
        updateSeconds: seconds(o.customTimeouts?.update),
        deleteSeconds: seconds(o.customTimeouts?.delete),
      },
      additionalSecretOutputs: o.additionalSecretOutputs ?? [],
      ...(o.deleteBeforeReplace !== undefined && { deleteBeforeReplace: o.deleteBeforeReplace }),
    },
  };
}

function isKubeObject(r: RecordedResource): boolean {
  return (
    r.custom &&
    r.type.startsWith("kubernetes:") &&
    !r.type.startsWith("kubernetes:helm.sh/") &&
    typeof r.props.apiVersion === "string" &&
    typeof r.props.kind === "string"
  );
}

/** The models a stack plans; `kserveMode` is the cluster's (stack config), which a declaration's `serving.mode` overrides where it is read. */
function modelsOf(resources: readonly RecordedResource[], cluster: ClusterRef, kserveMode: "Standard" | "Knative"): PlannedModel[] {
  return resources
    .filter((r) => r.type === MODEL_DEPLOYMENT_TYPE)
    .map((r) => {
      const declaration = declarationOf(r.props) as ModelDeploymentDeclaration;
      return {
        name: r.name,
        urn: r.urn,
        file: String(r.props.file ?? ""),
        declaration,
        kserveMode,
        ...(declaration.spec.rollout.waves !== undefined && { cluster }),
      };
    });
}

/** One object of a ModelDeployment's GitOps output: where its file goes and what it holds. */
export interface GitopsObject {
  readonly path: string;
  /** The declaration it was rendered from. */
  readonly source: string;
  readonly object: RenderedObject;
}

/** A ModelDeployment registers its objects (as JSON text) and their file paths; the YAML is written on demand. */
function gitopsOf(resources: readonly RecordedResource[]): GitopsObject[] {
  return resources
    .filter((r) => r.type === MODEL_DEPLOYMENT_TYPE)
    .flatMap((r) => {
      const objects = renderedObjectsOf(r.outputs?.manifests);
      const paths = r.outputs?.paths;
      if (!Array.isArray(objects) || !Array.isArray(paths)) return [];
      return objects.map((object, i) => ({ path: String(paths[i]), source: String(r.props.file ?? ""), object: object as RenderedObject }));
    });
}

/**
 * The objects of the GitOps files, as `ml-gitops check` would read them from the repository:
 * taken as rendered rather than parsed back from YAML. A templated value (AnalysisTemplates'
 * {{args.*}}) is unknown to `check`, and so to the plan (lib/manifests/read.ts).
 */
export function gitopsObjectsOf(gitops: readonly GitopsObject[]): ManifestObject[] {
  return gitops.map((g) => ({ file: g.path, line: FIRST_CONTENT_LINE, object: withTemplatesUnknown(g.object) as Record<string, unknown> }));
}

const byUrn = (a: { urn: string }, b: { urn: string }) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0);

export async function planStacks(options: PlanOptions): Promise<StackPlan[]> {
  // Loaded on first plan, not with this module. A CommonJS require, which tsc and esbuild both
  // leave as it is: esbuild keeps `import()` as a native ESM import, which cannot load the
  // extensionless path from the compiled dist/.
  const { program } = require("../infra/program") as typeof import("../infra/program");
  const order = planOrder(options.root, options.stacks ?? []);
  const stackOutputs = new Map<string, Record<string, unknown>>();
  const plans: StackPlan[] = [];
  for (const [index, file] of order.entries()) {
    // Validate before running, so a config error names the stack file and key and nothing runs.
    const config = parseStackConfig(file.config, file, file.secretKeys);
    const result = await runProgram(
      {
        root: options.root,
        stack: file.stack,
        config: file.config,
        secretKeys: file.secretKeys,
        region: config.region,
        stackOutputs,
      },
      program,
    );
    stackOutputs.set(file.stack, result.outputs);
    const resources = [...result.resources].sort(byUrn);
    const gitops = gitopsOf(resources);
    // What Argo CD or Flux will apply is checked too, as `ml-gitops check` checks the GitOps repo.
    const gitopsObjects = gitopsObjectsOf(gitops).map(manifestPolicyResource);
    const violations = [
      ...evaluatePolicies(resources.map(toPolicyResource), options.packConfig ?? {}),
      ...evaluatePolicies(gitopsObjects, options.packConfig ?? {}),
    ].sort(
      (a, b) => byUrn(a, b) || (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0) || (a.message < b.message ? -1 : 1),
    );
    let files: { path: string; content: string }[] | undefined;
    const plan: StackPlan = {
      stack: file.stack,
      file: file.file,
      role: config.role,
      resources,
      outputs: result.outputs,
      violations,
      manifests: resources.filter(isKubeObject).map((r) => r.props as KubeObject),
      gitops,
      get gitopsFiles() {
        // Written only when asked for (--out, tests): YAML is most of a model's cost.
        files ??= gitops.map((g) => manifestFile(g.object, g.path, g.source));
        return files;
      },
      models: modelsOf(resources, { stack: file.stack, region: config.region }, config.role === "cluster" ? config.kserve.mode : "Standard"),
    };
    plans.push(plan);
    options.onStack?.(plan, index, order.length);
  }
  return plans;
}
