import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { crdsAvailable, shareRepeatedSubschemas, toStrictJsonSchema, validateAgainstCrds } from "../../lib/k8s/crd-schema";

const SHARED = path.resolve(__dirname, "../../../shared");
const needsShared = { skip: existsSync(SHARED) ? false : "../shared not found: CRD validation skipped" };

function inferenceService() {
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: { name: "llama", namespace: "models", annotations: { "serving.kserve.io/deploymentMode": "Standard" } },
    spec: {
      predictor: {
        minReplicas: 1,
        maxReplicas: 2,
        serviceAccountName: "kserve-storage",
        model: {
          modelFormat: { name: "huggingface" },
          storageUri: "s3://models/llama/v1",
          resources: { limits: { "nvidia.com/gpu": "1", memory: "24Gi" }, requests: { cpu: 4 } },
        },
      },
      canary: [{ trafficPercent: 10, predictor: { model: { name: "kserve-container", modelFormat: { name: "huggingface" }, storageUri: "s3://models/llama/v2" } } }],
    },
  };
}

describe("strict CRD validation", () => {
  it("reports whether ../shared/crds is present", () => {
    assert.equal(crdsAvailable(), existsSync(path.join(SHARED, "crds")));
  });

  it("accepts a valid InferenceService", needsShared, () => {
    assert.deepEqual(validateAgainstCrds(inferenceService()), []);
  });

  it("rejects an unknown field with its path", needsShared, () => {
    // GIVEN a canary predictor with a field KServe does not define
    const isvc = inferenceService();
    const canary = [{ ...isvc.spec.canary[0], predictor: { ...isvc.spec.canary[0].predictor, foo: "bar" } }];
    // WHEN it is validated THEN the path names the field
    assert.deepEqual(validateAgainstCrds({ ...isvc, spec: { ...isvc.spec, canary } }), ["spec.canary[0].predictor.foo: unknown field"]);
  });

  it("rejects a wrong type with the value received", needsShared, () => {
    const isvc = inferenceService();
    const predictor = { ...isvc.spec.predictor, minReplicas: "one" };
    assert.deepEqual(validateAgainstCrds({ ...isvc, spec: { ...isvc.spec, predictor } }), [
      'spec.predictor.minReplicas: must be integer (got "one")',
    ]);
  });

  it("rejects an int32 out of range", needsShared, () => {
    const isvc = inferenceService();
    const predictor = { ...isvc.spec.predictor, maxReplicas: 2 ** 31 };
    assert.deepEqual(validateAgainstCrds({ ...isvc, spec: { ...isvc.spec, predictor } }), [
      'spec.predictor.maxReplicas: must match format "int32" (got 2147483648)',
    ]);
  });

  it("checks metadata field names as ObjectMeta", needsShared, () => {
    const isvc = inferenceService();
    assert.deepEqual(validateAgainstCrds({ ...isvc, metadata: { name: "llama", label: { a: "b" } } }), ["metadata.label: unknown field"]);
  });

  it("reports a missing required field", needsShared, () => {
    const isvc = inferenceService();
    const canary = [{ predictor: isvc.spec.canary[0].predictor }];
    assert.deepEqual(validateAgainstCrds({ ...isvc, spec: { ...isvc.spec, canary } }), ["spec.canary[0].trafficPercent: required field missing"]);
  });

  it("accepts an Argo Rollout with int-or-string fields and rejects a typo in its steps", needsShared, () => {
    const rollout = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "canary" },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: "canary" } },
        template: {
          metadata: { labels: { app: "canary" } },
          spec: { containers: [{ name: "app", image: "argoproj/rollouts-demo:blue", ports: [{ containerPort: 8080 }] }] },
        },
        strategy: { canary: { maxSurge: "25%", maxUnavailable: 0, steps: [{ setWeight: 20 }, { pause: { duration: "40s" } }] } },
      },
    };
    assert.deepEqual(validateAgainstCrds(rollout), []);
    const typo = { ...rollout, spec: { ...rollout.spec, strategy: { canary: { steps: [{ setWieght: 20 }] } } } };
    assert.deepEqual(validateAgainstCrds(typo), ["spec.strategy.canary.steps[0].setWieght: unknown field"]);
  });

  it("accepts an Argo CD Application", needsShared, () => {
    const app = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "models", namespace: "argocd" },
      spec: {
        project: "default",
        source: { repoURL: "https://github.com/acme/gitops.git", targetRevision: "main", path: "models" },
        destination: { server: "https://kubernetes.default.svc", namespace: "models" },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
      },
    };
    assert.deepEqual(validateAgainstCrds(app), []);
    assert.deepEqual(validateAgainstCrds({ ...app, spec: { ...app.spec, syncPolicy: { automated: { prune: "yes" } } } }), [
      'spec.syncPolicy.automated.prune: must be boolean (got "yes")',
    ]);
  });

  it("accepts a Flux Kustomization", needsShared, () => {
    const ks = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "gpu-infra", namespace: "flux-system" },
      spec: {
        interval: "10m",
        timeout: "30m",
        path: "./clusters/prod/gpu",
        prune: true,
        wait: true,
        sourceRef: { kind: "GitRepository", name: "gitops" },
      },
    };
    assert.deepEqual(validateAgainstCrds(ks), []);
    assert.deepEqual(validateAgainstCrds({ ...ks, spec: { ...ks.spec, sourceRef: { kind: "Git", name: "gitops" } } }), [
      'spec.sourceRef.kind: must be one of "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact" (got "Git")',
    ]);
  });

  it("names the missing CRD for an unknown kind", needsShared, () => {
    assert.deepEqual(validateAgainstCrds({ apiVersion: "fluxcd.controlplane.io/v1", kind: "FluxInstance" }), [
      "no CRD for fluxcd.controlplane.io/v1 FluxInstance in ../shared/crds",
    ]);
  });

  it("is fast once a kind is compiled", needsShared, () => {
    validateAgainstCrds(inferenceService());
    const start = process.hrtime.bigint();
    for (let i = 0; i < 100; i += 1) validateAgainstCrds(inferenceService());
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(ms < 500, `100 validations took ${ms} ms`);
  });
});

describe("CRD schema conversion", () => {
  it("closes objects with properties and keeps preserve-unknown-fields open", () => {
    const converted = toStrictJsonSchema({
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            size: { anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true },
            extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } },
            anything: { "x-kubernetes-preserve-unknown-fields": true },
            note: { type: "string", nullable: true, description: "dropped" },
          },
        },
      },
    });
    const spec = (converted.properties as Record<string, Record<string, unknown>>).spec;
    const props = spec.properties as Record<string, Record<string, unknown>>;
    assert.equal(converted.additionalProperties, false);
    assert.equal(spec.additionalProperties, false);
    assert.deepEqual(props.size, { type: ["integer", "string"] });
    assert.equal(props.extra.additionalProperties, undefined);
    assert.deepEqual(props.anything, {});
    assert.deepEqual(props.note, { type: ["string", "null"] });
  });

  it("shares repeated subschemas through $defs", () => {
    const big = { type: "object", properties: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field${i}`, { type: "string" }])) };
    const shared = shareRepeatedSubschemas({ type: "object", properties: { a: big, b: big } });
    const props = shared.properties as Record<string, unknown>;
    assert.deepEqual(props.a, { $ref: "#/$defs/s0" });
    assert.deepEqual(props.b, { $ref: "#/$defs/s0" });
    assert.deepEqual((shared.$defs as Record<string, unknown>).s0, big);
  });
});
