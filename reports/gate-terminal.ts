/** A baseline verdict for the terminal: every unexpected result, stale entries, then one verdict line. */
import { createColors } from "picocolors";
import type { GateVerdict } from "./baseline";
import { describeEntry } from "./baseline";
import { gateSummary, UNEXPECTED_TITLE, unexpectedMessage, unexpectedSubject } from "./gate-text";

export function renderGateTerminal(verdict: GateVerdict, baselinePath: string, options: { color: boolean }): string {
  const c = createColors(options.color);
  const lines = [c.bold(`baseline ${baselinePath}`)];
  for (const item of verdict.unexpected) {
    lines.push(`${c.red(UNEXPECTED_TITLE[item.kind].toUpperCase().padEnd(16))} ${unexpectedSubject(item)}  ${c.dim(item.result.file)}`);
    lines.push(`                 ${unexpectedMessage(item)}`);
  }
  for (const { entry, why } of verdict.stale) lines.push(`${c.yellow("STALE ENTRY".padEnd(16))} ${describeEntry(entry)}: ${why} (--update-baseline removes it)`);
  for (const { entry, why } of verdict.unjudged) lines.push(`${c.dim("NOT JUDGED".padEnd(16))} ${describeEntry(entry)}: ${why}`);
  lines.push(verdict.ok ? c.green(c.bold(gateSummary(verdict))) : c.red(c.bold(gateSummary(verdict))));
  return `${lines.join("\n")}\n`;
}
