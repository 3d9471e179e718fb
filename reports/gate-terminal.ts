/** A baseline verdict for the terminal: every unexpected result, stale entries, then one verdict line. */
import { createColors } from "picocolors";
import type { GateVerdict } from "./baseline";
import { describeEntry } from "./baseline";
import { defuseWorkflowCommands } from "./escape";
import { gateSummary, UNEXPECTED_TITLE, unexpectedMessage, unexpectedSubject } from "./gate-text";

const MAX_UNJUDGED_LISTED = 5;

export function renderGateTerminal(verdict: GateVerdict, baselinePath: string, options: { color: boolean }): string {
  const c = createColors(options.color);
  const lines = [c.bold(`baseline ${baselinePath}`)];
  for (const item of verdict.unexpected) {
    lines.push(`${c.red(UNEXPECTED_TITLE[item.kind].toUpperCase().padEnd(16))} ${unexpectedSubject(item)}  ${c.dim(item.result.file)}`);
    lines.push(`                 ${unexpectedMessage(item)}`);
  }
  for (const { entry, why } of verdict.stale) lines.push(`${c.yellow("STALE ENTRY".padEnd(16))} ${describeEntry(entry)}: ${why} (--update-baseline removes it)`);
  for (const { entry } of verdict.revised) lines.push(`${c.yellow("CASE EDITED".padEnd(16))} ${describeEntry(entry)}: still ${entry.status}, but the case changed since the entry was recorded; re-check its reason (--update-baseline records the new hash)`);
  // A shard leaves most entries unjudged: past a few, count them by reason instead of listing each.
  if (verdict.unjudged.length <= MAX_UNJUDGED_LISTED) {
    for (const { entry, why } of verdict.unjudged) lines.push(`${c.dim("NOT JUDGED".padEnd(16))} ${describeEntry(entry)}: ${why}`);
  } else {
    const byReason = new Map<string, number>();
    for (const { why } of verdict.unjudged) byReason.set(why, (byReason.get(why) ?? 0) + 1);
    for (const [why, n] of byReason) lines.push(`${c.dim("NOT JUDGED".padEnd(16))} ${n} entries: ${why}`);
  }
  lines.push(verdict.ok ? c.green(c.bold(gateSummary(verdict))) : c.red(c.bold(gateSummary(verdict))));
  return defuseWorkflowCommands(`${lines.join("\n")}\n`);
}
