/** The performance report in a terminal and in Markdown, cores side by side (perf-table.ts). */
import type { PerfReport } from "../spec/types/generated";
import { defuseWorkflowCommands, escapeMarkdown } from "./escape";
import { PERF_NOTE, perfCircumstances, perfNotes, perfTable, type PerfTable } from "./perf-table";

const FIGURES = ["cases/s", "ops/s", "mean", "p99", "n"] as const;

function grid(table: PerfTable): string[][] {
  const head = ["", "cases", ...table.columns.flatMap((column, i) => [...FIGURES.map((f) => (f === "cases/s" ? `${column.label} ${f}` : f)), ...(i > 0 ? ["ratio"] : [])])];
  const rows = table.rows.map((row) => [
    `${row.kind} ${row.name}`,
    String(row.inputs),
    ...row.cells.flatMap((cell, i) => [cell.casesPerSecond, cell.operationsPerSecond, cell.meanMs, cell.p99Ms, cell.samples, ...(i > 0 ? [cell.ratio] : [])]),
  ]);
  return [head, ...rows];
}


export function renderPerfTerminal(perf: PerfReport): string {
  const table = perfTable(perf);
  const cells = grid(table);
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const lines = cells.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd());
  return defuseWorkflowCommands([perfCircumstances(perf), "", ...lines, "", ...perfNotes(table).map((n) => `note: ${n}`), PERF_NOTE, ""].join("\n"));
}

/** A Markdown section (heading level `###` by default) for a step summary or a pull-request comment. */
export function renderPerfMarkdown(perf: PerfReport, heading = "###"): string {
  const table = perfTable(perf);
  const [head, ...rows] = grid(table);
  const lines = [
    `${heading} Performance`,
    "",
    escapeMarkdown(perfCircumstances(perf)),
    "",
    `| ${head!.map(escapeMarkdown).join(" | ")} |`,
    `|---|${head!.slice(1).map(() => "--:").join("|")}|`,
    ...rows.map((row) => `| ${row.map(escapeMarkdown).join(" | ")} |`),
    "",
    ...perfNotes(table).map((n) => `- ${escapeMarkdown(n)}`),
    ...(perfNotes(table).length > 0 ? [""] : []),
    escapeMarkdown(PERF_NOTE),
  ];
  return `${lines.join("\n")}\n`;
}
