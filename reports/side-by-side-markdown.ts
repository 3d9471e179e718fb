/**
 * The side-by-side part of the Markdown summary (several reports): each
 * core's results per area, then each result where the cores disagree with
 * the values that differ and, for a register or an entry, the bits that
 * differ by name. Every string from a report is escaped (escapeMarkdown).
 */
import { describeBitDifference, EXPECTED_OWNER, type ValueOwner } from "./bits";
import { escapeMarkdown, markdownCode } from "./escape";
import { profileLabel, type LabelledReport } from "./labels";
import { ranShare, type ColumnSummary, type ComparedRow, type FieldComparison, type FieldValue, type SideBySide } from "./side-by-side";

const compact = (value: unknown): string => (value === undefined ? "none" : (JSON.stringify(value) ?? "undefined"));

function summaryCell(summary: ColumnSummary): string {
  if (summary.results === 0) return "·";
  const parts = (["pass", "fail", "error", "skip"] as const).filter((status) => summary[status] > 0).map((status) => `${summary[status]} ${status}`);
  return `${parts.join(", ")} · ran ${ranShare(summary)}`;
}

function summaryTable(sideBySide: SideBySide): string[] {
  const { columns } = sideBySide;
  const lines = [
    `| area | results | ${columns.map(({ short }) => escapeMarkdown(short)).join(" | ")} | disagree |`,
    `|---|--:|${columns.map(() => "---").join("|")}|--:|`,
  ];
  for (const line of sideBySide.summary) {
    const area = line.area === undefined ? "**all areas**" : escapeMarkdown(line.area);
    lines.push(`| ${area} | ${line.rows} | ${line.columns.map(summaryCell).join(" | ")} | ${line.disagreements > 0 ? line.disagreements : "·"} |`);
  }
  return lines;
}

function valueText(value: FieldValue): string {
  return value.kind === "observed" ? markdownCode(compact(value.value)) : `— _${escapeMarkdown(value.why)}_`;
}

function ownerOf(side: number | "expected", columns: readonly LabelledReport[]): ValueOwner {
  return side === "expected" ? EXPECTED_OWNER : { label: columns[side]!.short, kind: "core" };
}

function fieldLines(field: FieldComparison, columns: readonly LabelledReport[]): string[] {
  const values = [
    ...(field.expected === undefined ? [] : [`expected ${markdownCode(compact(field.expected.value))}`]),
    ...field.values.map((value, column) => `${escapeMarkdown(columns[column]!.short)} ${valueText(value)}`),
  ];
  const lines = [`    - ${markdownCode(field.field)}: ${values.join("; ")}`];
  for (const pair of field.bits?.pairs ?? []) {
    for (const difference of pair.differences) {
      lines.push(`      - ${escapeMarkdown(describeBitDifference(difference, ownerOf(pair.a, columns), ownerOf(pair.b, columns)))}`);
    }
  }
  return lines;
}

function disagreementLines(row: ComparedRow, columns: readonly LabelledReport[]): string[] {
  const statuses = columns.map(({ short }, column) => `${escapeMarkdown(short)} ${row.cells[column]?.status ?? "—"}`).join(" · ");
  const lines = [`- **${escapeMarkdown(row.id ?? row.file)}** \\[${escapeMarkdown(profileLabel(row))}\\] (${escapeMarkdown(row.area)}): ${statuses}`];
  for (const step of row.steps ?? []) {
    lines.push(`  - step ${step.index} ${markdownCode(step.op)}`);
    for (const field of step.fields) lines.push(...fieldLines(field, columns));
  }
  if ((row.steps ?? []).length === 0) {
    columns.forEach(({ short }, column) => {
      const cell = row.cells[column];
      if (cell?.reason && cell.status !== "pass") lines.push(`  - ${escapeMarkdown(short)}: ${escapeMarkdown(cell.reason.split("\n")[0]!)}`);
    });
  }
  return lines;
}

/** The side-by-side summary and the disagreements, at most `maxListed` of them. */
export function sideBySideMarkdown(sideBySide: SideBySide, maxListed: number): string[] {
  const { columns, disagreements } = sideBySide;
  const lines = [
    "### Side by side",
    "",
    "Each core's results per area; _ran_ is the share of its results it did not skip. Values are compared with the first report that has one.",
    "",
    ...summaryTable(sideBySide),
    "",
    `### Where the cores disagree (${disagreements.length})`,
    "",
  ];
  if (disagreements.length === 0) lines.push("Nowhere: every result that ran in several reports has the same status and the same observations.");
  for (const row of disagreements.slice(0, maxListed)) lines.push(...disagreementLines(row, columns));
  if (disagreements.length > maxListed) lines.push("", `… and ${disagreements.length - maxListed} more (see the HTML report)`);
  lines.push("");
  return lines;
}
