/**
 * Benchmark figure (a), the limit: read and parse each case file and give it,
 * in each of its profiles, straight to the reference core. No validation, no
 * comparison, no report: what running the cases cannot go below. The cases
 * must carry their defaults (generated corpora do), since nothing fills them in.
 *
 *     node dist/scripts/bench/limit-loop.js DIR
 */
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { createReferenceExecutor } from "../../core/reference";
import type { AreaName, Case } from "../../spec/types/generated";
import { discoverCaseFiles } from "../../runner/discover";
import { stripCase } from "../../runner/strip";

const [dir] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write("usage: limit-loop.js DIR\n");
  process.exit(2);
}
const executor = createReferenceExecutor();
let cases = 0;
let results = 0;
let observed = 0;
for (const file of discoverCaseFiles([dir]).files) {
  const testCase = JSON.parse(readFileSync(file, "utf8")) as Case;
  const area = basename(dirname(file)) as AreaName;
  cases++;
  for (const profile of testCase.profiles) {
    const outcome = executor.execute(stripCase(testCase, area, profile));
    results++;
    if (!(outcome instanceof Promise) && outcome.kind === "observed") observed++;
  }
}
process.stdout.write(`${JSON.stringify({ cases, results, observed })}\n`);
