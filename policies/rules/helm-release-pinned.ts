/** Helm charts must be installed at an exact version; a range or nothing installs whatever is newest. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../lib/known";
import { propsOf, show } from "../lib/policy";

const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
const EXACT_SEMVER = /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const helmReleasePinned: ResourceValidationPolicy = {
  name: "helm-release-pinned",
  description: "Helm releases and charts must pin an exact chart version.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (!HELM_TYPES.includes(args.type)) return;
    const props = propsOf(args);
    const chart = typeof props.chart === "string" ? ` of chart "${props.chart}"` : "";
    const version = props.version;
    if (isUnknown(version)) return;
    if (typeof version !== "string" || version.trim() === "") {
      reportViolation(`version${chart} is ${show(version)}, so Helm installs the newest chart; set an exact version such as "1.2.3"`);
    } else if (!EXACT_SEMVER.test(version)) {
      reportViolation(`version${chart} is "${version}", a range rather than one version; set an exact version such as "1.2.3"`);
    }
  },
};
