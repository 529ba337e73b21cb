/**
 * Startup of the commands people run most, against the cost of starting Node at all: `node -e 0`,
 * `ml-gitops --help`, and `ml-gitops status` over the sample declarations (the repo itself).
 * Each runs the compiled CLI (`node bin/ml-gitops`), as users do.
 */
import { BIN, expectStatus, type ChildCase } from "./lib/cases";
import { REPO } from "./lib/roots";

export const nodeBare = (): ChildCase => ({
  id: "node-e0",
  label: "node -e 0",
  cwd: REPO,
  nodeArgs: ["-e", "0"],
  verify: (run) => expectStatus(run, [0], "node -e 0"),
});

export const cliHelp = (): ChildCase => ({
  id: "cli-help",
  label: "ml-gitops --help",
  cwd: REPO,
  nodeArgs: [BIN, "--help"],
  verify: (run) => {
    expectStatus(run, [0], "ml-gitops --help");
    if (!/Commands:[\s\S]*\bstatus\b/.test(run.stdout)) throw new Error(`ml-gitops --help: no command list in the output\n${run.stdout}`);
  },
});

export const cliStatus = (): ChildCase => ({
  id: "cli-status",
  label: "ml-gitops status (sample declarations)",
  cwd: REPO,
  nodeArgs: [BIN, "status"],
  verify: (run) => {
    expectStatus(run, [0], "ml-gitops status");
    if (!/^ENVIRONMENT\s+MODEL/m.test(run.stdout) || run.stdout.trim().split("\n").length < 3) {
      throw new Error(`ml-gitops status: no model rows in the output\n${run.stdout}`);
    }
  },
});
