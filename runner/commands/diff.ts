/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { asUsageError, EXIT, UsageError, type Command } from "./common";
import { writeFileAtomically } from "../../lib/atomic-file";
import { inputProblem, readReports } from "./outputs";

export const diffCommand: Command = {
  summary: "what changed between two reports; exit 1 on regressions (results that were OK or absent and are not OK now), or between two perf.json, exit 1 on slowdowns",
  get usage() {
    const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
    return `  hvabi diff OLD.json NEW.json [options]    (two report.json, or two perf.json of hvabi bench)
  --format NAME     terminal (default) or markdown
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
          format: { type: "string", default: "terminal" },
          output: { type: "string", short: "o" },
          slowdown: { type: "string" },
        },
      }),
    );
    if (positionals.length !== 2) throw new UsageError(`give two reports, the old then the new (got ${positionals.length})`);
    if (values.format !== "terminal" && values.format !== "markdown") throw new UsageError(`--format must be terminal or markdown, not "${values.format}"`);
    const slowdown = values.slowdown === undefined ? undefined : Number(values.slowdown);
    if (slowdown !== undefined && !(Number.isFinite(slowdown) && slowdown > 0)) throw new UsageError("--slowdown must be a positive number of percent");
    const kinds = positionals.map(perfOrReport);
    if (kinds.includes("perf")) {
      if (!kinds.every((kind) => kind === "perf")) return inputProblem(`give two perf.json or two report.json, not one of each (${positionals.join(", ")})`);
      return diffPerfFiles(positionals as [string, string], values.format, values.output, slowdown);
    }
    if (slowdown !== undefined) throw new UsageError("--slowdown compares two perf.json (hvabi bench)");
    const inputs = readReports(positionals);
    if (typeof inputs === "string") return inputProblem(inputs);
    const [before, after] = inputs as [(typeof inputs)[number], (typeof inputs)[number]];

    const { diffReports } = require("../../reports/diff") as typeof import("../../reports/diff");
    const render = require("../../reports/diff-render") as typeof import("../../reports/diff-render");
    const { shouldColor } = require("../../reports/terminal") as typeof import("../../reports/terminal");
    const diff = diffReports(before.report, after.report);
    const names = { before: before.source, after: after.source };
    const text =
      values.format === "markdown"
        ? render.renderDiffMarkdown(diff, names)
        : render.renderDiffTerminal(diff, names, { color: values.output === undefined && shouldColor(process.stdout) });
    if (values.output === undefined) process.stdout.write(text);
    else {
      writeFileAtomically(values.output, text);
      process.stderr.write(`wrote ${values.output}\n`);
    }
    return diff.regressions > 0 ? EXIT.unexpected : EXIT.ok;
  },
};

/** Which kind of report a file claims to be; an unreadable file counts as a report.json, whose reader says what is wrong. */
function perfOrReport(path: string): "perf" | "report" {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const { looksLikePerf } = require("../../reports/perf") as typeof import("../../reports/perf");
  try {
    return looksLikePerf(JSON.parse(readFileSync(path, "utf8"))) ? "perf" : "report";
  } catch {
    return "report";
  }
}

function diffPerfFiles(paths: [string, string], format: string, output: string | undefined, slowdown: number | undefined): number {
  const { readPerfReport } = require("../../reports/perf") as typeof import("../../reports/perf");
  const { diffPerf, renderPerfDiffMarkdown, renderPerfDiffTerminal } = require("../../reports/perf-diff") as typeof import("../../reports/perf-diff");
  const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
  let reports;
  try {
    reports = paths.map((path) => readPerfReport(path));
  } catch (error) {
    return inputProblem(error instanceof Error ? error.message : String(error));
  }
  const diff = diffPerf(reports[0]!, reports[1]!, slowdown ?? performanceSettings().diff.slowdownPercent);
  const names = { before: paths[0], after: paths[1] };
  const text = format === "markdown" ? renderPerfDiffMarkdown(diff, names) : renderPerfDiffTerminal(diff, names);
  if (output === undefined) process.stdout.write(text);
  else {
    writeFileAtomically(output, text);
    process.stderr.write(`wrote ${output}\n`);
  }
  return diff.slowdowns > 0 ? EXIT.unexpected : EXIT.ok;
}
