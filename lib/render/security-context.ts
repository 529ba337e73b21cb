/**
 * The securityContext every model workload runs with: a secure default the declaration can only
 * relax where the image needs it (the user), never the rest. A model server needs no privilege,
 * no Linux capability and no system call outside the container runtime's default profile; GPU
 * access comes from the device plugin, not from privileges.
 *
 * Non-root: KServe's runtime and storage-initializer images declare `USER 1000`
 * (kserve/kserve@v0.20.0:python/storage-initializer.Dockerfile, huggingface_server.Dockerfile,
 * xgb.Dockerfile), so KServe models run non-root by default; vLLM's official image declares no
 * user, so vLLM models run as the image's root unless the declaration names a user. KServe's LLM
 * template runs its `main` container with `runAsNonRoot: true` (kserve/kserve@v0.20.0:charts/
 * kserve-runtime-configs/files/llmisvcconfigs/resources.yaml, kserve-config-llm-template), so
 * LLMInferenceService models are non-root by default too.
 */
import type { ModelDeploymentDeclaration } from "../deployments/schema";

export interface RunAs {
  readonly runAsNonRoot: boolean;
  readonly runAsUser?: number;
}

/** What the declaration asks for, with the engine's default. */
export function runAs(d: ModelDeploymentDeclaration): RunAs {
  const declared = d.spec.serving.securityContext;
  const byDefault = d.spec.serving.engine !== "vllm" || (declared?.runAsUser !== undefined && declared.runAsUser > 0);
  return { runAsNonRoot: declared?.runAsNonRoot ?? byDefault, ...(declared?.runAsUser !== undefined ? { runAsUser: declared.runAsUser } : {}) };
}

/** For the model container. */
export function containerSecurityContext(d: ModelDeploymentDeclaration): Record<string, unknown> {
  const who = runAs(d);
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    privileged: false,
    ...(who.runAsNonRoot ? { runAsNonRoot: true } : {}),
    ...(who.runAsUser !== undefined ? { runAsUser: who.runAsUser } : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** For the pod: the seccomp profile and user for every container, injected ones included. */
export function podSecurityContext(d: ModelDeploymentDeclaration): Record<string, unknown> {
  const who = runAs(d);
  return { ...(who.runAsNonRoot ? { runAsNonRoot: true } : {}), seccompProfile: { type: "RuntimeDefault" } };
}
