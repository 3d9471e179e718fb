/**
 * A Markdown summary for a pull-request comment or a CI step summary:
 * the verdict, counts per report and per area, unexpected results against a
 * baseline, regressions against a previous report, then the failures with
 * expected versus observed folded under each.
 */
import type { CaseResult, Status } from "../spec/types/generated";
import { describeEntry, describeResult, type GateVerdict } from "./baseline";
import { NO_BIT_LAYOUTS, type BitSpec } from "./bits";
import { renderDiffMarkdown } from "./diff-render";
import type { ReportDiff } from "./diff";
import { defuseWorkflowCommands, escapeHtml, escapeMarkdown, markdownFence } from "./escape";
import { failureText, shortReason } from "./failure-text";
import { gateSummary, UNEXPECTED_TITLE, unexpectedMessage, unexpectedSubject } from "./gate-text";
import type { LabelledReport } from "./labels";
import { compareReports } from "./side-by-side";
import { sideBySideMarkdown } from "./side-by-side-markdown";
import { STATUS_ORDER } from "./terminal";

export interface MarkdownOptions {
  gate?: { verdict: GateVerdict; baseline: string };
  previous?: { diff: ReportDiff; source: string };
  /** Failures listed per report, and disagreements (the rest are counted): comments and step summaries have size limits. */
  maxListed?: number;
  /** Bit layouts of observed values, to name the bits where several reports' values differ. */
  bits?: BitSpec;
}

const STATUS_MARK: Record<Status, string> = {
  pass: "✅", fail: "❌", error: "⛔", "core-error": "💥", crash: "💥", timeout: "⏱️", skip: "⏭️",
};
const NOT_OK: ReadonlySet<Status> = new Set<Status>(["fail", "error", "core-error", "crash", "timeout"]);
const MAX_DETAIL = 4000;

/** HTML text inside a Markdown HTML block (GitHub does not read Markdown there), where `@` still must not mention anyone. */
const escapeSummary = (text: string): string => escapeHtml(text).replace(/@/g, "&#64;");

function heading(reports: readonly LabelledReport[], options: MarkdownOptions): string {
  if (options.gate !== undefined) return `## hvabi: ${options.gate.verdict.ok ? "✅" : "❌"} ${escapeMarkdown(gateSummary(options.gate.verdict))}`;
  const notOk = reports.reduce((sum, { report }) => sum + report.results.filter((r) => NOT_OK.has(r.status)).length, 0);
  return notOk === 0 ? "## hvabi: ✅ every result passed or was skipped" : `## hvabi: ❌ ${notOk} result${notOk === 1 ? "" : "s"} did not pass`;
}

function countsTable(reports: readonly LabelledReport[]): string[] {
  const lines = [
    `| report | total | ${STATUS_ORDER.join(" | ")} | time |`,
    `|---|--:|${STATUS_ORDER.map(() => "--:").join("|")}|--:|`,
  ];
  for (const { label, report } of reports) {
    const cells = STATUS_ORDER.map((s) => (report.counts[s] > 0 ? `${report.counts[s]}` : "·"));
    lines.push(`| ${escapeMarkdown(label)} | ${report.counts.total} | ${cells.join(" | ")} | ${(report.run.durationMs / 1000).toFixed(1)} s |`);
  }
  return lines;
}

function areaTable(reports: readonly LabelledReport[]): string[] {
  const areas = [...new Set(reports.flatMap(({ report }) => report.results.map((r) => r.area ?? "(no area)")))].sort();
  const lines = [`| area | ${reports.map(({ label }) => escapeMarkdown(label)).join(" | ")} |`, `|---|${reports.map(() => "---").join("|")}|`];
  for (const area of areas) {
    const cells = reports.map(({ report }) => {
      const here = report.results.filter((r) => (r.area ?? "(no area)") === area);
      return STATUS_ORDER.filter((s) => here.some((r) => r.status === s)).map((s) => `${here.filter((r) => r.status === s).length} ${s}`).join(", ") || "·";
    });
    lines.push(`| ${escapeMarkdown(area)} | ${cells.join(" | ")} |`);
  }
  return lines;
}

function gateSection(gate: NonNullable<MarkdownOptions["gate"]>): string[] {
  const { verdict } = gate;
  const lines = [`### Against the baseline ${escapeMarkdown(gate.baseline)}`, ""];
  for (const item of verdict.unexpected) {
    lines.push(`- ❌ **${UNEXPECTED_TITLE[item.kind]}** ${escapeMarkdown(unexpectedSubject(item))} — ${escapeMarkdown(unexpectedMessage(item))}`);
  }
  for (const { entry, why } of verdict.stale) lines.push(`- ⚠️ **stale entry** ${escapeMarkdown(describeEntry(entry))} — ${escapeMarkdown(why)}`);
  for (const { entry } of verdict.revised) lines.push(`- ⚠️ **case edited** ${escapeMarkdown(describeEntry(entry))} — still ${entry.status}, but the case changed since the entry was recorded; re-check its reason`);
  if (verdict.expected.length > 0) {
    lines.push(`- ${verdict.expected.length} expected result${verdict.expected.length === 1 ? "" : "s"} listed in the baseline:`);
    for (const { entry } of verdict.expected) {
      lines.push(`  - ${escapeMarkdown(describeEntry(entry))}: ${entry.status} — ${escapeMarkdown(entry.reason)}${entry.issue ? ` (${escapeMarkdown(entry.issue)})` : ""}`);
    }
  }
  lines.push("");
  return lines;
}

function failureDetails(result: CaseResult): string[] {
  let text = failureText(result);
  if (text.length > MAX_DETAIL) text = `${text.slice(0, MAX_DETAIL)}\n… (${text.length - MAX_DETAIL} more characters in report.json)`;
  return [
    "<details>",
    `<summary>${STATUS_MARK[result.status]} ${escapeSummary(result.status)} · ${escapeSummary(describeResult(result))} — ${escapeSummary(shortReason(result))}</summary>`,
    "",
    markdownFence(text, "text"),
    "",
    "</details>",
  ];
}

export function renderMarkdown(reports: readonly LabelledReport[], options: MarkdownOptions = {}): string {
  const max = options.maxListed ?? 30;
  const lines = [heading(reports, options), ""];
  const first = reports[0]?.report;
  if (first !== undefined) lines.push(`hvabi ${escapeMarkdown(first.tool.version)}${reports.length === 1 ? ` · core ${escapeMarkdown(`${first.core.name} ${first.core.version}`)}` : ""}`, "");
  lines.push(...countsTable(reports), "");
  // Several reports: per area and core side by side, then where the cores disagree; one: counts per area.
  if (reports.length > 1) lines.push(...sideBySideMarkdown(compareReports(reports, options.bits ?? NO_BIT_LAYOUTS), max));
  else lines.push(...areaTable(reports), "");
  if (options.gate !== undefined) lines.push(...gateSection(options.gate));
  if (options.previous !== undefined) {
    lines.push(renderDiffMarkdown(options.previous.diff, { before: options.previous.source, after: reports.map((r) => r.source).join(", ") }, { heading: "###", maxListed: max }), "");
  }
  for (const { label, report } of reports) {
    const failing = report.results.filter((r) => NOT_OK.has(r.status));
    if (failing.length === 0) continue;
    lines.push(`### Not passing${reports.length > 1 ? ` in ${escapeMarkdown(label)}` : ""} (${failing.length})`, "");
    for (const result of failing.slice(0, max)) lines.push(...failureDetails(result));
    if (failing.length > max) lines.push("", `… and ${failing.length - max} more (see report.json)`);
    lines.push("");
  }
  // Failure details keep a core's line breaks: none of those lines may pass for a workflow command where the summary is printed.
  return defuseWorkflowCommands(`${lines.join("\n").trimEnd()}\n`);
}
