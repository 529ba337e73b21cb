// The pack is published on its own (policies/), so Argo CD's admission rules live there; one definition.
export * from "../../policies/lib/argocd/admission";
