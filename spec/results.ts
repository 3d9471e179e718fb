/**
 * What report.json's results mean beyond their schema (spec/report.schema.json):
 * the counts per status, the verdict `ok`, and the order of results. The runner
 * that writes reports and the reports that read and merge them share it.
 */
import type { CaseResult, Counts } from "./types/generated";

export function emptyCounts(): Counts {
  return { total: 0, pass: 0, fail: 0, error: 0, "core-error": 0, crash: 0, timeout: 0, skip: 0 };
}

export function countResults(results: readonly CaseResult[]): Counts {
  const counts = emptyCounts();
  for (const result of results) {
    counts.total++;
    counts[result.status]++;
  }
  return counts;
}

/** Exit code 0 only when everything passed or was skipped with a declared reason. */
export const resultsOk = (counts: Counts): boolean => counts.total === counts.pass + counts.skip;

/** File names in code-unit order, never the locale's. */
export const compareFileNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of results in a report: by file name, then by the position of the
 * profile in the case (-1 for a result tied to no profile). It depends on
 * neither batching, worker threads nor sharding, so merged shards and parallel
 * runs line up with a plain run.
 */
export function compareResultOrder(a: { file: string; rank: number }, b: { file: string; rank: number }): number {
  return a.file !== b.file ? compareFileNames(a.file, b.file) : a.rank - b.rank;
}
