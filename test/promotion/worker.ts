/**
 * A promotion engineer in its own process, for the concurrency tests: runs promotion commands
 * with the CLI's own command registrations, one per job, each started at a barrier shared with
 * the other workers, so every pair really starts together. Prints one JSON result per job.
 *
 *     node --import tsx test/promotion/worker.ts <name> <barrier-dir> <jobs.json>
 *
 * Only the promotion commands are registered: loading `plan` (Pulumi) would triple the start-up
 * time without changing what runs.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { registerAbort } from "../../cli/commands/abort";
import { registerAdvance } from "../../cli/commands/advance";
import { registerPromote } from "../../cli/commands/promote";
import { registerRollback } from "../../cli/commands/rollback";
import { sleepSync } from "../../lib/promotion/lock";

const [name, barrier, jobsFile] = process.argv.slice(2) as [string, string, string];
const jobs = JSON.parse(readFileSync(jobsFile, "utf8")) as { argv: string[]; party: number }[];
const results: { code: number; stdout: string; stderr: string }[] = [];

async function runOne(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((c: string) => ((stdout += c), true)) as typeof out;
  process.stderr.write = ((c: string) => ((stderr += c), true)) as typeof err;
  let code = 0;
  try {
    const program = new Command("ml-gitops").exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
    for (const register of [registerPromote, registerAdvance, registerAbort, registerRollback]) register(program, (c) => (code = c));
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    code = e instanceof CommanderError ? 2 : 99;
    stderr += e instanceof Error ? e.message : String(e);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { code, stdout, stderr };
}

async function main(): Promise<void> {
  for (const [i, job] of jobs.entries()) {
    // Barrier: each worker announces itself for job i and waits for the other parties.
    writeFileSync(path.join(barrier, `${i}.${name}`), "");
    const deadline = Date.now() + 30_000;
    while (readdirCount(barrier, i) < job.party && Date.now() < deadline) sleepSync(1);
    results.push(await runOne(job.argv));
  }
  process.stdout.write(JSON.stringify(results));
}
void main();

function readdirCount(dir: string, i: number): number {
  let n = 0;
  for (let w = 0; w < 16; w++) if (existsSync(path.join(dir, `${i}.w${w}`))) n++;
  return n;
}
