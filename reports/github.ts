/**
 * GitHub Actions annotations: one `::error` line per unexpected result,
 * pointing at the case file (and at the line of the first problem of an
 * invalid file). Without a baseline every result that is not a pass or a skip
 * is unexpected; stale baseline entries become warnings on the baseline file.
 */
import type { CaseResult } from "../spec/types/generated";
import { describeEntry, describeResult, needsEntry, type GateVerdict } from "./baseline";
import { escapeGithubData, escapeGithubProperty } from "./escape";
import { failureText } from "./failure-text";
import { UNEXPECTED_TITLE, unexpectedMessage, unexpectedSubject } from "./gate-text";
import type { LabelledReport } from "./labels";

export interface GithubOptions {
  gate?: { verdict: GateVerdict; baseline: string };
}

/** GitHub cuts long annotation messages; the rest is in report.json. */
const MAX_MESSAGE = 3000;

function location(result: CaseResult): string {
  const located = result.problems?.find((problem) => problem.line !== undefined);
  const place = [`file=${escapeGithubProperty(result.file)}`];
  if (located?.line !== undefined) place.push(`line=${located.line}`, `col=${located.column ?? 1}`);
  return place.join(",");
}

function command(level: "error" | "warning", properties: string, title: string, message: string): string {
  const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (see report.json)` : message;
  return `::${level} ${properties},title=${escapeGithubProperty(title)}::${escapeGithubData(text)}`;
}

export function renderGithub(reports: readonly LabelledReport[], options: GithubOptions = {}): string {
  const lines: string[] = [];
  const prefix = (label: string): string => (reports.length > 1 ? `${label}: ` : "");
  if (options.gate !== undefined) {
    const { verdict, baseline } = options.gate;
    for (const item of verdict.unexpected) {
      const message = item.kind === "unexpected-pass" ? unexpectedMessage(item) : `${unexpectedMessage(item)}\n${failureText(item.result)}`;
      lines.push(command("error", location(item.result), `hvabi ${UNEXPECTED_TITLE[item.kind]}: ${unexpectedSubject(item)}`, message));
    }
    for (const { entry, why } of verdict.stale) {
      lines.push(command("warning", `file=${escapeGithubProperty(baseline)}`, `hvabi stale baseline entry: ${describeEntry(entry)}`, `${why}; --update-baseline removes it`));
    }
  } else {
    for (const { label, report } of reports) {
      for (const result of report.results.filter(needsEntry)) {
        lines.push(command("error", location(result), `${prefix(label)}hvabi ${result.status}: ${describeResult(result)}`, failureText(result)));
      }
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
