/**
 * Preloaded into a measured process (`node --require …/max-rss.js`): when it
 * exits, writes its peak resident set size, in kilobytes and counting its
 * worker threads, to the file named by HVABI_BENCH_RSS_FILE.
 */
import { writeFileSync } from "node:fs";

const target = process.env.HVABI_BENCH_RSS_FILE;
if (target !== undefined && target !== "") {
  process.on("exit", () => writeFileSync(target, `${process.resourceUsage().maxRSS}\n`));
}
