/**
 * What changed between two reports, result by result (keyed by case id and
 * profile; a file without a readable id by its path). A regression is a
 * result that is not OK now and was OK (a pass or a skip) or absent before.
 */
import type { CaseResult, Report } from "../spec/types/generated";

export type ChangeKind = "newly-failing" | "newly-passing" | "changed" | "added" | "removed";

export interface ResultChange {
  kind: ChangeKind;
  /** The result in the old report (absent for an added case). */
  before?: CaseResult;
  /** The result in the new report (absent for a removed case). */
  after?: CaseResult;
  /** A change that fails the diff: newly failing, or added and not OK. */
  regression: boolean;
}

export interface ReportDiff {
  changes: ResultChange[];
  /** Results present in both with the same status and reason. */
  unchanged: number;
  regressions: number;
}

const isOk = (result: CaseResult): boolean => result.status === "pass" || result.status === "skip";

/** A stable key for one result: its case id and profile, or the file when the case has no readable id. */
export function diffKey(result: CaseResult): string {
  return JSON.stringify(result.id === null ? ["file", result.file, result.profile] : ["id", result.id, result.profile]);
}

function index(report: Report): Map<string, CaseResult> {
  const byKey = new Map<string, CaseResult>();
  for (const result of report.results) if (!byKey.has(diffKey(result))) byKey.set(diffKey(result), result);
  return byKey;
}

function classify(before: CaseResult, after: CaseResult): ChangeKind | undefined {
  if (before.status === after.status) {
    // A pass is a pass; a failure that now fails differently is a changed outcome.
    return before.status === "pass" || (before.reason ?? "") === (after.reason ?? "") ? undefined : "changed";
  }
  if (after.status === "pass" && !isOk(before)) return "newly-passing";
  if (isOk(before) && !isOk(after)) return "newly-failing";
  return "changed";
}

export function diffReports(before: Report, after: Report): ReportDiff {
  const old = index(before);
  const now = index(after);
  const changes: ResultChange[] = [];
  let unchanged = 0;
  for (const [key, result] of now) {
    const previous = old.get(key);
    if (previous === undefined) {
      changes.push({ kind: "added", after: result, regression: !isOk(result) });
      continue;
    }
    const kind = classify(previous, result);
    if (kind === undefined) unchanged++;
    else changes.push({ kind, before: previous, after: result, regression: kind === "newly-failing" });
  }
  for (const [key, result] of old) if (!now.has(key)) changes.push({ kind: "removed", before: result, regression: false });
  return { changes, unchanged, regressions: changes.filter((change) => change.regression).length };
}
