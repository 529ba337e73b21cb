/**
 * Helm charts must be installed at an exact version, and so must remote manifests (Flux and the
 * Gateway API CRDs are installed from release assets): a range, nothing, or a "latest" URL
 * installs whatever is newest when `pulumi up` runs.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../lib/known";
import { propsOf, show } from "../lib/policy";

const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
const MANIFEST_TYPES = ["kubernetes:yaml/v2:ConfigFile"];
const EXACT_SEMVER = /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** A path segment that is an exact version, bare (`v2.9.4`) or after a name (`argo-cd-10.4.0`). */
const VERSION_SEGMENT = /(^|[-_])v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

function remoteManifestProblem(file: string): string | undefined {
  let url: URL;
  try {
    url = new URL(file);
  } catch {
    return undefined; // a file in the program's tree is pinned by the commit
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  const segments = url.pathname.split("/").filter((s) => s !== "");
  if (segments.includes("latest")) {
    return `file "${file}" follows the newest release; point it at one tagged release, e.g. .../releases/download/v1.2.3/install.yaml`;
  }
  if (!segments.some((s) => VERSION_SEGMENT.test(s))) {
    return `file "${file}" names no exact version, so what it installs can change under the same URL; use the release asset of one tag, e.g. .../releases/download/v1.2.3/install.yaml`;
  }
  return undefined;
}

export const helmReleasePinned: ResourceValidationPolicy = {
  name: "helm-release-pinned",
  description: "Helm releases and charts must pin an exact chart version, and remote manifests one tagged release.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    const props = propsOf(args);
    if (MANIFEST_TYPES.includes(args.type)) {
      if (typeof props.file !== "string") return;
      const problem = remoteManifestProblem(props.file);
      if (problem !== undefined) reportViolation(problem);
      return;
    }
    if (!HELM_TYPES.includes(args.type)) return;
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
