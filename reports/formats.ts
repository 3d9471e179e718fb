/**
 * Every output format, once. A format renders what it can of four documents:
 * conformance reports (report.json, side by side: `hvabi run --format`,
 * `hvabi report --format`), a performance report (perf.json: `hvabi bench
 * --format`), and what changed between two of either (`hvabi diff --format`).
 * The commands list, check and default formats from this table alone, so a
 * new format is its renderer module plus one entry here (docs/architecture.md,
 * "Add a report format").
 */
import type { PerfReport } from "../spec/types/generated";
import { loadSpec } from "../spec";
import type { GateVerdict } from "./baseline";
import { bitSpecFrom } from "./bits";
import type { ReportDiff } from "./diff";
import { renderDiffMarkdown, renderDiffTerminal } from "./diff-render";
import { renderGateTerminal } from "./gate-terminal";
import { defuseWorkflowCommands } from "./escape";
import { renderGithub } from "./github";
import { htmlSpecFrom, renderHtml, renderPerfHtml } from "./html";
import { renderJUnit } from "./junit";
import type { LabelledReport } from "./labels";
import { renderMarkdown } from "./markdown";
import { renderPerfDiffMarkdown, renderPerfDiffTerminal, type PerfDiff } from "./perf-diff";
import { renderPerfMarkdown, renderPerfTerminal } from "./perf-render";
import { renderTerminal } from "./terminal";

/** What a conformance format is given: the reports, and what the command adds to them. */
export interface ConformanceView {
  reports: readonly LabelledReport[];
  /** The verdict against a baseline (--baseline). */
  gate?: { verdict: GateVerdict; baseline: string };
  /** What changed since an older report (hvabi report --previous). */
  previous?: { diff: ReportDiff; source: string };
  /** A performance report (hvabi bench) to show with the conformance reports. */
  perf?: PerfReport;
  /** Whether terminal output may use colour. */
  color: boolean;
}

/** What changed between two documents, and the names to call them by. */
export interface DiffView<Diff> {
  diff: Diff;
  names: { before: string; after: string };
  color: boolean;
}

/** One document a format renders, and where `hvabi run` or `hvabi bench` writes it in the report folder when --format names no file. */
export interface FormatRendering<Input> {
  /** Undefined: standard output (output meant for a log or a terminal). */
  readonly defaultFile?: string;
  render(input: Input): string;
}

export interface ReportFormat {
  /** The name --format takes. */
  readonly name: string;
  /** Conformance reports (hvabi run, hvabi report). */
  readonly conformance?: FormatRendering<ConformanceView>;
  /** A performance report alone (hvabi bench). */
  readonly performance?: FormatRendering<PerfReport>;
  /** What changed between two report.json (hvabi diff). */
  readonly reportDiff?: (view: DiffView<ReportDiff>) => string;
  /** What changed between two perf.json (hvabi diff). */
  readonly perfDiff?: (view: DiffView<PerfDiff>) => string;
}

/** The format `hvabi run` always prints, and `hvabi report` prints when no other is asked for. */
export const TERMINAL_FORMAT = "terminal";

/**
 * A format whose text may reach a GitHub Actions log with no line a workflow
 * command (escape.ts): every format but the GitHub annotations, whose
 * commands are hvabi's own.
 */
function defused(format: ReportFormat): ReportFormat {
  const wrap = <Input>(rendering: FormatRendering<Input> | undefined): FormatRendering<Input> | undefined =>
    rendering && { ...rendering, render: (input: Input) => defuseWorkflowCommands(rendering.render(input)) };
  const conformance = wrap(format.conformance);
  const performance = wrap(format.performance);
  const { reportDiff, perfDiff } = format;
  return {
    name: format.name,
    ...(conformance ? { conformance } : {}),
    ...(performance ? { performance } : {}),
    ...(reportDiff ? { reportDiff: (view: DiffView<ReportDiff>) => defuseWorkflowCommands(reportDiff(view)) } : {}),
    ...(perfDiff ? { perfDiff: (view: DiffView<PerfDiff>) => defuseWorkflowCommands(perfDiff(view)) } : {}),
  };
}

/** In the order usage texts list them. */
export const REPORT_FORMATS: readonly ReportFormat[] = [
  defused({
    name: TERMINAL_FORMAT,
    conformance: {
      render({ reports, previous, gate, perf, color }) {
        const parts = reports.map(({ report }) => renderTerminal(report, { color }));
        if (previous) parts.push(renderDiffTerminal(previous.diff, { before: previous.source, after: reports.map((r) => r.source).join(", ") }, { color }));
        if (gate) parts.push(renderGateTerminal(gate.verdict, gate.baseline, { color }));
        if (perf) parts.push(renderPerfTerminal(perf));
        return parts.join("\n");
      },
    },
    reportDiff: ({ diff, names, color }) => renderDiffTerminal(diff, names, { color }),
    perfDiff: ({ diff, names }) => renderPerfDiffTerminal(diff, names),
  }),
  defused({
    name: "junit",
    conformance: { defaultFile: "junit.xml", render: ({ reports }) => renderJUnit(reports) },
  }),
  defused({
    name: "markdown",
    conformance: {
      defaultFile: "summary.md",
      render(view) {
        const text = renderMarkdown(view.reports, { ...view, ...(view.reports.length > 1 ? { bits: bitSpecFrom(loadSpec()) } : {}) });
        return view.perf ? `${text}\n${renderPerfMarkdown(view.perf)}` : text;
      },
    },
    performance: { defaultFile: "perf.md", render: (perf) => renderPerfMarkdown(perf, "##") },
    reportDiff: ({ diff, names }) => renderDiffMarkdown(diff, names),
    perfDiff: ({ diff, names }) => renderPerfDiffMarkdown(diff, names),
  }),
  {
    name: "github",
    conformance: { render: ({ reports, gate }) => renderGithub(reports, gate ? { gate } : {}) },
  },
  defused({
    name: "html",
    conformance: {
      defaultFile: "report.html",
      render: ({ reports, gate, perf }) => renderHtml(reports, htmlSpecFrom(loadSpec()), { ...(gate ? { gate } : {}), ...(perf ? { perf } : {}) }),
    },
    performance: { defaultFile: "perf.html", render: renderPerfHtml },
  }),
];

/** The documents a format may render, by the member of {@link ReportFormat} that renders each. */
export type FormatDocument = "conformance" | "performance" | "reportDiff" | "perfDiff";

/** The formats that render `document`, in table order. */
export function formatsFor(document: FormatDocument, formats: readonly ReportFormat[] = REPORT_FORMATS): ReportFormat[] {
  return formats.filter((format) => format[document] !== undefined);
}

/** Names as a sentence's list: `junit, markdown or html`. */
export function formatNameList(formats: readonly ReportFormat[]): string {
  const names = formats.map((format) => format.name);
  return names.length < 2 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}
