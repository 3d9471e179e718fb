/** Words for a baseline verdict, shared by the terminal, Markdown and annotation formats. */
import type { GateVerdict, UnexpectedResult } from "./baseline";
import { describeEntry, describeResult } from "./baseline";
import { shortReason } from "./failure-text";

export const UNEXPECTED_TITLE: Record<UnexpectedResult["kind"], string> = {
  "new-failure": "new failure",
  "unexpected-pass": "unexpected pass",
  changed: "changed outcome",
};

/** The case (and profile) the unexpected result is about. */
export function unexpectedSubject(item: UnexpectedResult): string {
  return item.entry !== undefined && item.kind === "unexpected-pass" ? describeEntry(item.entry) : describeResult(item.result);
}

/** One sentence: what happened and what to do about it. */
export function unexpectedMessage(item: UnexpectedResult): string {
  const entry = item.entry;
  switch (item.kind) {
    case "new-failure":
      return `${item.result.status}: ${shortReason(item.result)} (not in the baseline)`;
    case "unexpected-pass":
      return entry !== undefined && entry.profile === null && item.result.profile !== null
        ? `the baseline expects ${entry.status} for the case file (${entry.reason}) but it now loads and runs: take the entry out of the baseline (--update-baseline)`
        : `the baseline expects ${entry?.status ?? "a failure"} (${entry?.reason ?? "no reason"}) but the case passes: take the entry out of the baseline (--update-baseline)`;
    case "changed":
      return `the baseline expects ${entry?.status ?? "another status"} (${entry?.reason ?? "no reason"}) but the result is ${item.result.status}: ${shortReason(item.result)}`;
  }
}

/** The verdict in one line. */
export function gateSummary(verdict: GateVerdict): string {
  const counted = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  const parts = [counted(verdict.expected.length, "expected result")];
  if (verdict.stale.length > 0) parts.push(counted(verdict.stale.length, "stale entry", "stale entries"));
  if (verdict.revised.length > 0) parts.push(counted(verdict.revised.length, "edited case", "edited cases"));
  if (verdict.unjudged.length > 0) parts.push(counted(verdict.unjudged.length, "entry not judged", "entries not judged"));
  return verdict.ok
    ? `as expected: ${parts.join(", ")}, no unexpected result`
    : `${counted(verdict.unexpected.length, "unexpected result")} (${(["new-failure", "unexpected-pass", "changed"] as const)
        .map((kind) => [kind, verdict.unexpected.filter((u) => u.kind === kind).length] as const)
        .filter(([, n]) => n > 0)
        .map(([kind, n]) => counted(n, UNEXPECTED_TITLE[kind], kind === "unexpected-pass" ? "unexpected passes" : undefined))
        .join(", ")}); ${parts.join(", ")}`;
}
