/** report.json: written atomically, validated against spec/report.schema.json before it is trusted. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { writeFileAtomically } from "../lib/atomic-file";
import type { Report } from "../spec/types/generated";
import { validator } from "../spec/validation/validators";
import { countResults, resultsOk } from "../spec/results";

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
  writeFileAtomically(target, reportText(report));
  return target;
}

/** Characters of report text gathered before each write: small enough to be short-lived garbage, never a large object. */
const WRITE_CHUNK = 1 << 16;

/**
 * The text of `JSON.stringify(report, null, 1)` and a final newline, in
 * pieces: the results are written a few at a time, so a report of a hundred
 * thousand results never exists as one string.
 */
export function* reportText(report: Report): Generator<string> {
  const MARK = '\n "results": []';
  const frame = JSON.stringify({ ...report, results: [] }, null, 1);
  const at = frame.indexOf(MARK);
  if (at < 0) throw new Error("internal error: the report has no results member");
  if (report.results.length === 0) {
    yield `${frame}\n`;
    return;
  }
  let piece = `${frame.slice(0, at)}\n "results": [`;
  for (let index = 0; index < report.results.length; index++) {
    // Each result sits two levels deep: indent its lines by two spaces, as JSON.stringify would.
    piece += `${index === 0 ? "" : ","}\n  ${JSON.stringify(report.results[index], null, 1).replace(/\n/g, "\n  ")}`;
    if (piece.length >= WRITE_CHUNK) {
      yield piece;
      piece = "";
    }
  }
  yield `${piece}\n ]${frame.slice(at + MARK.length)}\n`;
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
