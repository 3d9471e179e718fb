/**
 * Puts the outcomes of every lane into report order and settles what no lane
 * can know alone: which file first defined a case id that several files use.
 * The result does not depend on how the files were shared out among lanes.
 */
import type { CaseResult } from "../spec/types/generated";
import type { FileOutcome } from "./case-runner";
import { compareFileNames } from "../spec/results";

/** Results tied to no profile (an invalid or repeated file) come before a file's profile results. */
const firstRank = (outcome: FileOutcome): number => (outcome.results[0]?.profile === null ? -1 : 0);

function repeated(head: CaseResult, id: string, first: string): CaseResult {
  return {
    ...head,
    status: "error",
    reason: `${head.file}: duplicate case id "${id}" (first defined in ${first})`,
    problems: [{ pointer: "/id", message: `duplicate case id "${id}"`, found: `also in ${first}` }],
  };
}

/** The result a file that repeats an id gets (before its reason): kept by its lane, or made from one of its results. */
function headOf(outcome: FileOutcome): CaseResult | undefined {
  if (outcome.head !== undefined) return outcome.head;
  const from = outcome.results[0];
  if (from === undefined) return undefined;
  // The key order of a result tied to no profile (case-runner.ts, baseResult), so the report reads the same.
  return {
    id: from.id,
    profile: null,
    file: from.file,
    area: from.area,
    status: "pass",
    durationMs: 0,
    ...(from.title === undefined ? {} : { title: from.title }),
    ...(from.clauses === undefined ? {} : { clauses: from.clauses }),
    ...(outcome.side === undefined ? {} : { polarity: outcome.side }),
    ...(from.hash === undefined ? {} : { hash: from.hash }),
  };
}

/** Every result, by file name then by the position of the profile in the case. */
export function settleOutcomes(outcomes: FileOutcome[]): CaseResult[] {
  // A stable sort: a file given twice under two spellings keeps its discovery order.
  const ordered = outcomes.sort((a, b) => compareFileNames(a.file, b.file) || firstRank(a) - firstRank(b));
  const firstFile = new Map<string, string>();
  const results: CaseResult[] = [];
  for (const outcome of ordered) {
    if (outcome.id !== undefined) {
      const first = firstFile.get(outcome.id);
      if (first !== undefined) {
        const head = headOf(outcome);
        if (head !== undefined) results.push(repeated(head, outcome.id, first));
        continue;
      }
      firstFile.set(outcome.id, outcome.file);
    }
    for (const result of outcome.results) results.push(result);
  }
  return results;
}
