/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * What `hvabi run` and `hvabi report` share: the output formats derived from
 * report.json, and judging a report against a baseline. Format modules are
 * required only when asked for.
 */
import { writeFileAtomically } from "../../lib/atomic-file";
import type { Baseline, PerfReport, Report } from "../../spec/types/generated";
import type { GateVerdict } from "../../reports/baseline";
import type { ReportDiff } from "../../reports/diff";
import type { LabelledReport } from "../../reports/labels";
import { EXIT, UsageError } from "./common";

export const FORMATS = ["terminal", "junit", "markdown", "github", "html"] as const;
export type Format = (typeof FORMATS)[number];

/** Where `hvabi run` writes a format given without a file: inside --report-dir, except those meant for the log. */
export const DEFAULT_FILE: Record<Format, string | undefined> = {
  terminal: undefined,
  github: undefined,
  junit: "junit.xml",
  markdown: "summary.md",
  html: "report.html",
};

export interface FormatRequest {
  format: Format;
  /** Undefined: standard output. */
  file?: string;
}

/** Parses repeated `--format NAME[=FILE]`. */
export function parseFormats(values: readonly string[] | undefined): FormatRequest[] {
  return (values ?? []).map((value) => {
    const at = value.indexOf("=");
    const name = at < 0 ? value : value.slice(0, at);
    const file = at < 0 ? undefined : value.slice(at + 1);
    if (!(FORMATS as readonly string[]).includes(name)) throw new UsageError(`--format ${value}: the format must be one of ${FORMATS.join(", ")}`);
    if (file === "") throw new UsageError(`--format ${value}: give a file after "=", or leave out "=" for the default`);
    return { format: name as Format, ...(file === undefined ? {} : { file }) };
  });
}

export interface RenderContext {
  gate?: { verdict: GateVerdict; baseline: string };
  previous?: { diff: ReportDiff; source: string };
  /** A performance report (`hvabi bench`) to show with the conformance reports. */
  perf?: PerfReport;
  color: boolean;
}

export function renderFormat(format: Format, reports: readonly LabelledReport[], context: RenderContext): string {
  switch (format) {
    case "terminal": {
      const { renderTerminal } = require("../../reports/terminal") as typeof import("../../reports/terminal");
      const { renderGateTerminal } = require("../../reports/gate-terminal") as typeof import("../../reports/gate-terminal");
      const { renderDiffTerminal } = require("../../reports/diff-render") as typeof import("../../reports/diff-render");
      const parts = reports.map(({ report }) => renderTerminal(report, { color: context.color }));
      if (context.previous) parts.push(renderDiffTerminal(context.previous.diff, { before: context.previous.source, after: reports.map((r) => r.source).join(", ") }, { color: context.color }));
      if (context.gate) parts.push(renderGateTerminal(context.gate.verdict, context.gate.baseline, { color: context.color }));
      if (context.perf) parts.push((require("../../reports/perf-render") as typeof import("../../reports/perf-render")).renderPerfTerminal(context.perf));
      return parts.join("\n");
    }
    case "junit":
      return (require("../../reports/junit") as typeof import("../../reports/junit")).renderJUnit(reports);
    case "markdown": {
      const text = (require("../../reports/markdown") as typeof import("../../reports/markdown")).renderMarkdown(reports, context);
      if (!context.perf) return text;
      return `${text}\n${(require("../../reports/perf-render") as typeof import("../../reports/perf-render")).renderPerfMarkdown(context.perf)}`;
    }
    case "github":
      return (require("../../reports/github") as typeof import("../../reports/github")).renderGithub(reports, context);
    case "html": {
      const { renderHtml, htmlSpecFrom } = require("../../reports/html") as typeof import("../../reports/html");
      const { loadSpec } = require("../../spec") as typeof import("../../spec");
      return renderHtml(reports, htmlSpecFrom(loadSpec()), { ...(context.gate ? { gate: context.gate } : {}), ...(context.perf ? { perf: context.perf } : {}) });
    }
  }
}

/** Renders every requested format; files are written, the rest go to standard output. Returns the files written. */
export function emitFormats(requests: readonly FormatRequest[], reports: readonly LabelledReport[], context: RenderContext): string[] {
  const written: string[] = [];
  for (const request of requests) {
    const text = renderFormat(request.format, reports, context);
    if (request.file === undefined) process.stdout.write(text);
    else {
      writeFileAtomically(request.file, text);
      written.push(request.file);
    }
  }
  return written;
}

/** Reads report files for a command, or says which one is unusable. */
export function readReports(paths: readonly string[]): { source: string; report: Report }[] | string {
  const { readReport } = require("../../reports/json") as typeof import("../../reports/json");
  const reports: { source: string; report: Report }[] = [];
  for (const path of paths) {
    try {
      reports.push({ source: path, report: readReport(path) });
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
  return reports;
}

/** A problem with an input file the user named: said plainly, exit code 2, no usage dump. */
export function inputProblem(message: string): number {
  process.stderr.write(`hvabi: ${message}\n`);
  return EXIT.usage;
}

export interface BaselineRequest {
  path: string;
  update: boolean;
  /** The baseline as read before the run (undefined when --update-baseline creates it). */
  current?: Baseline;
}

/** Reads and checks the baseline before any work, so a bad file costs no run. */
export function prepareBaseline(path: string | undefined, update: boolean): BaselineRequest | undefined | string {
  if (path === undefined) {
    if (update) throw new UsageError("--update-baseline needs --baseline FILE (the file to write)");
    return undefined;
  }
  const { readBaseline, BaselineError } = require("../../reports/baseline") as typeof import("../../reports/baseline");
  const { existsSync } = require("node:fs") as typeof import("node:fs");
  if (update && !existsSync(path)) return { path, update };
  try {
    return { path, update, current: readBaseline(path) };
  } catch (error) {
    if (error instanceof BaselineError) return error.message;
    throw error;
  }
}

/** Judges the report against the baseline, first rewriting the baseline when asked. Returns the verdict, or a message why it cannot. */
export function judge(report: Report, request: BaselineRequest): { verdict: GateVerdict; note?: string } | string {
  const baselines = require("../../reports/baseline") as typeof import("../../reports/baseline");
  let baseline = request.current;
  let note: string | undefined;
  if (request.update) {
    try {
      const update = baselines.updateBaseline(report, request.current);
      baselines.writeBaseline(request.path, update.baseline);
      baseline = update.baseline;
      const list = (entries: readonly { id: string; profile: string | null }[]): string =>
        entries.length === 0 ? "" : `: ${entries.map(baselines.describeEntry).join(", ")}`;
      note = [
        `baseline ${request.path} updated: ${update.baseline.entries.length} entries`,
        `  added ${update.added.length}${list(update.added)}`,
        `  removed ${update.removed.length}${list(update.removed)}`,
        `  status changed ${update.changed.length}${list(update.changed)}`,
      ].join("\n");
    } catch (error) {
      if (error instanceof baselines.BaselineError) return error.message;
      throw error;
    }
  }
  return { verdict: baselines.judgeAgainstBaseline(report, baseline ?? { baselineVersion: 1, entries: [] }), ...(note ? { note } : {}) };
}
