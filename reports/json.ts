/** report.json: written atomically, validated against spec/report.schema.json before it is trusted. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { Report } from "../spec/types/generated";
import { validator } from "../runner/validators";
import { countResults, resultsOk } from "../runner/run";

export const REPORT_FILE = "report.json";

export function reportProblems(data: unknown): string[] {
  const validate = validator("report");
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword}`);
}

export function writeReport(dir: string, report: Report): string {
  return writeReportFile(join(dir, REPORT_FILE), report);
}

/** Writes a report to exactly this path (validated, atomically). */
export function writeReportFile(target: string, report: Report): string {
  const problems = reportProblems(report);
  if (problems.length > 0) throw new Error(`internal error: the report does not match spec/report.schema.json: ${problems.slice(0, 5).join("; ")}`);
  mkdirSync(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${REPORT_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(report, null, 1)}\n`);
  renameSync(temporary, target);
  return target;
}

/** Reads a report, refusing anything that is not a valid hvabi report. */
export function readReport(path: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
  const problems = reportProblems(data);
  if (problems.length > 0) throw new Error(`${path}: not a valid hvabi report: ${problems.slice(0, 5).join("; ")}`);
  const report = data as Report;
  // Formats show the counts and the verdict: a report whose results say otherwise would make them lie.
  const counts = countResults(report.results);
  if (!isDeepStrictEqual(counts, report.counts) || report.ok !== resultsOk(counts)) {
    throw new Error(`${path}: its counts or verdict do not match its results (the results count ${JSON.stringify(counts)}); was it edited by hand?`);
  }
  return report;
}
