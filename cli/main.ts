/**
 * The ml-gitops command line: offline plan, policy check of plain manifests, and the promotion
 * workflow. Exit codes are shared by every command: 0 success, 1 refused (a mandatory policy
 * violation, a promotion that is not allowed), 2 usage or input errors.
 */
import { Command, CommanderError, Help } from "commander";
import { COMMANDS } from "./commands";
import { EXIT } from "./exit";

/**
 * The command the arguments name, whose module must be loaded: the first word (the program
 * itself takes no option with a value), or the word after `help`. Undefined for `--help` alone,
 * no arguments, or an unknown word (commander then lists the commands or refuses it).
 */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return COMMANDS.some((c) => c.name === name) ? name : undefined;
}

export async function run(argv: readonly string[]): Promise<number> {
  const program = new Command("ml-gitops")
    .description("GitOps delivery of ML models onto GPU Kubernetes clusters")
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code: number = EXIT.ok;
  // Only the command that runs is loaded; the others are listed by their light entry (name, term,
  // summary), which is all the program's own help shows of them.
  const requested = requestedCommand(argv);
  const terms = new Map<Command, string>();
  for (const c of COMMANDS) {
    if (c.name === requested) c.load()(program, (exit) => (code = exit));
    else terms.set(program.command(c.name).description(c.summary), c.term);
  }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? help.subcommandTerm(cmd) });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other parse failure is a usage error.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw err;
  }
  return code;
}

/**
 * A reader that stops early (`ml-gitops history m | head -1`) closes the pipe; the next write
 * fails with EPIPE, which Node raises as an uncaught error (exit 1, which for plan means "policy
 * violation"). Output nobody reads is dropped instead, and the command ends with its own exit code.
 */
export function tolerateClosedStdout(stream: NodeJS.WriteStream = process.stdout): void {
  let closed = false;
  const write = stream.write.bind(stream);
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    closed = true;
  });
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (closed) return true;
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
}

/** Runs the CLI as a process: sets the exit code, and reports a crash as a usage error. */
export function main(argv: readonly string[]): void {
  tolerateClosedStdout();
  run(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`ml-gitops: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}

// Started directly: `node dist/cli/main.js` or, in development, `tsx cli/main.ts`.
if (require.main === module) main(process.argv.slice(2));
