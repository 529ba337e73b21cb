/**
 * Runs the CLI in-process and captures what it prints. Only text is captured: the test runner
 * reports from this same process through stdout in a binary protocol, which must pass through.
 */
import { run } from "../../cli/main";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(argv: readonly string[], options: { cwd?: string } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const [out, err, cwd] = [process.stdout.write, process.stderr.write, process.cwd()];
  const capture = (stream: NodeJS.WriteStream, original: typeof out, append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== "string") return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      append(chunk);
      return true;
    }) as typeof out;
  process.stdout.write = capture(process.stdout, out, (s) => (stdout += s));
  process.stderr.write = capture(process.stderr, err, (s) => (stderr += s));
  if (options.cwd) process.chdir(options.cwd);
  try {
    return { code: await run(argv), stdout, stderr };
  } finally {
    process.chdir(cwd);
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
