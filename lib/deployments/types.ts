/** Types of a model deployment declaration, re-exported for consumers that need no zod. */
export type {
  Analysis,
  Artifact,
  Candidate,
  DeclarationSpec,
  DeclaredStep,
  Engine,
  ModelDeploymentDeclaration,
  ModelFormat,
  Release,
} from "./schema";
export { API_VERSION, KIND } from "./kind";

/** A declaration as loaded from git: where it came from and what it says. */
export interface LoadedDeployment<D extends import("./schema").ModelDeploymentDeclaration = import("./schema").ModelDeploymentDeclaration> {
  /** Path relative to the project root, e.g. `deployments/production/llama-3-70b.yaml`. */
  readonly file: string;
  /** Environment = the directory under `deployments/`. */
  readonly environment: string;
  readonly declaration: D;
}

/** Type token of the ModelDeployment component; its inputs carry `declaration`. */
export const MODEL_DEPLOYMENT_TYPE = "ml-gitops:serving:ModelDeployment";
