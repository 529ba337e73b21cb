/**
 * What Argo CD v3.5.1 admits when it syncs an Application: its AppProject's source repositories
 * and destinations for the Application, and the project's resource lists and destinations for
 * every object under the Application's path. A sync whose objects include one the project refuses
 * fails as a whole: gitops-engine validates every task before applying any
 * (argo-cd@v3.5.1:gitops-engine/pkg/sync/sync_context.go, the permissionValidator loop marks the
 * task SyncFailed and the operation unsuccessful), so one cluster-scoped kind outside the
 * whitelist keeps every Rollout, InferenceService and route of that Application off the cluster.
 *
 * The rules, each from argo-cd@v3.5.1:
 * - objects: controller/sync.go validateSyncPermissions → AppProject.IsGroupKindNamePermitted
 *   (pkg/apis/application/v1alpha1/app_project_types.go): a namespaced kind is admitted when the
 *   namespace whitelist is absent (nil) or lists it, and the namespace blacklist does not; a
 *   cluster-scoped kind only when the cluster whitelist lists it (an empty or absent list admits
 *   none) by group, kind and, where given, name, and the cluster blacklist does not. Then, for a
 *   namespaced object only, IsDestinationPermitted for its namespace.
 * - CreateNamespace=true adds a Namespace task for the destination namespace
 *   (gitops-engine/pkg/sync/sync_context.go autoCreateNamespace), checked like any object.
 * - the Application: IsSourcePermitted (sourceRepos, normalised URLs, '!' denies) and
 *   IsDestinationPermitted for its destination.
 *
 * Scope (cluster or namespaced) comes from resource-scopes.ts, as Argo CD takes it from
 * the API server's discovery. Pure: the stack policy argocd-project-admits feeds it.
 */
import { scopeOf, groupOf } from "./resource-scopes";
import { argoGlobMatch, goPathMatch } from "./glob";

export interface GroupKindEntry {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
}

export interface ProjectSpec {
  readonly sourceRepos?: readonly string[];
  readonly destinations?: readonly { server?: string; name?: string; namespace?: string }[];
  readonly clusterResourceWhitelist?: readonly GroupKindEntry[];
  readonly clusterResourceBlacklist?: readonly GroupKindEntry[];
  readonly namespaceResourceWhitelist?: readonly GroupKindEntry[] | null;
  readonly namespaceResourceBlacklist?: readonly GroupKindEntry[];
}

export interface ApplicationView {
  /** `<namespace>/<name>` for messages. */
  readonly id: string;
  readonly project: string;
  readonly repoURL: string;
  readonly path: string;
  readonly recurse: boolean;
  readonly server: string;
  readonly namespace: string;
  readonly createNamespace: boolean;
}

export interface SyncedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The file in the GitOps repository that holds it. */
  readonly file: string;
}

const listed = (entries: readonly GroupKindEntry[] | null | undefined, group: string, kind: string, name?: string): boolean =>
  (entries ?? []).some(
    (e) => goPathMatch(e.kind ?? "", kind) && goPathMatch(e.group ?? "", group) && (name === undefined || !e.name || goPathMatch(e.name, name)),
  );

/** argo-cd@v3.5.1 AppProject.IsGroupKindNamePermitted, with the reason when it says no. */
export function groupKindRefusal(spec: ProjectSpec, group: string, kind: string, name: string, namespaced: boolean): "whitelist" | "blacklist" | undefined {
  if (namespaced) {
    const whitelist = spec.namespaceResourceWhitelist;
    const white = whitelist === undefined || whitelist === null || (whitelist.length !== 0 && listed(whitelist, group, kind));
    if (!white) return "whitelist";
    return listed(spec.namespaceResourceBlacklist, group, kind) ? "blacklist" : undefined;
  }
  if (!listed(spec.clusterResourceWhitelist, group, kind, name)) return "whitelist";
  return listed(spec.clusterResourceBlacklist, group, kind, name) ? "blacklist" : undefined;
}

/** argo-cd@v3.5.1 isDestinationMatched for an in-cluster server URL (no cluster names, no project-scoped clusters). */
export function destinationPermitted(spec: ProjectSpec, server: string, namespace: string): boolean {
  let matched = false;
  for (const item of spec.destinations ?? []) {
    const serverMatched = server !== "" && argoGlobMatch(item.server ?? "", server, true);
    const nameMatched = false; // destinations by cluster name need the cluster list; the Application uses the server URL
    const namespaceMatched = argoGlobMatch(item.namespace ?? "", namespace, true);
    if ((serverMatched || nameMatched) && namespaceMatched) matched = true;
    else if (((!nameMatched && (item.name ?? "").startsWith("!")) || (!serverMatched && (item.server ?? "").startsWith("!"))) && namespaceMatched) return false;
    else if (!namespaceMatched && (item.namespace ?? "").startsWith("!") && serverMatched) return false;
  }
  return matched;
}

/** argo-cd@v3.5.1:util/git/git.go NormalizeGitURL, for https URLs. */
export function normalizeGitUrl(url: string): string {
  return url.trim().toLowerCase().replace(/\.git$/, "");
}

/** argo-cd@v3.5.1 AppProject.IsSourcePermitted. */
export function sourcePermitted(spec: ProjectSpec, repoURL: string): boolean {
  const src = normalizeGitUrl(repoURL);
  let any = false;
  for (const repo of spec.sourceRepos ?? []) {
    const normalized = repo.startsWith("!") ? `!${normalizeGitUrl(repo.slice(1))}` : normalizeGitUrl(repo);
    if (argoGlobMatch(normalized, src, true, ["/"])) any = true;
    else if (normalized.startsWith("!")) return false;
  }
  return any;
}

function trimPath(p: string): string {
  return p.replace(/^\.\//, "").replace(/\/+$/, "");
}

/** Whether a file of the repository is part of a directory-source Application at `path`. */
export function underPath(file: string, app: Pick<ApplicationView, "path" | "recurse">): boolean {
  const dir = trimPath(app.path);
  const f = trimPath(file);
  const rest = dir === "" || dir === "." ? f : f.startsWith(`${dir}/`) ? f.slice(dir.length + 1) : undefined;
  if (rest === undefined) return false;
  return app.recurse || !rest.includes("/");
}

export interface AdmissionProblem {
  readonly file?: string;
  readonly message: string;
}

const show = (group: string, kind: string) => `${group === "" ? "core" : group}/${kind}`;
const entry = (group: string, kind: string) => `{group: "${group}", kind: "${kind}"}`;

/**
 * Every reason Argo CD would refuse this Application or one of the objects it syncs, as messages
 * naming the object, the AppProject rule and the fix. Empty when Argo CD admits it all.
 */
export function admissionProblems(app: ApplicationView, project: { name: string; spec: ProjectSpec }, objects: readonly SyncedObject[]): AdmissionProblem[] {
  const problems: AdmissionProblem[] = [];
  const proj = `AppProject ${project.name}`;
  const failsSync = `Argo CD fails the whole sync of Application ${app.id}`;
  if (!sourcePermitted(project.spec, app.repoURL)) {
    problems.push({
      message: `Application ${app.id} spec.source.repoURL "${app.repoURL}" is not in ${proj} spec.sourceRepos ${JSON.stringify(project.spec.sourceRepos ?? [])}; Argo CD refuses the Application. Add the repository to spec.sourceRepos or point the Application at an allowed one.`,
    });
  }
  if (!destinationPermitted(project.spec, app.server, app.namespace)) {
    problems.push({
      message: `Application ${app.id} destination ${app.server} namespace "${app.namespace}" is not in ${proj} spec.destinations; Argo CD refuses the Application. Add {server: "${app.server}", namespace: "${app.namespace}"} to spec.destinations.`,
    });
  }
  const synced: SyncedObject[] = [...objects.filter((o) => underPath(o.file, app))];
  if (app.createNamespace && !synced.some((o) => o.apiVersion === "v1" && o.kind === "Namespace" && o.name === app.namespace)) {
    synced.unshift({ apiVersion: "v1", kind: "Namespace", name: app.namespace, file: `(CreateNamespace=true for ${app.namespace})` });
  }
  for (const o of synced) {
    const group = groupOf(o.apiVersion);
    const what = `${show(group, o.kind)} "${o.name}"`;
    const scope = scopeOf(group, o.kind);
    if (scope === undefined) {
      problems.push({
        file: o.file,
        message: `${o.file}: ${what}: its scope is unknown (no CRD pinned in policies/lib/argocd/resource-scopes.ts), so Argo CD's admission cannot be proven. Add the kind's CRD scope to policies/lib/argocd/resource-scopes.ts.`,
      });
      continue;
    }
    const namespaced = scope === "Namespaced";
    const refusal = groupKindRefusal(project.spec, group, o.kind, o.name, namespaced);
    if (refusal !== undefined) {
      const list = `spec.${namespaced ? "namespace" : "cluster"}Resource${refusal === "whitelist" ? "Whitelist" : "Blacklist"}`;
      const rule = refusal === "whitelist" ? `is ${namespaced ? "namespaced" : "cluster-scoped"} and ${proj} ${list} does not admit it` : `is in ${proj} ${list}`;
      const fix =
        refusal === "whitelist"
          ? `Add ${entry(group, o.kind)} to ${list}, or deliver it outside this Application.`
          : `Remove it from ${list}, or deliver it outside this Application.`;
      problems.push({ file: o.file, message: `${o.file}: ${what} ${rule}; ${failsSync} ("resource ${group}:${o.kind} is not permitted in project ${project.name}"). ${fix}` });
      continue;
    }
    if (namespaced) {
      const namespace = o.namespace ?? app.namespace;
      if (!destinationPermitted(project.spec, app.server, namespace)) {
        problems.push({
          file: o.file,
          message: `${o.file}: ${what} is in namespace "${namespace}", which ${proj} spec.destinations does not admit; ${failsSync} ("namespace ${namespace} is not permitted in project '${project.name}'"). Add {server: "${app.server}", namespace: "${namespace}"} to spec.destinations, or move the object.`,
        });
      }
    }
  }
  return problems;
}
