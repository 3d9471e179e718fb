/** Sharing the strings that recur across a run's results, so a large run keeps one copy of each. */
import type { CaseResult } from "../spec/types/generated";

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
