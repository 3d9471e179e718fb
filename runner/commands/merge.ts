/* eslint-disable @typescript-eslint/no-require-imports */
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Report } from "../../spec/types/generated";
import { asUsageError, EXIT, UsageError, type Command } from "./common";
import { inputProblem, readReports } from "./outputs";

export const mergeCommand: Command = {
  summary: "join the reports of every shard of one run (--shard k/n) into the report of the whole run",
  usage: `  hvabi merge SHARD.json… -o report.json
  -o FILE           where the merged report goes (a file, or a folder to hold report.json)`,
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({ args, allowPositionals: true, options: { output: { type: "string", short: "o" } } }),
    );
    if (values.output === undefined) throw new UsageError("give the merged report's place with -o FILE");
    if (positionals.length === 0) throw new UsageError("give the shards' report.json files");
    const inputs = readReports(positionals);
    if (typeof inputs === "string") return inputProblem(inputs);

    const { mergeShards, MergeError } = require("../../reports/merge") as typeof import("../../reports/merge");
    const { writeReportFile, REPORT_FILE } = require("../../reports/json") as typeof import("../../reports/json");
    let merged: Report;
    try {
      merged = mergeShards(inputs.map(({ source, report }) => ({ path: source, report })));
    } catch (error) {
      if (error instanceof MergeError) return inputProblem(error.message);
      throw error;
    }
    const { existsSync, statSync } = require("node:fs") as typeof import("node:fs");
    // -o names the file, or a folder to hold report.json (as --report-dir does).
    const target = existsSync(values.output) && statSync(values.output).isDirectory() ? join(values.output, REPORT_FILE) : values.output;
    writeReportFile(target, merged);
    process.stdout.write(`merged ${inputs.length} shards: ${merged.counts.total} results (${merged.ok ? "OK" : "not OK"}) → ${target}\n`);
    return EXIT.ok;
  },
};
