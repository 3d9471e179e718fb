/**
 * Names for reports shown side by side: the core and its version, made
 * unique with the file name where two agree. Reports of one core that share
 * no result (one run per area, or per profile) are one column: their results
 * joined, their counts and verdict recomputed.
 */
import { basename } from "node:path";
import type { CaseResult, Report } from "../spec/types/generated";
import { compareFileNames, countResults, resultsOk } from "../spec/results";
import { diffKey } from "./diff";

/**
 * A result's profile in words: `xen-4.22`, or for a case that applies only
 * through the profile's `basedOn`, `xen-4.17 (from xen-4.22)` — its
 * expectations are the base's unless the case gives the profile its own.
 */
export function profileLabel(result: Pick<CaseResult, "profile" | "inheritedFrom">): string {
  if (result.profile === null) return "";
  return result.inheritedFrom === undefined ? result.profile : `${result.profile} (from ${result.inheritedFrom})`;
}

export interface LabelledReport {
  /** Short column heading, unique among the reports given together. */
  label: string;
  /** The core's name where no other column has the same, else the label: for narrow column headings. */
  short: string;
  /** Where the report came from (a file path, or several joined by " + "), for messages and tooltips. */
  source: string;
  report: Report;
}

interface ReportInput {
  source: string;
  report: Report;
}

const sameCore = (a: Report, b: Report): boolean => a.core.name === b.core.name && a.core.version === b.core.version;

/** One report of the results of several runs of one core that share no result. */
function joinReports(inputs: readonly ReportInput[]): ReportInput {
  if (inputs.length === 1) return inputs[0]!;
  const first = inputs[0]!.report;
  // In file order, as one run would list them (a stable sort keeps each file's profiles in order).
  const results = inputs.flatMap(({ report }) => report.results).sort((a, b) => compareFileNames(a.file, b.file));
  const counts = countResults(results);
  const profiles = inputs.some(({ report }) => report.run.profiles === null) ? null : [...new Set(inputs.flatMap(({ report }) => report.run.profiles ?? []))];
  const stderr = inputs.filter(({ report }) => report.coreStderr).map(({ source, report }) => `--- ${source} ---\n${report.coreStderr}`).join("\n");
  const report: Report = {
    ...first,
    run: {
      paths: [...new Set(inputs.flatMap(({ report }) => report.run.paths))],
      profiles,
      startedAt: inputs.map(({ report }) => report.run.startedAt).sort()[0]!,
      finishedAt: inputs.map(({ report }) => report.run.finishedAt).sort().at(-1)!,
      durationMs: inputs.reduce((sum, { report }) => sum + report.run.durationMs, 0),
    },
    counts,
    ok: resultsOk(counts),
    results,
  };
  delete report.coreStderr;
  if (stderr) report.coreStderr = stderr;
  return { source: inputs.map(({ source }) => source).join(" + "), report };
}

/**
 * Groups reports into columns, in the order given: a report joins an earlier
 * column of the same core (name and version) when the two have no result in
 * common (same case and profile); otherwise it is a column of its own, as two
 * versions of one run are.
 */
export function joinColumns(inputs: readonly ReportInput[]): ReportInput[] {
  const columns: { members: ReportInput[]; keys: Set<string> }[] = [];
  for (const input of inputs) {
    const keys = new Set(input.report.results.map(diffKey));
    const column = columns.find(({ members, keys: taken }) => sameCore(members[0]!.report, input.report) && ![...keys].some((key) => taken.has(key)));
    if (column === undefined) {
      columns.push({ members: [input], keys });
      continue;
    }
    column.members.push(input);
    for (const key of keys) column.keys.add(key);
  }
  return columns.map(({ members }) => joinReports(members));
}

export function labelReports(inputs: readonly ReportInput[]): LabelledReport[] {
  const columns = joinColumns(inputs);
  const base = columns.map(({ report }) => `${report.core.name} ${report.core.version}`);
  const labels = columns.map(({ source }, i) => (base.filter((b) => b === base[i]).length > 1 ? `${base[i]} (${basename(source)})` : base[i]!));
  // Same core and same file name (two folders' report.json): fall back to the position.
  const unique = labels.map((label, i) => (labels.filter((l) => l === label).length > 1 ? `${label} #${i + 1}` : label));
  const names = columns.map(({ report }) => report.core.name);
  return columns.map((column, i) => ({
    ...column,
    label: unique[i]!,
    short: names.filter((name) => name === names[i]).length > 1 ? unique[i]! : names[i]!,
  }));
}
