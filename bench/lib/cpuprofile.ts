/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per package,
 * the evidence RESULTS.md cites. Usage: `npx tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules package, project directory, or node internals the frame belongs to. */
export function ownerOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node:internals";
  const project = /\/(bench|cli|components|infra|lib|plan|policies)\//.exec(url);
  return project ? `${project[1]}/` : url === "" ? "(vm)" : url;
}

export function selfTimes(p: Profile): { byFunction: Map<string, number>; byOwner: Map<string, number>; totalMs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let totalMs = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^file:\/\//, "")}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    byOwner.set(ownerOf(f.url), (byOwner.get(ownerOf(f.url)) ?? 0) + ms);
    totalMs += ms;
  });
  return { byFunction, byOwner, totalMs };
}

if (require.main === module) {
  const [file, top = "15"] = process.argv.slice(2);
  if (!file) throw new Error("usage: tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top]");
  const { byFunction, byOwner, totalMs } = selfTimes(JSON.parse(readFileSync(file, "utf8")) as Profile);
  const print = (title: string, m: Map<string, number>) => {
    console.log(`${title} (self time, of ${totalMs.toFixed(0)} ms sampled)`);
    for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${k}`);
  };
  print("by owner", byOwner);
  print("by function", byFunction);
}
