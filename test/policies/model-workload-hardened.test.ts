import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadDeploymentFile } from "../../lib/deployments/loader";
import { renderModel } from "../../lib/render/model-manifests";
import { CONTEXT, FILE, KSERVE_FILE, VALID, VALID_KSERVE } from "../deployments/fixture";
import { messages, resourceOf, withField } from "./helpers";

const CTX = { kserveMode: "Standard" as const, storageServiceAccount: "sa", prometheusUrl: "http://p:9090" };
const rendered = (file: string, text: string, kind: string) => renderModel(loadDeploymentFile(file, text, CONTEXT), CTX).find((o) => o.kind === kind)! as unknown as Record<string, unknown>;
const ISVC = rendered(KSERVE_FILE, VALID_KSERVE, "InferenceService");
const ROLLOUT = rendered(FILE, VALID, "Rollout");
const judge = (object: Record<string, unknown>) => messages("model-workload-hardened", [resourceOf(object)]);

describe("model-workload-hardened", () => {
  it("accepts what ml-gitops renders, for both engines", () => {
    assert.deepEqual(judge(ISVC), []);
    assert.deepEqual(judge(ROLLOUT), []);
  });

  it("names a privilege escalation left allowed", () => {
    assert.deepEqual(judge(withField(ISVC, "spec.canary[0].predictor.model.securityContext.allowPrivilegeEscalation", true)), [
      "spec.canary[0].predictor.model.securityContext.allowPrivilegeEscalation is not false; set it to false",
    ]);
  });

  it("names capabilities that are not all dropped", () => {
    assert.deepEqual(judge(withField(ROLLOUT, "spec.template.spec.containers[0].securityContext.capabilities", { drop: ["NET_RAW"] })), [
      "spec.template.spec.containers[0].securityContext.capabilities.drop does not include ALL; drop ALL capabilities",
    ]);
  });

  it("names a privileged container", () => {
    assert.deepEqual(judge(withField(ROLLOUT, "spec.template.spec.containers[0].securityContext.privileged", true)), [
      "spec.template.spec.containers[0].securityContext.privileged is true; remove it: a model server needs no privilege (GPUs come from the device plugin)",
    ]);
  });

  it("accepts the seccomp profile on the pod alone, and names it missing from both", () => {
    const podOnly = withField(ROLLOUT, "spec.template.spec.containers[0].securityContext.seccompProfile", undefined);
    assert.deepEqual(judge(podOnly), []);
    assert.deepEqual(judge(withField(podOnly, "spec.template.spec.securityContext.seccompProfile", undefined)), [
      "spec.template.spec.containers[0].securityContext.seccompProfile.type is unset (Unconfined on most runtimes) on the container and the pod; set RuntimeDefault",
    ]);
  });

  it("is advisory: it reports, it does not block", async () => {
    const { policies } = await import("../../policies/pack");
    assert.equal(policies.find((p) => p.name === "model-workload-hardened")?.enforcementLevel, "advisory");
  });
});
