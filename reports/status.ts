/** How statuses rank when several results are summed up into one colour (a bit, a matrix cell). */
import type { Status } from "../spec/types/generated";

/**
 * Worst first. A pass outranks a skip: a bit whose clauses passed somewhere
 * and were skipped elsewhere was still shown to hold; a bit with only skips
 * was never tested.
 */
export const SEVERITY: readonly Status[] = ["crash", "timeout", "core-error", "error", "fail", "pass", "skip"];

/** The worst status present, or undefined when there are none. */
export function worstStatus(present: Iterable<Status>): Status | undefined {
  const seen = new Set(present);
  return SEVERITY.find((status) => seen.has(status));
}
