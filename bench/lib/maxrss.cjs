// Preloaded (`node --require`) into every benchmarked child: on exit, writes the process's peak
// resident set size in KiB (process.resourceUsage().maxRSS) to $BENCH_MAXRSS_FILE. Works where
// GNU time is absent and counts exactly the Node process (tsx's loader thread included).
"use strict";
const { writeFileSync } = require("node:fs");
const out = process.env.BENCH_MAXRSS_FILE;
if (out) process.on("exit", () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
