/**
 * `ml-gitops check PATH...`: runs the policy pack over plain manifests (YAML/JSON files,
 * directories, or a kustomization rendered with `kubectl kustomize`), with the same policy
 * objects and config handling `pulumi preview --policy-pack` uses.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { ValidationError } from "../../lib/errors";
import { isDeclaration, judgeDeclaration, type ClustersRead } from "../../lib/manifests/declarations";
import { MissingPathError, parseManifests, readManifests, type Failure, type ManifestSet } from "../../lib/manifests/read";
import { kindAndName, toPolicyResource } from "../../lib/manifests/resources";
import { evaluatePolicies, loadPackConfig, type PackConfig, type PolicyResource } from "../../plan/policy/evaluate";
import { EXIT, type RegisterCommand } from "../exit";

export interface CheckFinding {
  file: string;
  line: number;
  kind: string;
  name: string;
  policy: string;
  level: string;
  message: string;
}

export interface CheckReport {
  files: number;
  objects: number;
  violations: CheckFinding[];
  /** Documents that could not be judged (unparseable, not Kubernetes objects, refused declarations): each fails the check. */
  failures: Failure[];
}

function renderKustomization(dir: string): ManifestSet {
  const result = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    throw new MissingPathError(`${dir}: kubectl kustomize failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  const { objects, failures } = parseManifests(result.stdout, `${dir} (kustomize)`);
  return { files: 1, objects, failures };
}

/** Reads and checks; throws MissingPathError or ValidationError for usage problems. */
export function checkManifests(paths: readonly string[], options: { policyConfig?: string; kustomize?: string } = {}): CheckReport {
  const config: PackConfig = options.policyConfig ? loadPackConfig(options.policyConfig) : {};
  const set = readManifests(paths);
  if (options.kustomize) {
    const rendered = renderKustomization(options.kustomize);
    set.files += rendered.files;
    set.objects.push(...rendered.objects);
    set.failures.push(...rendered.failures);
  }
  // Declarations go through plan's loader, then the pack, as the ModelDeployment component presents them.
  const manifests = set.objects.filter((m) => !isDeclaration(m.object));
  const declared: PolicyResource[] = [];
  const clustersRead: ClustersRead = new Map();
  for (const file of [...new Set(set.objects.filter((m) => isDeclaration(m.object)).map((m) => m.file))]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      set.failures.push({ file, line: 1, reason: "declares a ModelDeployment in rendered output; check the declaration file itself (deployments/<environment>/<model>.yaml)" });
      continue;
    }
    const documents = (require("yaml") as typeof import("yaml")).parseAllDocuments(text).filter((d) => d.contents !== null).length;
    const judged = judgeDeclaration(file, text, documents, config, clustersRead);
    if (judged.resource) declared.push(judged.resource);
    set.failures.push(...judged.failures);
  }
  const manifestResources = manifests.map(toPolicyResource);
  const byUrn = new Map(manifestResources.map((r, i) => [r.urn, manifests[i]!]));
  const declarationFiles = new Map(declared.map((r) => [r.urn, r]));
  const resources = [...manifestResources, ...declared];
  const violations = evaluatePolicies(resources, config).map((v): CheckFinding => {
    const m = byUrn.get(v.urn);
    const d = declarationFiles.get(v.urn);
    const where = m
      ? { file: m.file, line: m.line, ...kindAndName(m) }
      : d
        ? { file: String(d.props.file), line: 1, kind: "ModelDeployment", name: d.name }
        : { file: "", line: 0, kind: v.type, name: v.name };
    return { ...where, policy: v.policy, level: v.level, message: v.message };
  });
  return { files: set.files, objects: set.objects.length, violations, failures: set.failures };
}

function summary(r: CheckReport): string {
  const count = (level: string) => r.violations.filter((v) => v.level === level).length;
  return `${r.objects} objects in ${r.files} files: ${count("mandatory")} mandatory and ${count("advisory")} advisory violations, ${r.failures.length} documents that could not be judged`;
}

export const registerCheck: RegisterCommand = (program: Command, setExit) => {
  program
    .command("check")
    .description("check Kubernetes manifests against the ml-gitops policy pack")
    .argument("[paths...]", "YAML/JSON files or directories (searched recursively)")
    .option("--policy-config <file>", "policy pack config JSON, as for pulumi preview --policy-pack-config")
    .option("--json", "print the report as JSON")
    .option("--kustomize <dir>", "render DIR with kubectl kustomize and check the output too")
    .action((paths: string[], opts: { policyConfig?: string; json?: boolean; kustomize?: string }) => {
      if (paths.length === 0 && !opts.kustomize) {
        process.stderr.write("ml-gitops check: pass at least one PATH or --kustomize DIR\n");
        setExit(EXIT.usage);
        return;
      }
      let report: CheckReport;
      try {
        const options: { policyConfig?: string; kustomize?: string } = {};
        if (opts.policyConfig) options.policyConfig = opts.policyConfig;
        if (opts.kustomize) options.kustomize = opts.kustomize;
        report = checkManifests(paths, options);
      } catch (err) {
        if (err instanceof MissingPathError || err instanceof ValidationError) {
          process.stderr.write(`ml-gitops check: ${err.message}\n`);
          setExit(EXIT.usage);
          return;
        }
        throw err;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        for (const f of report.failures) process.stdout.write(`${f.file}:${f.line}: cannot be judged: ${f.reason}\n`);
        for (const v of report.violations) process.stdout.write(`${v.file}:${v.line}: ${v.kind}/${v.name}: ${v.policy} [${v.level}]: ${v.message}\n`);
        process.stdout.write(`${summary(report)}\n`);
      }
      // Fails closed: a document that could not be judged fails the run like a mandatory violation.
      setExit(report.violations.some((v) => v.level === "mandatory") || report.failures.length > 0 ? EXIT.refused : EXIT.ok);
    });
};
