/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { asUsageError, casePaths, EXIT, UsageError, type Command } from "./common";

export const generateCommand: Command = {
  summary: "write a large generated corpus (for benchmarks and scale tests) by varying the committed cases",
  usage: `  --count N         how many cases to write (required)
  --out DIR         where to write them (cases land in DIR/<area>/; never commit them)
  --seed N          random seed (default: 1): the same seed gives the same corpus`,
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: { count: { type: "string" }, out: { type: "string" }, seed: { type: "string", default: "1" } },
      }),
    );
    const count = Number(values.count);
    const seed = Number(values.seed);
    if (!Number.isInteger(count) || count <= 0) throw new UsageError("--count must be a positive integer");
    if (!Number.isInteger(seed)) throw new UsageError("--seed must be an integer");
    if (values.out === undefined) throw new UsageError("--out is required");
    const { loadSpec } = require("../../spec") as typeof import("../../spec");
    const { createReferenceExecutor } = require("../../core/reference") as typeof import("../../core/reference");
    const { generateCorpus } = require("../generate") as typeof import("../generate");
    const spec = loadSpec();
    const summary = generateCorpus(spec, createReferenceExecutor(spec), { templates: casePaths(positionals), count, out: values.out, seed });
    process.stdout.write(`wrote ${summary.written} cases to ${values.out} from ${summary.templates} templates (${summary.discarded} variants discarded)\n`);
    return summary.written === count ? EXIT.ok : EXIT.unexpected;
  },
};
