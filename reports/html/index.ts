/**
 * The HTML report: one self-contained file (inline CSS and script, no
 * network, no external fonts) built from one or more report.json files side
 * by side. A Content-Security-Policy admits only the page's own script and
 * stylesheet (by hash) and forbids every fetch, so even a string that escaped
 * escaping could neither run, restyle the page nor phone home.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../spec/paths";
import { jsonForScript } from "../escape";
import type { LabelledReport } from "../labels";
import { SEVERITY } from "../status";
import { html, trustedMarkup } from "./markup";
import { buildModel, NO_PROFILE, type HtmlModel, type HtmlSpec } from "./model";
import { performanceSection } from "./perf";
import { caseData } from "./case-data";
import { caseList, caseViewHolder, diagrams, filters, matrix, overview } from "./sections";
import { drawnRows, sideBySideSection } from "./side-by-side";
import type { PerfReport } from "../../spec/types/generated";

export { htmlSpecFrom, type HtmlSpec } from "./model";

export interface HtmlOptions {
  gate?: HtmlModel["gate"];
  /** A performance report (`hvabi bench`) to show after the counts. */
  perf?: PerfReport;
}

const assets = new Map<string, string>();

/** The report's own stylesheet and script, shipped beside this module's sources. */
function asset(name: "report.css" | "report.js"): string {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(join(packageRoot(), "reports", "html", "assets", name), "utf8");
    assets.set(name, text);
  }
  return text;
}

/** What the page script needs to recount the matrix and recolour the bits under a filter. */
function filterData(model: HtmlModel): unknown {
  return {
    severity: SEVERITY,
    noProfile: NO_PROFILE,
    columns: model.columns.length,
    clauses: model.clauses.map((row) => row.counts),
  };
}

/** A CSP source admitting exactly this inline block. */
const sha256 = (text: string): string => `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;

export function renderHtml(reports: readonly LabelledReport[], spec: HtmlSpec, options: HtmlOptions = {}): string {
  const model = buildModel(reports, spec, options.gate);
  const compared = drawnRows(model);
  const script = asset("report.js");
  const style = asset("report.css");
  const policy = `default-src 'none'; style-src '${sha256(style)}'; script-src '${sha256(script)}'; base-uri 'none'; form-action 'none'`;
  const title = `hvabi report: ${reports.map((r) => r.short).join(" · ")}`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hvabi ${reports[0]?.report.tool.version ?? ""}">
<title>${title}</title>
<style>${trustedMarkup(style)}</style>
</head>
<body>
<header><h1>${title}</h1></header>
<main>
${filters(model)}
${overview(model)}
${options.perf ? performanceSection(options.perf) : ""}
${sideBySideSection(model)}
${matrix(model)}
${diagrams(model)}
${caseList(model)}
${caseViewHolder()}
</main>
<script type="application/json" id="hvabi-data">${trustedMarkup(jsonForScript(filterData(model)))}</script>
<script type="application/json" id="hvabi-cases">${trustedMarkup(jsonForScript(caseData(model, spec.clauses, compared)))}</script>
<script>${trustedMarkup(script)}</script>
</body>
</html>
`;
  return page.text;
}

/** A page with the performance section alone (`hvabi bench --format html`): no script, so the policy admits none. */
export function renderPerfHtml(perf: PerfReport): string {
  const style = asset("report.css");
  const policy = `default-src 'none'; style-src '${sha256(style)}'; base-uri 'none'; form-action 'none'`;
  const title = `hvabi performance: ${perf.cores.map(({ core }) => `${core.name} ${core.version}`).join(" · ")}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hvabi ${perf.tool.version}">
<title>${title}</title>
<style>${trustedMarkup(style)}</style>
</head>
<body>
<header><h1>${title}</h1></header>
<main>
${performanceSection(perf)}
</main>
</body>
</html>
`.text;
}
