/**
 * Serving images must be pinned by digest, for the same reason as artifacts: a tag can be
 * pushed again and change what a "stable" predictor runs. Plain workloads are included so a
 * model server deployed as a Deployment or Pod gets no way around the rule.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkImageRef } from "../lib/predicates/image-ref";
import { carriesImages, containerImages } from "../lib/images";
import { propsOf } from "../lib/policy";

export const servingImageDigest: ResourceValidationPolicy = {
  name: "serving-image-digest",
  description: "Container images of model-serving workloads must be pinned by @sha256 digest.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!carriesImages(args.type)) return;
    for (const { path, value } of containerImages(args.type, propsOf(args))) {
      const verdict = checkImageRef(value);
      if (!verdict.pinned) reportViolation(`${path} "${value}" ${verdict.reason}; ${verdict.fix}.`);
    }
  },
};
