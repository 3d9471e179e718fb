/**
 * JUnit XML in the Ant/Jenkins format that CI servers read: one testsuite
 * per area (per report and area when several reports are given), one
 * testcase per result (a case in one profile). `fail` is a <failure>; invalid
 * cases, core errors, crashes and timeouts are <error>s; skips are <skipped>.
 */
import type { CaseResult, Status } from "../spec/types/generated";
import { escapeXml, escapeXmlText } from "./escape";
import { failureText, shortReason } from "./failure-text";
import type { LabelledReport } from "./labels";

const NO_AREA = "(no area)";
const ERROR_STATUSES: ReadonlySet<Status> = new Set<Status>(["error", "core-error", "crash", "timeout"]);

interface Tally {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
}

function tally(results: readonly CaseResult[]): Tally {
  return {
    tests: results.length,
    failures: results.filter((r) => r.status === "fail").length,
    errors: results.filter((r) => ERROR_STATUSES.has(r.status)).length,
    skipped: results.filter((r) => r.status === "skip").length,
    seconds: results.reduce((sum, r) => sum + r.durationMs, 0) / 1000,
  };
}

const seconds = (value: number): string => value.toFixed(3);
const attr = (name: string, value: string | number): string => `${name}="${escapeXml(String(value))}"`;

function testcase(result: CaseResult, indent: string): string {
  const name = result.id === null ? result.file : result.profile === null ? result.id : `${result.id} [${result.profile}]`;
  const open = `${indent}<testcase ${attr("name", name)} ${attr("classname", result.area ?? NO_AREA)} ${attr("time", seconds(result.durationMs / 1000))}`;
  if (result.status === "pass") return `${open}/>`;
  const inner = `${indent}  `;
  let body: string;
  if (result.status === "skip") {
    body = `${inner}<skipped ${attr("message", shortReason(result))}/>`;
  } else {
    const element = result.status === "fail" ? "failure" : "error";
    body = `${inner}<${element} ${attr("message", shortReason(result))} ${attr("type", result.status)}>${escapeXmlText(failureText(result))}</${element}>`;
  }
  return `${open}>\n${body}\n${indent}</testcase>`;
}

/** The timestamp form the Ant schema takes: ISO 8601 without a zone (hvabi writes UTC). */
const antTimestamp = (iso: string): string => iso.slice(0, 19);

export function renderJUnit(reports: readonly LabelledReport[]): string {
  const suites: string[] = [];
  let id = 0;
  for (const { label, report } of reports) {
    const byArea = new Map<string, CaseResult[]>();
    for (const result of report.results) {
      const area = result.area ?? NO_AREA;
      byArea.set(area, [...(byArea.get(area) ?? []), result]);
    }
    const areas = [...byArea.keys()].sort();
    areas.forEach((area, position) => {
      const results = byArea.get(area)!;
      const t = tally(results);
      const name = reports.length > 1 ? `${label} · ${area}` : area;
      const lines = [
        `  <testsuite ${attr("name", name)} ${attr("tests", t.tests)} ${attr("failures", t.failures)} ${attr("errors", t.errors)} ${attr("skipped", t.skipped)} ${attr("time", seconds(t.seconds))} ${attr("timestamp", antTimestamp(report.run.startedAt))} ${attr("hostname", "localhost")} ${attr("id", id++)} ${attr("package", `hvabi.${area}`)}>`,
        "    <properties>",
        `      <property ${attr("name", "core")} ${attr("value", `${report.core.name} ${report.core.version}`)}/>`,
        `      <property ${attr("name", "hvabi")} ${attr("value", report.tool.version)}/>`,
        `      <property ${attr("name", "profiles")} ${attr("value", report.run.profiles === null ? "all" : report.run.profiles.join(" "))}/>`,
        "    </properties>",
        ...results.map((result) => testcase(result, "    ")),
      ];
      // What the core printed belongs to the whole run; it goes with the report's first suite.
      if (position === 0 && report.coreStderr) lines.push(`    <system-err>${escapeXmlText(report.coreStderr)}</system-err>`);
      lines.push("  </testsuite>");
      suites.push(lines.join("\n"));
    });
  }
  const all = tally(reports.flatMap(({ report }) => report.results));
  const totalSeconds = reports.reduce((sum, { report }) => sum + report.run.durationMs, 0) / 1000;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    // The format counts skips per suite only.
    `<testsuites ${attr("name", "hvabi")} ${attr("tests", all.tests)} ${attr("failures", all.failures)} ${attr("errors", all.errors)} ${attr("time", seconds(totalSeconds))}>`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}
