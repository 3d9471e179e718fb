/** A report diff as terminal text or Markdown: regressions first, then every other change by kind. */
import { createColors } from "picocolors";
import type { CaseResult } from "../spec/types/generated";
import { describeResult } from "./baseline";
import type { ChangeKind, ReportDiff, ResultChange } from "./diff";
import { escapeMarkdown } from "./escape";
import { shortReason } from "./failure-text";

export const CHANGE_ORDER: readonly ChangeKind[] = ["newly-failing", "added", "changed", "newly-passing", "removed"];

export const CHANGE_TITLE: Record<ChangeKind, string> = {
  "newly-failing": "newly failing",
  "newly-passing": "newly passing",
  changed: "changed outcome",
  added: "added",
  removed: "removed",
};

const subject = (change: ResultChange): CaseResult => (change.after ?? change.before)!;

function transition(change: ResultChange): string {
  if (change.before === undefined) return `new: ${change.after!.status}`;
  if (change.after === undefined) return `was ${change.before.status}`;
  return `${change.before.status} → ${change.after.status}`;
}

/** Why the result is what it is now (or was, for a removed case), when that is worth a line. */
function detail(change: ResultChange): string | undefined {
  const result = change.after ?? change.before!;
  return result.status === "pass" ? undefined : shortReason(result);
}

export function diffSummary(diff: ReportDiff): string {
  const counts = CHANGE_ORDER.map((kind) => [kind, diff.changes.filter((c) => c.kind === kind).length] as const).filter(([, n]) => n > 0);
  const listed = counts.map(([kind, n]) => `${n} ${CHANGE_TITLE[kind]}`).join(", ");
  const verdict = diff.regressions > 0 ? `${diff.regressions} regression${diff.regressions === 1 ? "" : "s"}` : "no regression";
  return `${verdict}; ${listed || "no change"}; ${diff.unchanged} unchanged`;
}

export function renderDiffTerminal(diff: ReportDiff, names: { before: string; after: string }, options: { color: boolean }): string {
  const c = createColors(options.color);
  const paint: Record<ChangeKind, (s: string) => string> = {
    "newly-failing": c.red, added: c.cyan, changed: c.yellow, "newly-passing": c.green, removed: c.dim,
  };
  const lines = [c.bold(`hvabi diff ${names.before} → ${names.after}`)];
  for (const kind of CHANGE_ORDER) {
    for (const change of diff.changes.filter((ch) => ch.kind === kind)) {
      const mark = change.regression ? c.red(c.bold("REGRESSION ")) : "";
      lines.push(`${paint[kind](CHANGE_TITLE[kind].toUpperCase().padEnd(16))} ${mark}${describeResult(subject(change))} (${transition(change)})  ${c.dim(subject(change).file)}`);
      const why = detail(change);
      if (why !== undefined) lines.push(`                 ${why}`);
    }
  }
  lines.push(diff.regressions > 0 ? c.red(c.bold(diffSummary(diff))) : c.green(c.bold(diffSummary(diff))));
  return `${lines.join("\n")}\n`;
}

export function renderDiffMarkdown(diff: ReportDiff, names: { before: string; after: string }, options: { heading?: string; maxListed?: number } = {}): string {
  const max = options.maxListed ?? 50;
  const lines = [`${options.heading ?? "##"} hvabi diff: ${diff.regressions > 0 ? "❌" : "✅"} ${escapeMarkdown(diffSummary(diff))}`, ""];
  lines.push(`${escapeMarkdown(names.before)} → ${escapeMarkdown(names.after)}`, "");
  for (const kind of CHANGE_ORDER) {
    const changes = diff.changes.filter((ch) => ch.kind === kind);
    if (changes.length === 0) continue;
    lines.push(`**${CHANGE_TITLE[kind]}** (${changes.length})`, "");
    for (const change of changes.slice(0, max)) {
      const why = detail(change);
      lines.push(`- ${change.regression ? "**regression** " : ""}${escapeMarkdown(describeResult(subject(change)))}: ${escapeMarkdown(transition(change))}${why === undefined ? "" : ` — ${escapeMarkdown(why)}`}`);
    }
    if (changes.length > max) lines.push(`- … and ${changes.length - max} more`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
