/**
 * The input contract of ModelDeployment (components/model-deployment.ts): one declaration, the
 * cluster it renders for, and how its objects are delivered (a union: Pulumi applies them, or a
 * GitOps controller syncs them from a directory). Pure: it names Pulumi's types only.
 */
import type { Resource } from "@pulumi/pulumi";
import type { Problem } from "../errors";
import type { ModelDeploymentDeclaration } from "../deployments/schema";
import type { RenderContext } from "../render/model-manifests";
import { repoDirectoryProblem } from "./gitops-repo";
import { prometheusAddress } from "./monitoring";

export type Delivery = { readonly mode: "direct" } | { readonly mode: "gitops"; /** @default `gitops/<environment>` */ readonly outputDir?: string };

export interface ModelDeploymentArgs {
  readonly declaration: ModelDeploymentDeclaration;
  /** The declaration's file, relative to the project root; recorded on every object. */
  readonly file: string;
  readonly environment: string;
  readonly render: RenderContext;
  readonly delivery: Delivery;
  /**
   * What the objects need installed first (the KServe and Argo Rollouts releases). Direct
   * delivery passes these, and any resources in `opts.dependsOn`, to every child. @default none
   */
  readonly dependsOn?: readonly Resource[];
}

/** Where GitOps manifests go unless the delivery names a directory. */
export function defaultOutputDir(environment: string): string {
  return `gitops/${environment}`;
}

/** Every problem with the args, each with its path. */
export function modelDeploymentArgsProblems(args: ModelDeploymentArgs): Problem[] {
  const problems: Problem[] = [];
  if (args.render.storageServiceAccount.trim() === "") {
    problems.push({ path: "render.storageServiceAccount", value: args.render.storageServiceAccount, message: "is empty", fix: "Name the ServiceAccount that may read the model buckets, e.g. model-reader." });
  }
  const address = prometheusAddress(args.render.prometheusUrl, "render.prometheusUrl");
  if ("problem" in address) problems.push(address.problem);
  if (args.delivery.mode === "gitops" && args.delivery.outputDir !== undefined) {
    const dirProblem = repoDirectoryProblem("delivery.outputDir", args.delivery.outputDir, "gitops/production", "the GitOps repository");
    if (dirProblem) problems.push(dirProblem);
  }
  return problems;
}
