/** check-core's report as text for a terminal. */
import type { CoreCheckReport } from "./check";

const STATUS_WIDTH = 12;

function indent(text: string, prefix: string): string {
  return text.split("\n").map((line) => `${prefix}${line}`).join("\n");
}

export function renderCoreCheck(report: CoreCheckReport, coreRef: string): string {
  const lines: string[] = [`hvabi check-core ${coreRef}`];
  for (const step of report.steps) lines.push(`  ${step.status.padEnd(STATUS_WIDTH)}${step.name} — ${step.detail}`);
  const problems = report.findings.filter((f) => f.severity === "problem");
  const warnings = report.findings.filter((f) => f.severity === "warning");
  for (const [title, list] of [["problem", problems], ["warning", warnings]] as const) {
    if (list.length === 0) continue;
    lines.push("", `${list.length} ${title}${list.length > 1 ? "s" : ""}:`);
    list.forEach((finding, i) => {
      lines.push(indent(`${i + 1}. [${finding.check}] ${finding.what}`, "  "));
      lines.push(indent(`what to do: ${finding.fix}`, "     "));
    });
  }
  const stderr = report.stderr.trimEnd();
  if (stderr !== "") {
    lines.push("", "the core's stderr (last lines):");
    for (const line of stderr.split("\n").slice(-15)) lines.push(`  | ${line}`);
  }
  const counts = `${problems.length} problem${problems.length === 1 ? "" : "s"}, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}`;
  lines.push("", report.ok ? `CHECK PASSED (${counts})` : `CHECK FAILED (${counts})`);
  return `${lines.join("\n")}\n`;
}
