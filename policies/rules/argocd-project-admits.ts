/**
 * Argo CD must admit everything its Applications sync: the AppProject's source repositories,
 * destinations and resource whitelists/blacklists, applied to every object the stack renders
 * under each Application's path. A single refused object fails the whole sync (see
 * policies/lib/argocd/admission.ts for the upstream rules this mirrors, cited at argo-cd@v3.5.1).
 *
 * A stack policy: it relates three resources. The AppProject and the Application are custom
 * resources (their properties are their spec); the rendered objects are the `manifests` (one
 * JSON text, policies/lib/predicates/model-deployment-props.ts) and `paths` a ModelDeployment registers
 * as outputs, which is what `pulumi preview` hands a stack
 * policy for a component (pulumi@v3.248.0:pkg/resource/deploy/step_generator.go:3249: stack
 * analysis gets each resource's Outputs; the offline plan hands the same, plan/plan.ts
 * toPolicyResource).
 * Anything not yet known (during preview) is skipped, never guessed.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { admissionProblems, type ApplicationView, type ProjectSpec, type SyncedObject } from "../lib/argocd/admission";
import { hasUnknown, isUnknown, list, obj } from "../lib/known";
import { isKind, MODEL_DEPLOYMENT_TYPE } from "../lib/k8s";
import { propsOf } from "../lib/policy";
import { renderedObjectsOf } from "../lib/predicates/model-deployment-props";

const APP_PROJECT = "kubernetes:argoproj.io/v1alpha1:AppProject";

function applicationView(props: Record<string, unknown>): ApplicationView | undefined {
  if (hasUnknown(props.spec) || hasUnknown(props.metadata)) return undefined;
  const meta = obj(props.metadata);
  const spec = obj(props.spec);
  const source = obj(spec.source);
  const destination = obj(spec.destination);
  if (typeof source.repoURL !== "string" || typeof source.path !== "string") return undefined;
  const options = list(obj(spec.syncPolicy).syncOptions);
  return {
    id: `${String(meta.namespace ?? "argocd")}/${String(meta.name)}`,
    project: typeof spec.project === "string" ? spec.project : "default",
    repoURL: source.repoURL,
    path: source.path,
    recurse: obj(source.directory).recurse === true,
    server: typeof destination.server === "string" ? destination.server : "",
    namespace: typeof destination.namespace === "string" ? destination.namespace : "",
    createNamespace: options.includes("CreateNamespace=true"),
  };
}

function syncedObjects(outputs: Record<string, unknown>): SyncedObject[] {
  const manifests = renderedObjectsOf(outputs.manifests);
  const paths = outputs.paths;
  if (manifests === undefined || isUnknown(paths) || !Array.isArray(paths)) return [];
  return manifests.flatMap((m, i) => {
    const o = obj(m);
    const meta = obj(o.metadata);
    const file = paths[i];
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string" || typeof meta.name !== "string" || typeof file !== "string") return [];
    return [{ apiVersion: o.apiVersion, kind: o.kind, name: meta.name, ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}), file }];
  });
}

export const argocdProjectAdmits: StackValidationPolicy = {
  name: "argocd-project-admits",
  description: "Every object an Argo CD Application syncs must be admitted by its AppProject (resource lists, destinations, source repositories); one refused object fails the whole sync.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    // A project whose spec is not known yet is recorded as such: its Application is skipped, not refused.
    const projects = new Map<string, ProjectSpec | undefined>();
    const applications: { urn: string; view: ApplicationView }[] = [];
    const objects: SyncedObject[] = [];
    for (const r of args.resources) {
      if (r.type === APP_PROJECT) {
        const props = propsOf(r);
        const name = obj(props.metadata).name;
        if (typeof name === "string") projects.set(name, hasUnknown(props.spec) ? undefined : (obj(props.spec) as ProjectSpec));
      } else if (isKind(r.type, "application")) {
        const view = applicationView(propsOf(r));
        if (view) applications.push({ urn: r.urn, view });
      } else if (r.type === MODEL_DEPLOYMENT_TYPE) {
        objects.push(...syncedObjects(propsOf(r)));
      }
    }
    for (const app of applications) {
      if (!projects.has(app.view.project)) {
        if (app.view.project === "default") continue; // Argo CD's own project; it admits everything unless edited outside this stack
        reportViolation(
          `Application ${app.view.id} names AppProject "${app.view.project}", which this stack does not create; Argo CD cannot sync it and the plan cannot prove what it admits. Create the AppProject in the same stack, or name one it creates.`,
          app.urn,
        );
        continue;
      }
      const spec = projects.get(app.view.project);
      if (spec === undefined) continue;
      for (const p of admissionProblems(app.view, { name: app.view.project, spec }, objects)) reportViolation(p.message, app.urn);
    }
  },
};
