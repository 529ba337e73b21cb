/** Manifests presented as CrossGuard presents Kubernetes resources to a policy pack. */
import { kubeTypeToken } from "../../policies/lib/k8s";
import type { PolicyResource } from "../policy/types";
import type { ManifestObject } from "./read";

function metadataOf(o: Record<string, unknown>): { name?: unknown; namespace?: unknown } {
  const m = o.metadata;
  return typeof m === "object" && m !== null ? (m as { name?: unknown; namespace?: unknown }) : {};
}

export function kindAndName(m: ManifestObject): { kind: string; name: string } {
  const name = metadataOf(m.object).name;
  return { kind: String(m.object.kind), name: typeof name === "string" ? name : "(unnamed)" };
}

/** Deterministic URN: stack `check`, project `ml-gitops`, named by source position and object name. */
export function toPolicyResource(m: ManifestObject): PolicyResource {
  const type = kubeTypeToken(String(m.object.apiVersion), String(m.object.kind));
  const { namespace } = metadataOf(m.object);
  const { name } = kindAndName(m);
  const qualified = typeof namespace === "string" ? `${namespace}/${name}` : name;
  return { urn: `urn:pulumi:check::ml-gitops::${type}::${m.file}:${m.line}:${qualified}`, type, name: qualified, props: m.object, custom: true };
}
