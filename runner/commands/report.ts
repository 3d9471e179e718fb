/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { asUsageError, EXIT, UsageError, type Command } from "./common";
import { TERMINAL_FORMAT } from "../../reports/formats";
import { emitFormats, formatNames, inputProblem, judge, parseFormats, prepareBaseline, readReports, type RenderContext } from "./outputs";

export const reportCommand: Command = {
  summary: "turn report.json files into JUnit XML, Markdown, GitHub annotations or HTML; judge one against a baseline",
  get usage() {
    return `  hvabi report REPORT.json… [options]   (several reports: side by side)
  --format NAME[=FILE]
                    ${formatNames("conformance")} (repeatable; default ${TERMINAL_FORMAT});
                    without =FILE to standard output
  --baseline FILE   judge one report against a baseline: exit 1 only on unexpected results
  --update-baseline rewrite --baseline FILE so that this report is as expected
  --previous OLD    also list what changed since the report OLD (terminal and Markdown)
  --perf PERF.json  also show a performance report of hvabi bench (terminal, Markdown and HTML)`;
  },
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          format: { type: "string", multiple: true },
          baseline: { type: "string" },
          "update-baseline": { type: "boolean", default: false },
          previous: { type: "string" },
          perf: { type: "string" },
        },
      }),
    );
    if (positionals.length === 0) throw new UsageError("give at least one report.json");
    const formats = parseFormats(values.format ?? [TERMINAL_FORMAT], "conformance");
    if (formats.filter((f) => f.file === undefined).length > 1) throw new UsageError("only one --format can go to standard output; give the others a file (--format NAME=FILE)");
    if (values.baseline !== undefined && positionals.length > 1) throw new UsageError("--baseline judges one report; give exactly one");
    if (values.previous !== undefined && positionals.length > 1) throw new UsageError("--previous compares one report; give exactly one");

    const baseline = prepareBaseline(values.baseline, values["update-baseline"]);
    if (typeof baseline === "string") return inputProblem(baseline);
    const inputs = readReports(positionals);
    if (typeof inputs === "string") return inputProblem(inputs);

    const { labelReports } = require("../../reports/labels") as typeof import("../../reports/labels");
    const { shouldColor } = require("../../reports/terminal") as typeof import("../../reports/terminal");
    const context: RenderContext = { color: shouldColor(process.stdout) };

    if (values.perf !== undefined) {
      const { readPerfReport } = require("../../reports/perf") as typeof import("../../reports/perf");
      try {
        context.perf = readPerfReport(values.perf);
      } catch (error) {
        return inputProblem(error instanceof Error ? error.message : String(error));
      }
    }
    if (values.previous !== undefined) {
      const previous = readReports([values.previous]);
      if (typeof previous === "string") return inputProblem(previous);
      const { diffReports } = require("../../reports/diff") as typeof import("../../reports/diff");
      context.previous = { diff: diffReports(previous[0]!.report, inputs[0]!.report), source: values.previous };
    }
    if (baseline !== undefined) {
      const judged = judge(inputs[0]!.report, baseline);
      if (typeof judged === "string") return inputProblem(judged);
      if (judged.note) process.stderr.write(`${judged.note}\n`);
      context.gate = { verdict: judged.verdict, baseline: baseline.path };
    }
    const written = emitFormats(formats, labelReports(inputs), context);
    for (const file of written) process.stderr.write(`wrote ${file}\n`);
    if (context.gate) return context.gate.verdict.ok ? EXIT.ok : EXIT.unexpected;
    return inputs.every(({ report }) => report.ok) ? EXIT.ok : EXIT.unexpected;
  },
};
