/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * What `hvabi run`, `hvabi report` and `hvabi bench` share: asking for output
 * formats (the formats themselves are the table in reports/formats.ts),
 * writing them, and judging a report against a baseline. Modules are required
 * only when asked for.
 */
import { join } from "node:path";
import type { Baseline, Report } from "../../spec/types/generated";
import { writeFileAtomically } from "../../lib/atomic-file";
import type { GateVerdict } from "../../reports/baseline";
import type { ConformanceView, FormatDocument, ReportFormat } from "../../reports/formats";
import type { LabelledReport } from "../../reports/labels";
import { EXIT, UsageError } from "./common";

export interface FormatRequest {
  format: ReportFormat;
  /** Undefined: standard output. */
  file?: string;
}

/** What a command adds to the conformance reports it renders. */
export type RenderContext = Omit<ConformanceView, "reports">;

/**
 * Parses repeated `--format NAME[=FILE]` for one document. With `reportDir`,
 * a format named without a file goes to its default file in that folder (or
 * to standard output when it has none).
 */
export function parseFormats(values: readonly string[] | undefined, document: "conformance" | "performance", reportDir?: string): FormatRequest[] {
  const { formatsFor } = require("../../reports/formats") as typeof import("../../reports/formats");
  const formats = formatsFor(document);
  return (values ?? []).map((value) => {
    const at = value.indexOf("=");
    const name = at < 0 ? value : value.slice(0, at);
    const file = at < 0 ? undefined : value.slice(at + 1);
    const format = formats.find((candidate) => candidate.name === name);
    if (format === undefined) throw new UsageError(`--format ${value}: the format must be one of ${formats.map((candidate) => candidate.name).join(", ")}`);
    if (file === "") throw new UsageError(`--format ${value}: give a file after "=", or leave out "=" for the default`);
    const defaultFile = format[document]?.defaultFile;
    const place = file ?? (reportDir === undefined || defaultFile === undefined ? undefined : join(reportDir, defaultFile));
    return { format, ...(place === undefined ? {} : { file: place }) };
  });
}

/** Writes `text` to the request's file, or to standard output; returns the file written, if any. */
function emit(request: FormatRequest, text: string): string | undefined {
  if (request.file === undefined) {
    process.stdout.write(text);
    return undefined;
  }
  writeFileAtomically(request.file, text);
  return request.file;
}

/** Renders conformance reports in every requested format; files are written, the rest go to standard output. Returns the files written. */
export function emitFormats(requests: readonly FormatRequest[], reports: readonly LabelledReport[], context: RenderContext): string[] {
  return requests.flatMap((request) => emit(request, request.format.conformance!.render({ ...context, reports })) ?? []);
}

/** Renders a performance report in every requested format. Returns the files written. */
export function emitPerfFormats(requests: readonly FormatRequest[], perf: NonNullable<RenderContext["perf"]>): string[] {
  return requests.flatMap((request) => emit(request, request.format.performance!.render(perf)) ?? []);
}

/** The names of the formats rendering `document`, as a sentence's list, for usage texts. */
export function formatNames(document: FormatDocument): string {
  const { formatNameList, formatsFor } = require("../../reports/formats") as typeof import("../../reports/formats");
  return formatNameList(formatsFor(document));
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
