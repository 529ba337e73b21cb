/**
 * What makes a YAML document a ModelDeployment declaration, without the schema: `check` and the
 * plan recognise declarations by these two fields and load zod only when they meet one.
 */
export const API_VERSION = "ml-gitops.dev/v1alpha1";
export const KIND = "ModelDeployment";
