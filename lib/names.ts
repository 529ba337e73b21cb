/**
 * Names that become path segments (a stack in `stacks/Pulumi.<stack>.yaml` and in `--out DIR/<stack>/`,
 * an environment in `deployments/<environment>/`) are checked as names before any path is built,
 * so `..`, `/` or an absolute path can't lead a command outside its directory.
 */
import { ValidationError, type Problem } from "./errors";

/** Letters, digits, `.`, `_`, `-`, starting with a letter or digit (so never `.` or `..`); Pulumi stack names fit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isName(value: string): boolean {
  return NAME_PATTERN.test(value);
}

export function nameProblem(what: "stack" | "environment", path: string, value: string, file?: string): Problem | undefined {
  if (isName(value)) return undefined;
  return {
    ...(file !== undefined ? { file } : {}),
    path,
    value,
    message: `is not ${what === "environment" ? "an" : "a"} ${what} name: use letters, digits, ".", "_" and "-", starting with a letter or digit (at most 100 characters)`,
    fix: what === "stack" ? "Name the stack like prod-us-east-1 (stacks/Pulumi.prod-us-east-1.yaml)" : "Name the environment like production (the directory deployments/production/)",
  };
}

/** @throws ValidationError */
export function assertName(what: "stack" | "environment", path: string, value: string, file?: string): void {
  const p = nameProblem(what, path, value, file);
  if (p) throw new ValidationError(`${what} ${JSON.stringify(value).slice(0, 60)}`, [p]);
}

/**
 * Kubernetes object names, by the rule the API server applies to each kind. The formats and limits
 * are upstream's: kubernetes/apimachinery@v0.34.2:pkg/util/validation/validation.go
 * (dns1123LabelFmt, dns1123SubdomainFmt, dns1035LabelFmt, DNS1123LabelMaxLength 63,
 * DNS1123SubdomainMaxLength 253, DNS1035LabelMaxLength 63), and which kind takes which rule is
 * pkg/api/validation/generic.go there: Namespace names are DNS-1123 labels
 * (ValidateNamespaceName = NameIsDNSLabel), ServiceAccounts and most other objects DNS-1123
 * subdomains (ValidateServiceAccountName = NameIsDNSSubdomain), Services DNS-1035 labels
 * (NameIsDNS1035Label). This is the one place these patterns are written out.
 */
export type KubernetesNameRule = "dns1123-label" | "dns1123-subdomain" | "dns1035-label";

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";

/** The characters of a DNS-1123 label, without its length limit (for names with their own limit, such as an EKS cluster's 100). */
export const DNS1123_LABEL_FORMAT = new RegExp(`^${DNS1123_LABEL_FMT}$`);

export const KUBERNETES_NAME_RULES: { readonly [rule in KubernetesNameRule]: { readonly pattern: RegExp; readonly maxLength: number; readonly describe: string } } = {
  "dns1123-label": {
    pattern: DNS1123_LABEL_FORMAT,
    maxLength: 63,
    describe: "at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
  },
  "dns1123-subdomain": {
    pattern: new RegExp(`^${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*$`),
    maxLength: 253,
    describe: "at most 253 lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit",
  },
  "dns1035-label": {
    pattern: new RegExp(`^${DNS1035_LABEL_FMT}$`),
    maxLength: 63,
    describe: "at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit",
  },
};

export function isKubernetesName(rule: KubernetesNameRule, value: string): boolean {
  const { pattern, maxLength } = KUBERNETES_NAME_RULES[rule];
  return value.length <= maxLength && pattern.test(value);
}

/** The message of a name that breaks `rule`, the same wherever the rule is checked. */
export function kubernetesNameMessage(rule: KubernetesNameRule, what: string): string {
  return `is not a valid ${what}: use ${KUBERNETES_NAME_RULES[rule].describe}`;
}

/**
 * The problem with a Kubernetes name, if any: `what` names the kind ("namespace name"), `fix`
 * gives an example that fits the context.
 */
export function kubernetesNameProblem(rule: KubernetesNameRule, what: string, path: string, value: string, fix: string): Problem | undefined {
  if (isKubernetesName(rule, value)) return undefined;
  return { path, value, message: kubernetesNameMessage(rule, what), fix };
}
