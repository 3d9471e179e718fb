/** The terminal summary of a report: counts per area, then every result that is not a pass. Colour only on a TTY. */
import { createColors } from "picocolors";
import type { CaseResult, Report, Status } from "../spec/types/generated";
import { defuseWorkflowCommands } from "./escape";
import { profileLabel } from "./labels";

export interface TerminalOptions {
  color: boolean;
  /** Print at most this many non-pass results (the rest are counted). */
  maxListed?: number;
  /** List skips too (they are counted either way). */
  listSkips?: boolean;
}

export const STATUS_ORDER: readonly Status[] = ["pass", "fail", "error", "core-error", "crash", "timeout", "skip"];

export function shouldColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env);
}

function label(result: CaseResult): string {
  const name = result.id ?? result.file;
  return result.profile === null ? name : `${name} [${profileLabel(result)}]`;
}

export function renderTerminal(report: Report, options: TerminalOptions): string {
  const c = createColors(options.color);
  const paint: Record<Status, (s: string) => string> = {
    pass: c.green, fail: c.red, error: c.red, "core-error": c.magenta, crash: c.magenta, timeout: c.yellow, skip: c.dim,
  };
  const lines: string[] = [];
  lines.push(
    c.bold(`hvabi ${report.tool.version}`) +
      ` · core ${report.core.name} ${report.core.version} · ${report.counts.total} results in ${(report.run.durationMs / 1000).toFixed(2)} s`,
  );

  const byArea = new Map<string, Map<Status, number>>();
  for (const result of report.results) {
    const area = result.area ?? "(no area)";
    const counts = byArea.get(area) ?? new Map<Status, number>();
    counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
    byArea.set(area, counts);
  }
  const width = Math.max(8, ...[...byArea.keys()].map((a) => a.length));
  for (const [area, counts] of [...byArea].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const parts = STATUS_ORDER.filter((s) => counts.has(s)).map((s) => paint[s](`${counts.get(s)} ${s}`));
    lines.push(`  ${area.padEnd(width)}  ${parts.join(", ")}`);
  }

  const listed = report.results.filter((r) => r.status !== "pass" && (options.listSkips || r.status !== "skip"));
  const max = options.maxListed ?? 50;
  if (listed.length > 0) lines.push("");
  for (const result of listed.slice(0, max)) {
    const reason = (result.reason ?? "").split("\n");
    lines.push(`${paint[result.status](result.status.toUpperCase().padEnd(10))} ${label(result)}  ${c.dim(result.file)}`);
    for (const line of reason.slice(0, 6)) if (line) lines.push(`           ${line}`);
    if (reason.length > 6) lines.push(`           … ${reason.length - 6} more lines`);
  }
  if (listed.length > max) lines.push(c.dim(`… and ${listed.length - max} more (see report.json)`));

  lines.push("");
  const totals = STATUS_ORDER.filter((s) => report.counts[s] > 0).map((s) => paint[s](`${report.counts[s]} ${s}`));
  const verdict = report.ok ? c.green(c.bold("OK")) : c.red(c.bold("FAILED"));
  lines.push(`${verdict}  ${totals.join(" · ")} (total ${report.counts.total})`);
  // A core's reason may span lines; none may pass for a workflow command in a CI log.
  return defuseWorkflowCommands(`${lines.join("\n")}\n`);
}
