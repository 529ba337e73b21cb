/**
 * The input contract of the cluster a stack installs onto (components/cluster-access.ts
 * ClusterAccess): created here, or attached with the IAM it already has. The stack config keys
 * (ml-gitops:clusterMode, privateSubnetIds, kubernetesVersion, endpointPublicAccess,
 * publicAccessCidrs) feed the same rules through the validators below, each with its own key as
 * the path, so a rule and its limit exist once.
 */
import type { Problem } from "../errors";
import { checked, oneOfProblem, pathIn, type Checked } from "./validators";

export const AUTHENTICATION_MODES = ["API", "API_AND_CONFIG_MAP"] as const;
export type AuthenticationMode = (typeof AUTHENTICATION_MODES)[number];
export type ControlPlaneLogType = "api" | "audit" | "authenticator" | "controllerManager" | "scheduler";

/** EKS places the control plane's network interfaces in at least two availability zones (CreateCluster: "subnets in at least two different Availability Zones"). */
export const MIN_CLUSTER_SUBNETS = 2;

/** A cluster this stack creates. `S` is how a subnet id is given (a plain string, or a Pulumi Input in the component). */
export interface NewClusterArgs<S = string> {
  /** Private subnets in at least two availability zones (EKS requires two). */
  readonly subnetIds: readonly S[];
  /** @default the component name, auto-suffixed */
  readonly clusterName?: string;
  /** Major.minor. @default KUBERNETES_VERSION in lib/versions.ts */
  readonly kubernetesVersion?: string;
  /** Expose the API server publicly. The private endpoint is always on. @default false */
  readonly endpointPublicAccess?: boolean;
  /** Required when endpointPublicAccess is true (AWS's default would be 0.0.0.0/0), refused otherwise. @default none */
  readonly publicAccessCidrs?: readonly string[];
  /** API: access entries only. API_AND_CONFIG_MAP also honours the aws-auth ConfigMap (migrations). @default "API" */
  readonly authenticationMode?: AuthenticationMode;
  /** @default ["api", "audit", "authenticator"] */
  readonly enabledLogTypes?: readonly ControlPlaneLogType[];
}

/** A cluster that exists, with the IAM the platform needs from it. `S` is how a value is given. */
export interface ExistingClusterArgs<S = string> {
  readonly clusterName: S;
  /** The cluster's IAM OIDC provider (IRSA); attaching does not create one, since a cluster has at most one per issuer. */
  readonly oidcProviderArn: S;
  /** Role the cluster's managed node groups use, already allowed to join the cluster (access entry or aws-auth). */
  readonly nodeRoleArn: S;
}

/** Create or attach: exactly one. */
export type ClusterAccessSettings<S = string> =
  | { readonly create: NewClusterArgs<S>; readonly existing?: undefined }
  | { readonly existing: ExistingClusterArgs<S>; readonly create?: undefined };

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function isIpv4Cidr(value: string): boolean {
  const m = CIDR.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** Subnets of a created cluster: at least MIN_CLUSTER_SUBNETS. Ids not known yet (outputs) are shown as such. */
export function clusterSubnetsProblem(path: string, subnetIds: readonly unknown[]): Problem | undefined {
  if (subnetIds.length >= MIN_CLUSTER_SUBNETS) return undefined;
  return {
    path,
    value: subnetIds.map((s) => (typeof s === "string" ? s : "(known after deployment)")),
    message: `lists ${subnetIds.length === 0 ? "no subnets" : "one subnet"}, but EKS places a created cluster in at least two availability zones`,
    fix: "List private subnets of the VPC in at least two availability zones.",
  };
}

/** EKS takes the Kubernetes version as major.minor. */
export function kubernetesVersionProblem(path: string, version: unknown): Problem | undefined {
  if (typeof version === "string" && /^1\.\d{2}$/.test(version)) return undefined;
  return { path, value: version, message: "is not an EKS Kubernetes version", fix: 'Write major.minor, e.g. "1.34".' };
}

/**
 * The public endpoint's allow-list: required when the endpoint is public (without it AWS opens it
 * to 0.0.0.0/0), refused when it is not (it would protect nothing), never the whole internet.
 */
export function publicAccessProblems(path: string, endpointPublicAccess: boolean, cidrs: readonly string[]): Problem[] {
  const at = pathIn(path);
  if (!endpointPublicAccess) {
    return cidrs.length === 0 ? [] : [{ path, value: cidrs, message: "is set but endpointPublicAccess is false, so it would restrict nothing", fix: "Remove it, or set endpointPublicAccess: true." }];
  }
  if (cidrs.length === 0) {
    return [{ path, value: [], message: "is empty while the public endpoint is on, so AWS would open it to 0.0.0.0/0", fix: "List the CIDRs of your offices and CI runners, or turn endpointPublicAccess off." }];
  }
  return cidrs.flatMap((cidr, i): Problem[] => {
    if (!isIpv4Cidr(cidr)) return [{ path: at(i), value: cidr, message: "is not an IPv4 CIDR", fix: "Write it as a.b.c.d/n." }];
    if (cidr.endsWith("/0")) return [{ path: at(i), value: cidr, message: "opens the API endpoint to the whole internet", fix: "List the CIDRs of your offices and CI runners." }];
    return [];
  });
}

/** Every problem with ClusterAccess args, each at `prefix` + its key. */
export function checkClusterAccess<S>(args: ClusterAccessSettings<S>, prefix = ""): Checked<ClusterAccessSettings<S>> {
  const at = pathIn(prefix);
  if (args.create && args.existing) {
    return { ok: false, problems: [{ path: at("existing"), message: "is set together with create", fix: "Either create a cluster (create) or attach to an existing one (existing)." }] };
  }
  if (!args.create && !args.existing) {
    return { ok: false, problems: [{ path: at("create"), message: "is missing, and so is existing", fix: "Set create (subnetIds, ...) or existing (clusterName, oidcProviderArn, nodeRoleArn)." }] };
  }
  const c = args.create;
  const problems: Problem[] = [];
  if (c) {
    const subnets = clusterSubnetsProblem(at("create", "subnetIds"), c.subnetIds);
    if (subnets) problems.push(subnets);
    if (c.kubernetesVersion !== undefined) {
      const version = kubernetesVersionProblem(at("create", "kubernetesVersion"), c.kubernetesVersion);
      if (version) problems.push(version);
    }
    if (c.authenticationMode !== undefined) {
      const mode = oneOfProblem(AUTHENTICATION_MODES, "an EKS authentication mode", at("create", "authenticationMode"), c.authenticationMode);
      if (mode) problems.push(mode);
    }
    problems.push(...publicAccessProblems(at("create", "publicAccessCidrs"), c.endpointPublicAccess ?? false, c.publicAccessCidrs ?? []));
  }
  return checked(problems, () => args);
}
