// Defined in the self-contained pack (policies/lib/argocd/glob.ts); one definition.
export * from "../../policies/lib/argocd/glob";
