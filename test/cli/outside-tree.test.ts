/** Commands never read outside their tree, and never echo what looks like a secret. */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { formatProblem, hasUrlCredential, looksSecret } from "../../lib/errors";
import { isName } from "../../lib/names";
import { parseStackConfig } from "../../lib/config/stack-config";
import { cli, makeRepo, type Repo } from "../promotion/repo";

const TOKEN = "ghp_R3alLook1ngT0kenValue0123456789abcd";
const repos: Repo[] = [];
const dirs: string[] = [];
after(() => {
  repos.forEach((r) => r.remove());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
const repo = () => {
  const r = makeRepo();
  repos.push(r);
  return r;
};
/** A file outside every repository, holding a token. */
function secretOutside(): string {
  const d = mkdtempSync(path.join(tmpdir(), "ml-gitops-outside-"));
  dirs.push(d);
  const file = path.join(d, "token.yaml");
  writeFileSync(file, `${TOKEN}\n`);
  return file;
}

describe("environment names", () => {
  it("refuses --env values that are paths, in every command that takes one", async () => {
    const r = repo();
    for (const argv of [["status", "--env", "../.."], ["history", "llama-3-8b", "--env", "../production"], ["advance", "llama-3-8b", "--env", "/etc"]]) {
      const res = await cli(...argv, "--root", r.root);
      assert.equal(res.code, 2, argv.join(" "));
      assert.match(res.stderr, /(environment|--env): is not an environment name: use letters, digits/);
    }
  });
});

describe("names", () => {
  it("never accepts a path: no separator, no leading dot, nothing empty", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (value) => {
        if (isName(value)) assert.ok(!value.includes("/") && !value.includes("\\") && !value.startsWith(".") && value !== "" && path.basename(value) === value, value);
      }),
    );
    assert.deepEqual(["..", ".", "", "a/b", "/abs", ".hidden", "prod-us-east-1", "a.b_c-1"].map(isName), [false, false, false, false, false, false, true, true]);
  });
});

describe("declarations", () => {
  it("refuses a symlinked declaration leading outside the repository without printing its content", async () => {
    const r = repo();
    symlinkSync(secretOutside(), path.join(r.root, "deployments/production/stolen.yaml"));
    const res = await cli("status", "--root", r.root);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, "ml-gitops status: model deployments for production: 1 problem\n  - deployments/production/stolen.yaml: (file): is a symbolic link leading outside the repository (or to nothing); ml-gitops reads only files inside it. Replace the link with the declaration itself.\n");
    assert.doesNotMatch(res.stderr + res.stdout, /ghp_/);
  });

  it("refuses an environment directory that links outside the repository", async () => {
    const r = repo();
    symlinkSync(path.dirname(secretOutside()), path.join(r.root, "deployments/elsewhere"));
    const res = await cli("status", "--env", "elsewhere", "--root", r.root);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /deployments\/elsewhere: environment: leads outside the repository through a symbolic link/);
    assert.doesNotMatch(res.stderr, /ghp_/);
  });

  it("names declarations in subdirectories and .json files instead of ignoring them", async () => {
    const r = repo();
    mkdirSync(path.join(r.root, "deployments/production/team-a"));
    writeFileSync(path.join(r.root, "deployments/production/team-a/bert.yaml"), "kind: ModelDeployment\n");
    writeFileSync(path.join(r.root, "deployments/production/bert.json"), "{}\n");
    writeFileSync(path.join(r.root, "deployments/production/README.md"), "notes\n");
    const res = await cli("status", "--root", r.root);
    assert.equal(res.code, 2);
    assert.equal(
      res.stderr,
      "ml-gitops status: model deployments for production: 2 problems\n" +
        "  - deployments/production/bert.json: (file): is JSON; declarations are read from .yaml and .yml files only, so it would be silently ignored. Rename it to bert.yaml (JSON is valid YAML).\n" +
        "  - deployments/production/team-a: (directory): is a directory; declarations are read only from deployments/production/*.yaml, never from subdirectories, so its files would be silently ignored. Move its declarations into deployments/production/, or make it an environment of its own under deployments/.\n",
    );
  });
});

describe("check", () => {
  it("refuses a link out of a directory it walks, naming the link and not its content", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "ml-gitops-check-"));
    dirs.push(d);
    symlinkSync(secretOutside(), path.join(d, "linked.yaml"));
    const res = await cli("check", d);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, `ml-gitops check: ${d}/linked.yaml: is a symbolic link leading outside ${d}; check reads only files inside the directories it is given (pass the target itself to check it)\n`);
  });
});

describe("secrets in error messages", () => {
  it("does not echo a plaintext token under a misspelled config key", () => {
    assert.throws(
      () => parseStackConfig({ "aws:region": "us-east-1", "ml-gitops:role": "cluster", "ml-gitops:gitTokn": TOKEN }, { stack: "s", file: "stacks/Pulumi.s.yaml" }),
      (err: Error) => {
        assert.match(err.message, /stacks\/Pulumi\.s\.yaml: ml-gitops:gitTokn: unknown config key \(got "\[redacted: 39 characters\]"\)\. Did you mean ml-gitops:gitToken\?/);
        assert.doesNotMatch(err.message, /ghp_/);
        return true;
      },
    );
  });

  it("redacts secret-named keys and token shapes, and keeps digests, URIs and names", () => {
    const shown = (p: string, v: string) => formatProblem({ path: p, value: v, message: "m", fix: "f" });
    assert.equal(shown("spec.password", "hunter2"), 'spec.password: m (got "[redacted: 7 characters]"). f');
    assert.equal(shown("x", "AKIAIOSFODNN7EXAMPLE"), 'x: m (got "[redacted: 20 characters]"). f');
    for (const kept of ["a".repeat(64), "s3://bucket/models/x/sha256-" + "b".repeat(64) + "/", "llama-3-70b-instruct", "v3.2.0", "us-east-1"]) {
      assert.equal(shown("spec.stable.uri", kept), `spec.stable.uri: m (got ${JSON.stringify(kept)}). f`);
    }
  });

  it("never shows the credential of a URL, in the value or in the message, and keeps URLs without one", () => {
    const shown = (p: string, v: string, message = "m") => formatProblem({ path: p, value: v, message, fix: "f" });
    assert.equal(shown("prometheusUrl", "https://admin:s3cr3t@prom.example.com/x"), 'prometheusUrl: m (got "https://[redacted]@prom.example.com/x"). f');
    // A token as the user name (GitHub's x-access-token form), and a password holding an @.
    assert.equal(shown("repo", "https://ghtoken123@github.com/acme/gitops.git"), 'repo: m (got "https://[redacted]@github.com/acme/gitops.git"). f');
    assert.equal(shown("u", "http://user:p@ss@host:9090"), 'u: m (got "http://[redacted]@host:9090"). f');
    assert.equal(shown("u", "x", "could not reach http://user:pw@10.0.0.1:9090/api/v1/query, nor ftp://a:b@h"), "u: could not reach http://[redacted]@10.0.0.1:9090/api/v1/query, nor ftp://[redacted]@h (got \"x\"). f");
    for (const kept of ["ssh://git@github.com/acme/gitops.git", "git@github.com:acme/gitops.git", "oci://registry.example.com/models/llama@sha256:" + "c".repeat(64), "http://prometheus.monitoring:9090", "mailto:ops@example.com"]) {
      assert.equal(hasUrlCredential(kept), false, kept);
      assert.equal(shown("u", kept), `u: m (got ${JSON.stringify(kept)}). f`);
    }
    for (const secret of ["https://tok@host", "HTTP://u:p@host", "ftp://u:p@host", "see https://u:p@host/x"]) assert.equal(hasUrlCredential(secret), true, secret);
  });

  it("never shows a long mixed-case alphanumeric string", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][a-z][0-9][A-Za-z0-9]{17,40}$/), (token) => looksSecret("ml-gitops:note", token)),
    );
  });
});
