// Defined in the self-contained pack (policies/lib/argocd/resource-scopes.ts); one definition.
export * from "../../policies/lib/argocd/resource-scopes";
