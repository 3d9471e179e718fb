/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { asUsageError, EXIT, UsageError, type Command } from "./common";
import { writeFileAtomically } from "../../lib/atomic-file";
import { formatNameList, REPORT_FORMATS, TERMINAL_FORMAT, type ReportFormat } from "../../reports/formats";
import { inputProblem, readReports } from "./outputs";

/** The formats that render a diff of two report.json or of two perf.json. */
const diffFormatNames = (): string => formatNameList(REPORT_FORMATS.filter((format) => (format.reportDiff ?? format.perfDiff) !== undefined));

export const diffCommand: Command = {
  summary: "what changed between two reports; exit 1 on regressions (results that were OK or absent and are not OK now), or between two perf.json, exit 1 on slowdowns",
  get usage() {
    const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
    return `  hvabi diff OLD.json NEW.json [options]    (two report.json, or two perf.json of hvabi bench)
  --format NAME     ${diffFormatNames()} (default: ${TERMINAL_FORMAT})
  -o FILE           write there instead of standard output
  --slowdown PCT    perf.json: flag a mean latency that grew by more than PCT percent and by more
                    than the margins of error (default: ${performanceSettings().diff.slowdownPercent})`;
  },
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          format: { type: "string", default: TERMINAL_FORMAT },
          output: { type: "string", short: "o" },
          slowdown: { type: "string" },
        },
      }),
    );
    if (positionals.length !== 2) throw new UsageError(`give two reports, the old then the new (got ${positionals.length})`);
    const format = REPORT_FORMATS.find((candidate) => candidate.name === values.format && (candidate.reportDiff ?? candidate.perfDiff) !== undefined);
    if (format === undefined) throw new UsageError(`--format must be ${diffFormatNames()}, not "${values.format}"`);
    const slowdown = values.slowdown === undefined ? undefined : Number(values.slowdown);
    if (slowdown !== undefined && !(Number.isFinite(slowdown) && slowdown > 0)) throw new UsageError("--slowdown must be a positive number of percent");
    const documents = positionals.map(perfOrReport);
    if (documents.includes("perf")) {
      if (!documents.every((document) => document === "perf")) return inputProblem(`give two perf.json or two report.json, not one of each (${positionals.join(", ")})`);
      return diffPerfFiles(positionals as [string, string], format, values.output, slowdown);
    }
    if (slowdown !== undefined) throw new UsageError("--slowdown compares two perf.json (hvabi bench)");
    const inputs = readReports(positionals);
    if (typeof inputs === "string") return inputProblem(inputs);
    const [before, after] = inputs as [(typeof inputs)[number], (typeof inputs)[number]];

    const { diffReports } = require("../../reports/diff") as typeof import("../../reports/diff");
    const { shouldColor } = require("../../reports/terminal") as typeof import("../../reports/terminal");
    if (format.reportDiff === undefined) throw new UsageError(`--format ${format.name} does not render a diff of two report.json`);
    const diff = diffReports(before.report, after.report);
    const names = { before: before.source, after: after.source };
    const text = format.reportDiff({ diff, names, color: values.output === undefined && shouldColor(process.stdout) });
    if (values.output === undefined) process.stdout.write(text);
    else {
      writeFileAtomically(values.output, text);
      process.stderr.write(`wrote ${values.output}\n`);
    }
    return diff.regressions > 0 ? EXIT.unexpected : EXIT.ok;
  },
};

/** Which document a file claims to be; an unreadable file counts as a report.json, whose reader says what is wrong. */
function perfOrReport(path: string): "perf" | "report" {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const { looksLikePerf } = require("../../reports/perf") as typeof import("../../reports/perf");
  try {
    return looksLikePerf(JSON.parse(readFileSync(path, "utf8"))) ? "perf" : "report";
  } catch {
    return "report";
  }
}

function diffPerfFiles(paths: [string, string], format: ReportFormat, output: string | undefined, slowdown: number | undefined): number {
  const { readPerfReport } = require("../../reports/perf") as typeof import("../../reports/perf");
  const { diffPerf } = require("../../reports/perf-diff") as typeof import("../../reports/perf-diff");
  if (format.perfDiff === undefined) throw new UsageError(`--format ${format.name} does not render a diff of two perf.json`);
  const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
  let reports;
  try {
    reports = paths.map((path) => readPerfReport(path));
  } catch (error) {
    return inputProblem(error instanceof Error ? error.message : String(error));
  }
  const diff = diffPerf(reports[0]!, reports[1]!, slowdown ?? performanceSettings().diff.slowdownPercent);
  const names = { before: paths[0], after: paths[1] };
  const text = format.perfDiff({ diff, names, color: false });
  if (output === undefined) process.stdout.write(text);
  else {
    writeFileAtomically(output, text);
    process.stderr.write(`wrote ${output}\n`);
  }
  return diff.slowdowns > 0 ? EXIT.unexpected : EXIT.ok;
}
