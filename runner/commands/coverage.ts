/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { casePaths, EXIT, asUsageError, UsageError, type Command } from "./common";

export const coverageCommand: Command = {
  summary: "per clause, how many cases accept and how many refuse; fails when a clause lacks either, a file is invalid or two cases contradict each other",
  usage: `  --area NAME       only this area (repeatable)`,
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({ args, allowPositionals: true, options: { area: { type: "string", multiple: true } } }),
    );
    const { loadSpec, AREAS } = require("../../spec") as typeof import("../../spec");
    const { computeCoverage, renderCoverage, isCovered } = require("../coverage") as typeof import("../coverage");
    const unknownAreas = (values.area ?? []).filter((a) => !(AREAS as readonly string[]).includes(a));
    if (unknownAreas.length > 0) throw new UsageError(`unknown area ${unknownAreas.join(", ")}; known: ${AREAS.join(", ")}`);
    const report = computeCoverage(loadSpec(), casePaths(positionals), values.area);
    process.stdout.write(renderCoverage(report));
    const sound = report.errors.length === 0 && report.contradictions.length === 0;
    return sound && report.clauses.every(isCovered) ? EXIT.ok : EXIT.unexpected;
  },
};
