/**
 * What changed between two performance reports, measurement by measurement
 * (keyed by core name, then area or operation). A slowdown is a mean latency
 * that grew by more than the threshold (spec/data/performance.json, or
 * `--slowdown`) and by more than the two measurements' margins of error
 * together, so that noise alone is not called a slowdown.
 */
import type { PerfGroup, PerfReport } from "../spec/types/generated";
import { escapeMarkdown } from "./escape";
import { formatMs } from "./perf-table";

export interface PerfChange {
  core: string;
  kind: PerfGroup["kind"];
  name: string;
  beforeMs: number;
  afterMs: number;
  /** after / before − 1, in percent. */
  changePercent: number;
  slowdown: boolean;
}

export interface PerfDiff {
  thresholdPercent: number;
  changes: PerfChange[];
  slowdowns: number;
  /** Measurements in one report only, or without figures in one of them. */
  unmatched: string[];
}

const measured = (group: PerfGroup): group is PerfGroup & { meanMs: number; rmePercent: number } =>
  group.skipped === undefined && group.meanMs !== undefined && group.rmePercent !== undefined && group.meanMs > 0;

export function diffPerf(before: PerfReport, after: PerfReport, thresholdPercent: number): PerfDiff {
  const key = (core: string, group: PerfGroup): string => `${core}\t${group.kind}\t${group.name}`;
  const old = new Map<string, PerfGroup>();
  for (const { core, groups } of before.cores) for (const group of groups) if (measured(group)) old.set(key(core.name, group), group);
  const changes: PerfChange[] = [];
  const unmatched: string[] = [];
  for (const { core, groups } of after.cores) {
    for (const group of groups) {
      const previous = old.get(key(core.name, group));
      old.delete(key(core.name, group));
      if (!measured(group) || previous === undefined || !measured(previous)) {
        if (measured(group) || previous !== undefined) unmatched.push(`${core.name} ${group.kind} ${group.name}`);
        continue;
      }
      const changePercent = (group.meanMs / previous.meanMs - 1) * 100;
      const noise = (previous.meanMs * previous.rmePercent + group.meanMs * group.rmePercent) / 100;
      const slowdown = changePercent > thresholdPercent && group.meanMs - previous.meanMs > noise;
      changes.push({ core: core.name, kind: group.kind, name: group.name, beforeMs: previous.meanMs, afterMs: group.meanMs, changePercent, slowdown });
    }
  }
  for (const leftOver of old.keys()) unmatched.push(leftOver.split("\t").join(" "));
  return { thresholdPercent, changes, slowdowns: changes.filter((c) => c.slowdown).length, unmatched };
}

const MAX_UNMATCHED_LISTED = 8;

const signed = (percent: number): string => `${percent >= 0 ? "+" : ""}${percent.toFixed(1)}%`;

function lines(diff: PerfDiff, names: { before: string; after: string }): { title: string; rows: string[][]; footer: string[] } {
  const rows = diff.changes
    .filter((c) => c.slowdown || Math.abs(c.changePercent) > diff.thresholdPercent)
    .sort((a, b) => b.changePercent - a.changePercent)
    .map((c) => [c.slowdown ? "SLOWER" : c.changePercent > 0 ? "slower (within noise)" : "faster", `${c.core} ${c.kind} ${c.name}`, formatMs(c.beforeMs), formatMs(c.afterMs), signed(c.changePercent)]);
  const title = `performance: ${names.before} → ${names.after}: ${diff.slowdowns} slowdown${diff.slowdowns === 1 ? "" : "s"} beyond ${diff.thresholdPercent}% of mean latency (${diff.changes.length} measurements compared)`;
  const listed = diff.unmatched.slice(0, MAX_UNMATCHED_LISTED).join(", ");
  const more = diff.unmatched.length > MAX_UNMATCHED_LISTED ? `, … (${diff.unmatched.length - MAX_UNMATCHED_LISTED} more)` : "";
  const footer = diff.unmatched.length > 0 ? [`${diff.unmatched.length} measurement(s) not compared (in one report only, or not measured in one): ${listed}${more}`] : [];
  return { title, rows, footer };
}

export function renderPerfDiffTerminal(diff: PerfDiff, names: { before: string; after: string }): string {
  const { title, rows, footer } = lines(diff, names);
  const table = [["", "measurement", "before", "after", "change"], ...rows];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const body = rows.length === 0 ? [] : table.map((row) => row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd());
  return `${[title, ...(body.length > 0 ? ["", ...body] : []), ...footer].join("\n")}\n`;
}

export function renderPerfDiffMarkdown(diff: PerfDiff, names: { before: string; after: string }): string {
  const { title, rows, footer } = lines(diff, names);
  const table = rows.length === 0 ? [] : ["", "| | measurement | before | after | change |", "|---|---|--:|--:|--:|", ...rows.map((row) => `| ${row.map(escapeMarkdown).join(" | ")} |`)];
  return `${[`### ${diff.slowdowns > 0 ? "❌" : "✅"} ${escapeMarkdown(title)}`, ...table, ...footer.map((f) => `\n${escapeMarkdown(f)}`)].join("\n")}\n`;
}
