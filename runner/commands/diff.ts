/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { asUsageError, EXIT, UsageError, type Command } from "./common";
import { inputProblem, readReports, writeAtomically } from "./outputs";

export const diffCommand: Command = {
  summary: "what changed between two reports; exit 1 on regressions (results that were OK or absent and are not OK now)",
  usage: `  hvabi diff OLD.json NEW.json [options]
  --format NAME     terminal (default) or markdown
  -o FILE           write there instead of standard output`,
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          format: { type: "string", default: "terminal" },
          output: { type: "string", short: "o" },
        },
      }),
    );
    if (positionals.length !== 2) throw new UsageError(`give two reports, the old then the new (got ${positionals.length})`);
    if (values.format !== "terminal" && values.format !== "markdown") throw new UsageError(`--format must be terminal or markdown, not "${values.format}"`);
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
      writeAtomically(values.output, text);
      process.stderr.write(`wrote ${values.output}\n`);
    }
    return diff.regressions > 0 ? EXIT.unexpected : EXIT.ok;
  },
};
