/** What every consumer of results shares: counting them, the verdict, and their order in a report. */
import type { CaseResult, Counts } from "../spec/types/generated";

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

/**
 * One copy of each string and list of strings that recur across results
 * (profiles, areas, polarities, clause lists, the titles a generated corpus
 * repeats): a run of a hundred thousand cases parses them from every file,
 * and keeps every result.
 */
export class SharedStrings {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();

  string<T extends string>(value: T): T {
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  list(values: string[]): string[] {
    const key = values.join("\n");
    const known = this.lists.get(key);
    if (known !== undefined) return known;
    const shared = values.map((value) => this.string(value));
    this.lists.set(key, shared);
    return shared;
  }

  /** Gives a result the shared copies of its recurring strings (its key order stays). */
  result(result: CaseResult): CaseResult {
    if (result.profile !== null) result.profile = this.string(result.profile);
    if (result.area !== null) result.area = this.string(result.area);
    if (result.clauses !== undefined) result.clauses = this.list(result.clauses);
    if (result.polarity !== undefined) result.polarity = this.string(result.polarity);
    if (result.title !== undefined) result.title = this.string(result.title);
    return result;
  }
}
