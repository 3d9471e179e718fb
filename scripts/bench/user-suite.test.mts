/**
 * Benchmark figure (d): the cases as a user without hvabi would test them —
 * vitest's test.each over the case files, each case given to the reference
 * core in each profile and every expectation asserted with expect().
 * Run by `npm run bench` with HVABI_BENCH_CORPUS set; never part of `npm test`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { expect, test } from "vitest";
import { createReferenceExecutor } from "../../core/index.js";

interface Expectation {
  result: string;
  state?: Record<string, unknown>;
  log?: unknown[];
}
interface Step {
  op: string;
  args?: Record<string, unknown>;
  expect?: Expectation;
  expectByProfile?: Record<string, Expectation>;
}
interface TestCase {
  id: string;
  profiles: string[];
  config: Record<string, unknown>;
  steps: Step[];
}

const corpus = process.env.HVABI_BENCH_CORPUS;
if (corpus === undefined) throw new Error("set HVABI_BENCH_CORPUS to a folder of case files");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".json") ? [join(dir, entry.name)] : []))
    .sort();
}

const rows = files(corpus).flatMap((file) => {
  const testCase = JSON.parse(readFileSync(file, "utf8")) as TestCase;
  const area = basename(join(file, ".."));
  return testCase.profiles.map((profile) => [testCase.id, profile, area, testCase] as const);
});
const core = createReferenceExecutor();

test.each(rows)("%s [%s]", (id, profile, area, testCase) => {
  const expectations = testCase.steps.map((step) => step.expect ?? step.expectByProfile?.[profile]);
  const steps = testCase.steps.map((step, i) => ({
    op: step.op,
    ...(step.args === undefined ? {} : { args: step.args }),
    observe: { state: Object.keys(expectations[i]?.state ?? {}), log: expectations[i]?.log !== undefined },
  }));
  const outcome = core.execute({ id, area, profile, config: testCase.config, steps } as never);
  if (outcome instanceof Promise || outcome.kind !== "observed") throw new Error(`not observed: ${JSON.stringify(outcome)}`);
  expectations.forEach((expected, i) => expect(outcome.steps[i]).toMatchObject(expected as object));
});
