/**
 * Gateway API for the cluster: the CRDs (v1.5.1, standard channel, pinned in lib/versions.ts)
 * and, unless the stack attaches to an existing Gateway, the Gateway models' HTTPRoutes attach to
 * (lib/render/gateway.ts). Routes synced by Argo CD or Flux, and the Argo Rollouts Gateway API
 * plugin, need the CRDs first: an HTTPRoute of an unknown kind fails the whole sync.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { GATEWAY_API } from "../lib/versions";
import { buildGateway } from "../lib/render/gateway";

export interface GatewayApiArgs {
  /**
   * Create this Gateway with the cluster implementation's GatewayClass. Absent: routes attach to a
   * Gateway that exists already, and only the CRDs are installed. @default none
   */
  readonly gateway?: { readonly namespace: string; readonly name: string; readonly gatewayClassName: string; readonly routeNamespaces: readonly string[] };
  /** Install the CRDs; off when the cluster's Gateway implementation installs them itself. @default true */
  readonly installCrds?: boolean;
  /** What the Gateway needs first (the namespace it lives in). @default none */
  readonly gatewayDependsOn?: readonly pulumi.Resource[];
}

export class GatewayApi extends pulumi.ComponentResource {
  /** `<namespace>/<name>` of the Gateway the stack created, or undefined. */
  readonly gatewayName: pulumi.Output<string | undefined>;

  constructor(name: string, args: GatewayApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:serving:GatewayApi", name, args, opts);
    const crds =
      (args.installCrds ?? true)
        ? [new k8s.yaml.v2.ConfigFile(`${name}-crds`, { file: GATEWAY_API.crdsUrl }, { parent: this })]
        : [];
    let gateway: k8s.apiextensions.CustomResource | undefined;
    if (args.gateway) {
      gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, buildGateway(args.gateway), {
        parent: this,
        dependsOn: [...crds, ...(args.gatewayDependsOn ?? [])],
      });
    }
    this.gatewayName = gateway ? pulumi.interpolate`${gateway.metadata.namespace}/${gateway.metadata.name}` : pulumi.output(undefined);
    this.registerOutputs({ gatewayName: this.gatewayName });
  }
}
