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
import { throwIfProblems } from "../lib/errors";
import { GATEWAY_API_DEFAULTS, gatewayApiArgsProblems, type GatewayApiArgs } from "../lib/contracts/gateway-api";

export { GATEWAY_API_DEFAULTS, gatewayApiArgsProblems, type GatewayApiArgs } from "../lib/contracts/gateway-api";


export class GatewayApi extends pulumi.ComponentResource {
  /** `<namespace>/<name>` of the Gateway the stack created, or undefined. */
  readonly gatewayName: pulumi.Output<string | undefined>;

  constructor(name: string, args: GatewayApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-gitops:serving:GatewayApi", name, args, opts);
    throwIfProblems(`GatewayApi ${name}`, gatewayApiArgsProblems(args));

    const crds =
      (args.installCrds ?? GATEWAY_API_DEFAULTS.installCrds)
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
