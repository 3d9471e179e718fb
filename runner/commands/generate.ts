/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { asUsageError, casePaths, EXIT, UsageError, type Command } from "./common";

export const generateCommand: Command = {
  summary: "write a large generated corpus (for benchmarks and scale tests) by varying the committed cases",
  usage: `  --count N         how many cases to write (required)
  --out DIR         where to write them (cases land in DIR/<area>/; never commit them)
  --seed N          random seed (default: 1): the same seed gives the same corpus, whatever --workers
  --workers N       worker threads besides the main thread (default: as many as the processors allow)`,
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: { count: { type: "string" }, out: { type: "string" }, seed: { type: "string", default: "1" }, workers: { type: "string" } },
      }),
    );
    const count = Number(values.count);
    const seed = Number(values.seed);
    if (!Number.isInteger(count) || count <= 0) throw new UsageError("--count must be a positive integer");
    if (!Number.isInteger(seed)) throw new UsageError("--seed must be an integer");
    if (values.out === undefined) throw new UsageError("--out is required");
    const requested = values.workers === undefined ? undefined : Number(values.workers);
    if (requested !== undefined && !(Number.isInteger(requested) && requested >= 0)) throw new UsageError("--workers must be a whole number (0 or more)");
    const { loadSpec } = require("../../spec") as typeof import("../../spec");
    const { createReferenceExecutor } = require("../../core/reference") as typeof import("../../core/reference");
    const { generateCorpus, outputProblem } = require("../generate") as typeof import("../generate");
    const { generateInParallel } = require("../generate-parallel") as typeof import("../generate-parallel");
    const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
    const { availableParallelism } = require("node:os") as typeof import("node:os");
    const templates = casePaths(positionals);
    const problem = outputProblem(values.out, templates);
    if (problem !== undefined) throw new UsageError(problem);
    const spec = loadSpec();
    const workers = requested ?? Math.max(0, Math.min(performanceSettings().runner.maxWorkers, availableParallelism() - 1));
    const options = { templates, count, out: values.out, seed };
    const executor = createReferenceExecutor(spec);
    const summary = workers > 0 ? await generateInParallel(spec, executor, options, workers) : await generateCorpus(spec, executor, options);
    const { discarded } = summary;
    const areas = Object.entries(summary.byArea).map(([area, n]) => `${area} ${n}`).join(", ");
    process.stdout.write(
      `wrote ${summary.written} cases to ${values.out} (${areas}) from ${summary.templates} templates; ` +
        `discarded ${discarded.invalid} invalid, ${discarded.notRun} the reference core could not run, ` +
        `${discarded.claims} no longer meeting their template's expectations, ${discarded.duplicate} repeated\n`,
    );
    if (summary.written < count) {
      process.stderr.write(`hvabi: only ${summary.written} of ${count} cases: ${summary.exhausted} of ${summary.templates} templates ran out of variants\n`);
      return EXIT.unexpected;
    }
    return EXIT.ok;
  },
};
