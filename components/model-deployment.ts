/**
 * One ModelDeployment declaration, served. The objects come from `renderModel` (pure); delivery
 * decides who applies them:
 * - `direct`: Pulumi creates each object as a child (`${name}-<kind>[-<suffix>]`).
 * - `gitops`: nothing is created; the component exposes the manifests and one YAML file per
 *   object for the CLI to commit (writing files is not a component's job).
 * Both deliveries render the same objects. The component's inputs carry the declaration, so the
 * policy pack judges the declared strategy (steps, artifacts) as well as the rendered objects.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { throwIfProblems } from "../lib/errors";
import { defaultOutputDir, modelDeploymentArgsProblems, type ModelDeploymentArgs } from "../lib/contracts/model-deployment";
import type { ModelDeploymentDeclaration } from "../lib/deployments/schema";
import { MODEL_DEPLOYMENT_TYPE, type LoadedDeployment } from "../lib/deployments/types";
import { cacheNodeGroups } from "../lib/render/local-model-cache";
import { TRAINING_LABEL } from "../lib/render/training-job";
import { renderModel, type KubeObject, type RenderContext } from "../lib/render/model-manifests";
import { manifestFile, type ManifestFile } from "../lib/render/manifest-file";
import { declarationInput, renderedObjectsOutput } from "../lib/predicates/model-deployment-props";

export { manifestFile, type ManifestFile } from "../lib/render/manifest-file";
export { defaultOutputDir, modelDeploymentArgsProblems, type Delivery, type ModelDeploymentArgs } from "../lib/contracts/model-deployment";

/** The child name of a rendered object: `${name}-<kind>` plus the object name past the model's. */
export function childName(name: string, model: string, namespace: string, obj: KubeObject): string {
  const kind = obj.kind.toLowerCase();
  const objectName = obj.metadata.name;
  const prefix = [`${namespace}-${model}-`, `${model}-`].find((p) => objectName.startsWith(p));
  const suffix = objectName === model ? "" : prefix ? objectName.slice(prefix.length) : objectName;
  return suffix === "" ? `${name}-${kind}` : `${name}-${kind}-${suffix}`;
}

/**
 * Where training Jobs go: beside the models directory, not in it. Flux applies a directory
 * recursively (fluxcd/pkg@kustomize/v1.35.4:kustomize/kustomize_generator.go scanManifests, used by
 * kustomize-controller v1.9.4), so a Job under the models path would be applied with the serving
 * objects instead of before them; its own path gets its own Kustomization (components/flux.ts).
 */
export function trainingDir(outputDir: string): string {
  return `${outputDir}-training`;
}

/**
 * Where an object's file goes: `<outputDir>/<namespace>/<model>/<kind>-<name>.yaml`; with Flux, a
 * training Job under `trainingDir(outputDir)` instead. Argo CD keeps it under the Application's
 * path: a PreSync hook is part of the sync of that path (and argocd-project-admits checks it there).
 */
export function manifestPath(obj: KubeObject, outputDir: string, namespace: string, model: string, delivery: RenderContext["delivery"] = "direct"): string {
  const dir = delivery === "flux" && isTrainingObject(obj) ? trainingDir(outputDir) : outputDir;
  return `${dir}/${namespace}/${model}/${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}


/**
 * Why a declared cache is not rendered on this cluster, or undefined: none of its GPU models has
 * a LocalModelNodeGroup here (node groups come from AL2023 pools only).
 */
export function uncachedReason(declaration: ModelDeploymentDeclaration, render: RenderContext): string | undefined {
  const serving = declaration.spec.serving;
  if (serving.cache === undefined || cacheNodeGroups([...new Set(serving.gpu.types ?? [])], render).length > 0) return undefined;
  const have = render.localModelNodeGroups?.join(", ") || "none";
  return (
    `${declaration.metadata.namespace}/${declaration.metadata.name}: serving.cache is not rendered on this cluster: ` +
    `none of its GPU models (${(serving.gpu.types ?? []).join(", ") || "none"}) has a LocalModelNodeGroup here (the cluster has ${have}). ` +
    "Node groups are made from AL2023 pools only; add an AL2023 pool of one of these models to cache it here."
  );
}

function resourcesIn(dependsOn: pulumi.ComponentResourceOptions["dependsOn"]): pulumi.Resource[] {
  if (dependsOn === undefined) return [];
  if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn];
  // An Output of resources cannot be inspected synchronously; children then rely on args.dependsOn.
  return Array.isArray(dependsOn) ? dependsOn.filter((r): r is pulumi.Resource => pulumi.Resource.isInstance(r)) : [];
}

export class ModelDeployment extends pulumi.ComponentResource {
  /** Where each object's GitOps file goes, in the order of `objects`. */
  readonly paths: pulumi.Output<string[]>;
  /** Every rendered object, canonical and sorted by kind and name, as plain data known at construction. */
  readonly objects: readonly KubeObject[];
  /** Children created by direct delivery, by child name; empty for GitOps. */
  readonly resources: Readonly<Record<string, pulumi.CustomResource>>;
  /** Each object with its GitOps file path, in the order of `objects`. */
  private readonly placed: readonly { readonly obj: KubeObject; readonly path: string }[];
  private readonly source: string;
  private manifestsOutput?: pulumi.Output<KubeObject[]>;
  private rendered?: pulumi.Output<ManifestFile[]>;

  /**
   * `objects` as an Output, made on first use: `pulumi.output` walks the whole value, copying
   * it, to lift nested Outputs there cannot be here.
   */
  get manifests(): pulumi.Output<KubeObject[]> {
    this.manifestsOutput ??= pulumi.output(this.objects as KubeObject[]);
    return this.manifestsOutput;
  }

  /**
   * The same objects as YAML files for the GitOps repository, rendered on first use: writing
   * YAML is most of a model's cost in a plan that writes no files.
   */
  get files(): pulumi.Output<ManifestFile[]> {
    this.rendered ??= pulumi.output(this.placed.map(({ obj, path }) => manifestFile(obj, path, this.source)));
    return this.rendered;
  }

  constructor(name: string, args: ModelDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    // The declaration is part of the component's inputs, as one JSON text: the policy pack reads
    // it there (lib/predicates/model-deployment-props.ts says why it is text).
    super(MODEL_DEPLOYMENT_TYPE, name, { declaration: declarationInput(args.declaration), file: args.file, environment: args.environment, delivery: args.delivery }, opts);
    throwIfProblems(`ModelDeployment ${name}`, modelDeploymentArgsProblems(args));

    const deployment: LoadedDeployment = { declaration: args.declaration, file: args.file, environment: args.environment };
    const objects = renderModel(deployment, args.render);
    const uncached = uncachedReason(args.declaration, args.render);
    if (uncached) pulumi.log.warn(uncached, this);
    const { name: model, namespace } = args.declaration.metadata;
    const outputDir = args.delivery.mode === "gitops" ? (args.delivery.outputDir ?? defaultOutputDir(args.environment)) : defaultOutputDir(args.environment);

    const children: Record<string, pulumi.CustomResource> = {};
    if (args.delivery.mode === "direct") {
      const dependsOn = [...resourcesIn(opts?.dependsOn), ...(args.dependsOn ?? [])];
      // The training Job first, and every serving object after it: the provider waits for a Job
      // to complete before it reports it created, so a failed fine-tune stops the update before
      // the candidate is served (lib/render/training-job.ts).
      const training = args.declaration.spec.training;
      const trained: pulumi.Resource[] = [];
      if (training) {
        for (const obj of objects.filter(isTrainingJob)) {
          const child = childName(name, model, namespace, obj);
          const job = createObject(child, obj, model, { parent: this, dependsOn, customTimeouts: { create: `${training.activeDeadlineMinutes + 15}m` } });
          children[child] = job;
          trained.push(job);
        }
      }
      for (const obj of objects.filter((o) => !isTrainingJob(o))) {
        const child = childName(name, model, namespace, obj);
        children[child] = createObject(child, obj, model, { parent: this, dependsOn: [...dependsOn, ...trained] });
      }
    }

    this.objects = objects;
    this.resources = children;
    this.source = args.file;
    this.placed = objects.map((obj) => ({ obj, path: manifestPath(obj, outputDir, namespace, model, args.render.delivery) }));
    this.paths = pulumi.output(this.placed.map((p) => p.path));
    // The objects as one JSON text, too.
    this.registerOutputs({ manifests: renderedObjectsOutput(objects), paths: this.paths });
  }
}

export function isTrainingJob(obj: KubeObject): boolean {
  return obj.kind === "Job" && obj.metadata.labels?.[TRAINING_LABEL] !== undefined;
}

/** What goes under the training path with Flux: the Jobs and the anchor that keeps the path in git. */
export function isTrainingObject(obj: KubeObject): boolean {
  return obj.metadata.labels?.[TRAINING_LABEL] !== undefined;
}

function createObject(name: string, obj: KubeObject, model: string, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { apiVersion, kind, metadata, spec } = obj;
  if (apiVersion === "batch/v1" && kind === "Job") {
    return new k8s.batch.v1.Job(name, { metadata, spec: spec as k8s.types.input.batch.v1.JobSpec }, opts);
  }
  if (apiVersion === "v1" && kind === "Service") {
    return new k8s.core.v1.Service(name, { metadata, spec: spec as k8s.types.input.core.v1.ServiceSpec }, opts);
  }
  // The Argo Rollouts Gateway API plugin owns the weights of the route it steers during a
  // canary (the route named after the model, lib/render/routing.ts); a later `pulumi up` must
  // not reset them mid-step.
  const steered = kind === "HTTPRoute" && metadata.name === model;
  return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata, spec }, steered ? { ...opts, ignoreChanges: ["spec.rules"] } : opts);
}
