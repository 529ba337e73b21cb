import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { ValidationError } from "../../lib/errors";
import { renderModel, type KubeObject } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, KSERVE_FILE, VALID, VALID_KSERVE } from "../deployments/fixture";

const CTX = { kserveMode: "Standard" as const, storageServiceAccount: "sa", prometheusUrl: "http://p:9090" };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = KubeObject & { spec: any };
const render = (file: string, text: string) => renderModel(loadDeploymentFile(file, text, CONTEXT), CTX) as Obj[];
const HARDENED = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, privileged: false, seccompProfile: { type: "RuntimeDefault" } };

describe("model workload securityContext", () => {
  it("runs KServe predictors, stable and canary, non-root with no privilege, no capability and RuntimeDefault seccomp", () => {
    const isvc = render(KSERVE_FILE, VALID_KSERVE).find((o) => o.kind === "InferenceService")!;
    for (const predictor of [isvc.spec.predictor, isvc.spec.canary[0].predictor]) {
      assert.deepEqual(predictor.model.securityContext, { ...HARDENED, runAsNonRoot: true });
      assert.deepEqual(predictor.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    }
  });

  it("runs vLLM as the image's user (root in the official image) but still unprivileged, unless the declaration names a user", () => {
    const pod = (text: string) => render(FILE, text).find((o) => o.kind === "Rollout")!.spec.template.spec;
    const byDefault = pod(VALID);
    assert.deepEqual(byDefault.containers[0].securityContext, HARDENED);
    assert.deepEqual(byDefault.securityContext, { seccompProfile: { type: "RuntimeDefault" } });
    const withUser = pod(VALID.replace("    resources:", "    securityContext: { runAsUser: 1001 }\n    resources:"));
    assert.deepEqual(withUser.containers[0].securityContext, { ...HARDENED, runAsNonRoot: true, runAsUser: 1001 });
    assert.deepEqual(withUser.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
  });

  it("refuses runAsNonRoot with user 0", () => {
    assert.throws(
      () => loadDeploymentFile(FILE, VALID.replace("    resources:", "    securityContext: { runAsNonRoot: true, runAsUser: 0 }\n    resources:"), CONTEXT),
      (err: unknown) => err instanceof ValidationError && err.problems.some((p) => p.path === "spec.serving.securityContext" && p.message === "runAsNonRoot cannot run as user 0"),
    );
  });
});
