/** The parts of the HTML report, each from the model. Every value from a report goes through the `html` tag, which escapes it. */
import type { CaseResult, Source, Status, StepReport } from "../../spec/types/generated";
import { formatProblem } from "../../spec/validation/schema-errors";
import { describeEntry } from "../baseline";
import { gateSummary, UNEXPECTED_TITLE, unexpectedMessage, unexpectedSubject } from "../gate-text";
import { STATUS_ORDER } from "../terminal";
import { html, type Markup } from "./markup";
import type { BitDiagram, BitGroup, CaseRow, ClauseRow, HtmlModel, SpecClause } from "./model";

const pretty = (value: unknown): string => JSON.stringify(value, null, 2) ?? "undefined";
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const badge = (status: Status | undefined): Markup =>
  status === undefined ? html`<span class="badge st-none" title="no such result in this report">—</span>` : html`<span class="badge st-${status}">${status}</span>`;

function caseName(row: CaseRow): string {
  return row.id ?? row.file;
}

export function overview(model: HtmlModel): Markup {
  const columns = model.columns.map(({ label, source, report }) => {
    const shard = report.run.shard;
    return html`<tr>
      <th scope="row" title="${source}">${label}</th>
      <td>${report.core.about ?? ""}</td>
      <td>${report.tool.version}</td>
      <td>${report.run.startedAt}</td>
      <td class="num">${seconds(report.run.durationMs)}</td>
      <td>${report.run.profiles === null ? "all" : report.run.profiles.join(", ")}${shard ? ` · shard ${shard.index}/${shard.count}` : ""}</td>
      <td class="num">${report.counts.total}</td>
      ${STATUS_ORDER.map((status) => html`<td class="num ${report.counts[status] > 0 ? `st-${status}` : "zero"}">${report.counts[status]}</td>`)}
      <td>${report.ok ? html`<span class="badge st-pass">OK</span>` : html`<span class="badge st-fail">not OK</span>`}</td>
    </tr>`;
  });
  return html`<section id="overview" class="overview">
    <h2>Counts</h2>
    <table class="counts">
      <thead><tr><th>report</th><th>core</th><th>hvabi</th><th>started</th><th>time</th><th>profiles</th><th>total</th>${STATUS_ORDER.map((s) => html`<th>${s}</th>`)}<th>verdict</th></tr></thead>
      <tbody>${columns}</tbody>
    </table>
    ${model.gate ? gateBlock(model.gate) : ""}
  </section>`;
}

function gateBlock(gate: NonNullable<HtmlModel["gate"]>): Markup {
  const { verdict } = gate;
  return html`<div class="gate ${verdict.ok ? "gate-ok" : "gate-bad"}">
    <p><strong>Baseline ${gate.baseline}:</strong> ${gateSummary(verdict)}</p>
    ${verdict.unexpected.length > 0
      ? html`<ul>${verdict.unexpected.map((item) => html`<li><span class="badge st-fail">${UNEXPECTED_TITLE[item.kind]}</span> ${unexpectedSubject(item)} — ${unexpectedMessage(item)}</li>`)}</ul>`
      : ""}
    ${verdict.stale.length > 0 ? html`<ul>${verdict.stale.map(({ entry, why }) => html`<li><span class="badge st-timeout">stale entry</span> ${describeEntry(entry)} — ${why}</li>`)}</ul>` : ""}
  </div>`;
}

export function filters(model: HtmlModel): Markup {
  const option = (value: string, label: string = value): Markup => html`<option value="${value}">${label}</option>`;
  return html`<form id="filters" class="filters" role="search">
    <label>area <select id="f-area">${option("", "all areas")}${model.areas.map((a) => option(a))}</select></label>
    <label>profile <select id="f-profile">${option("", "all profiles")}${model.profiles.map((p) => option(p))}</select></label>
    <label>status <select id="f-status">${option("", "all statuses")}${option("not-ok", "not OK (neither pass nor skip)")}${model.columns.length > 1 ? option("differs", "differs between reports") : ""}${STATUS_ORDER.map((s) => option(s))}</select></label>
    <label>clause <select id="f-clause">${option("", "all clauses")}${model.clauses.filter((c) => c.inMatrix).map((c) => option(c.id))}</select></label>
    <label>text <input id="f-text" type="search" placeholder="case id, title, file or clause" size="32"></label>
    <span id="f-count" class="muted" aria-live="polite"></span>
  </form>`;
}

function matrixCells(row: ClauseRow, model: HtmlModel, index: number): Markup[] {
  return STATUS_ORDER.flatMap((status) =>
    model.columns.map((_, column) => {
      const n = Object.values(row.counts[column] ?? {}).reduce((sum, counts) => sum + (counts[status] ?? 0), 0);
      return html`<td class="num mcell ${n > 0 ? `st-${status}` : "zero"}" data-clause="${index}" data-col="${column}" data-status="${status}">${n > 0 ? n : "·"}</td>`;
    }),
  );
}

export function matrix(model: HtmlModel): Markup {
  const many = model.columns.length > 1;
  const head = html`<tr><th rowspan="${many ? 2 : 1}">clause</th>${STATUS_ORDER.map((s) => html`<th colspan="${model.columns.length}" data-status="${s}" class="st-head">${s}</th>`)}</tr>
    ${many ? html`<tr>${STATUS_ORDER.map((s) => model.columns.map(({ label }) => html`<th data-status="${s}" class="col-label">${label}</th>`))}</tr>` : ""}`;
  const body = model.areas.map((area) => {
    const rows = model.clauses.map((row, index) => ({ row, index })).filter(({ row }) => row.inMatrix && row.area === area);
    return html`<tbody data-area="${area}">
      <tr class="area-row"><th colspan="${1 + STATUS_ORDER.length * model.columns.length}">${area} <span class="muted">(${rows.length} clause${rows.length === 1 ? "" : "s"})</span></th></tr>
      ${rows.map(({ row, index }) => html`<tr class="clause-row" data-area="${area}" data-clause-id="${row.id}">
        <th scope="row"><a href="#cases" class="clause-link" data-filter-clause="${row.id}" title="${row.clause?.sentence ?? "not in this hvabi's spec"}">${row.id}</a></th>
        ${matrixCells(row, model, index)}
      </tr>`)}
    </tbody>`;
  });
  return html`<section id="matrix" class="overview">
    <h2>Clauses × status</h2>
    <p class="muted">Results citing each clause, by status${many ? " and report" : ""}. Click a clause to list its cases; the area, profile and status filters apply here too.</p>
    <div class="scroll"><table class="matrix"><thead>${head}</thead>${body}</table></div>
  </section>`;
}

function bitCell(group: BitGroup, column: number, model: HtmlModel): Markup {
  const width = group.high - group.low + 1;
  const range = width === 1 ? `bit ${group.low}` : `bits ${group.high}..${group.low}`;
  const covering = group.clauses.map((i) => model.clauses[i]!.id);
  const tip = [
    `${group.field ?? "reserved"} (${range})${group.description ? `: ${group.description}` : ""}`,
    covering.length > 0 ? `covered by ${covering.join(", ")}` : "no clause covers it",
    `state: ${group.states[column]}`,
  ].join("\n");
  return html`<td class="bit st-${group.states[column]!}${group.field ? "" : " reserved"}" colspan="${width}" data-clauses="${group.clauses.join(" ")}" data-col="${column}" title="${tip}">
    <span class="bit-name">${group.field ?? ""}</span><span class="bit-range">${width === 1 ? group.low : `${group.high}–${group.low}`}</span>
  </td>`;
}

function diagram(d: BitDiagram, model: HtmlModel): Markup {
  const sources = d.layout.sources.map(sourceText).join("; ");
  return html`<figure class="diagram" data-register="${d.register}">
    <figcaption><strong>${d.layout.title}</strong> <span class="muted">(${d.layout.width} bits; ${sources})</span></figcaption>
    ${model.columns.map(({ label }, column) => html`<div class="diagram-column">
      ${model.columns.length > 1 ? html`<div class="col-label">${label}</div>` : ""}
      ${d.rows.map((row) => html`<table class="bits"><colgroup>${Array.from({ length: 32 }, () => html`<col>`)}</colgroup><tr>${row.map((group) => bitCell(group, column, model))}</tr></table>`)}
    </div>`)}
  </figure>`;
}

export function diagrams(model: HtmlModel): Markup {
  if (model.diagrams.length === 0) return html``;
  const states: string[] = [...STATUS_ORDER, "untested", "uncovered"];
  return html`<section id="bits" class="overview">
    <h2>Bit layouts</h2>
    <p class="muted">Each bit takes the colour of the worst result of the clauses whose <code>covers</code> name it (the profile filter applies). <em>untested</em>: clauses cover it but no result cites them; <em>uncovered</em>: no clause covers it. Hover a field for its clauses.</p>
    <p class="legend">${states.map((s) => html`<span class="badge st-${s}">${s}</span> `)}</p>
    ${model.diagrams.map((d) => diagram(d, model))}
  </section>`;
}

export function caseList(model: HtmlModel): Markup {
  const rows = model.cases.map((row) => {
    const statuses = row.cells.map((cell) => cell?.status ?? "none");
    const text = [row.id ?? "", row.title ?? "", row.file, ...row.clauses].join(" ").toLowerCase();
    return html`<tr class="case-row" data-area="${row.area}" data-profile="${row.profile}" data-statuses="${statuses.join(" ")}" data-clauses="${row.clauses.join(" ")}" data-text="${text}">
      ${row.cells.map((cell) => html`<td>${badge(cell?.status)}</td>`)}
      <td><a href="#case-${row.index}">${caseName(row)}</a>${row.baseline ? html` <span class="badge st-skip" title="${row.baseline.reason}">baseline: ${row.baseline.status}</span>` : ""}</td>
      <td>${row.profile}${row.inheritedFrom ? html` <span class="muted" title="the case lists ${row.inheritedFrom}; it applies to ${row.profile} through its basedOn">from ${row.inheritedFrom}</span>` : ""}</td>
      <td>${row.area}</td>
      <td class="title">${row.title ?? ""}</td>
    </tr>`;
  });
  return html`<section id="cases" class="overview">
    <h2>Cases</h2>
    <div class="scroll"><table class="cases">
      <thead><tr>${model.columns.map(({ label }) => html`<th>${label}</th>`)}<th>case</th><th>profile</th><th>area</th><th>title</th></tr></thead>
      <tbody>${rows}</tbody>
    </table></div>
  </section>`;
}

export function sourceText(source: Source): string {
  if (typeof source === "string") return source;
  if ("seed" in source) return `seed ${source.seed}: “${source.quote}”`;
  return `${source.repo} ${source.path}${source.lines ? `:${source.lines}` : ""} ${source.symbol} @ ${source.commit}`;
}

/** GitHub's anchor for the first range of a source's lines (`3005-3046` → `#L3005-L3046`). */
function linesAnchor(lines: string | undefined): string {
  const first = /^([0-9]+)(?:-([0-9]+))?/.exec(lines ?? "");
  if (first === null) return "";
  return first[2] === undefined ? `#L${first[1]}` : `#L${first[1]}-L${first[2]}`;
}

function sourceItem(source: Source): Markup {
  if (typeof source === "object" && "repo" in source) {
    // The schema restricts repo and commit to safe characters; the path is percent-encoded segment by segment.
    const href = `https://github.com/${source.repo}/blob/${source.commit}/${source.path.split("/").map(encodeURIComponent).join("/")}${linesAnchor(source.lines)}`;
    return html`<li><a href="${href}" rel="noreferrer">${sourceText(source)}</a></li>`;
  }
  return html`<li>${sourceText(source)}</li>`;
}

function clauseBlock(id: string, clause: SpecClause | undefined): Markup {
  if (clause === undefined) return html`<div class="clause"><h4>${id}</h4><p class="muted">This clause is not in this hvabi's spec (the report was made with another version).</p></div>`;
  return html`<div class="clause">
    <h4>${id} <span class="muted">(${clause.area}; holds in ${clause.profiles.join(", ")})</span></h4>
    <p class="sentence">${clause.sentence}</p>
    <ul class="sources">${clause.sources.map(sourceItem)}</ul>
    ${Object.entries(clause.excludedProfiles ?? {}).flatMap(([profile, exclusion]) =>
      exclusion === undefined ? [] : [html`<p class="note">Does not hold in ${profile}: ${exclusion.reason}.</p><ul class="sources">${exclusion.sources.map(sourceItem)}</ul>`],
    )}
    ${clause.note ? html`<p class="note">${clause.note}</p>` : ""}
  </div>`;
}

/** Where a report has no steps for a result: say why rather than show nothing. */
function noSteps(cell: CaseResult | undefined): Markup {
  if (cell === undefined) return html`<p class="muted">No such result in this report.</p>`;
  if (cell.status === "pass") return html`<p class="muted">Passed. Steps of passing results are kept only when the run used <code>--detail all</code>.</p>`;
  if (cell.status === "skip") return html`<p class="muted">Skipped: ${cell.reason ?? "no reason given"}</p>`;
  if (cell.problems && cell.problems.length > 0) {
    return html`<ul class="problems">${cell.problems.map((p) => html`<li><code>${formatProblem(cell.file, p)}</code></li>`)}</ul>`;
  }
  return html`<pre class="reason">${cell.reason ?? cell.status}</pre>`;
}

function observedCell(step: StepReport | undefined, cell: CaseResult | undefined, reference: StepReport | undefined): Markup {
  if (step === undefined) return html`<td class="observed">${cell?.steps ? html`<p class="muted">No such step in this report.</p>` : noSteps(cell)}</td>`;
  const differs = step.mismatches.length > 0;
  const otherExpectation = reference !== undefined && pretty(reference.expected) !== pretty(step.expected);
  return html`<td class="observed ${differs ? "mismatch" : "match"}">
    <pre>${step.observed === null ? "nothing observed" : pretty(step.observed)}</pre>
    ${differs ? html`<ul class="mismatches">${step.mismatches.map((m) => html`<li><code>${m.field}</code>: expected <code>${pretty(m.expected)}</code>, observed <code>${pretty(m.observed)}</code></li>`)}</ul>` : ""}
    ${otherExpectation ? html`<details><summary>this report expected something else</summary><pre>${pretty(step.expected)}</pre></details>` : ""}
  </td>`;
}

function stepsTable(row: CaseRow, model: HtmlModel): Markup {
  const withSteps = row.cells.find((cell) => cell?.steps && cell.steps.length > 0);
  if (withSteps === undefined) {
    return html`<div class="no-steps">${model.columns.map(({ label }, column) => html`<div><h4>${label}</h4>${noSteps(row.cells[column])}</div>`)}</div>`;
  }
  const count = Math.max(...row.cells.map((cell) => cell?.steps?.length ?? 0));
  const steps = Array.from({ length: count }, (_, index) => {
    const reference = row.cells.map((cell) => cell?.steps?.[index]).find((step) => step !== undefined);
    return html`<tr>
      <th scope="row">${index}</th>
      <td><code>${reference?.op ?? ""}</code>${reference?.args ? html`<pre>${pretty(reference.args)}</pre>` : ""}</td>
      <td class="expected"><pre>${reference ? pretty(reference.expected) : ""}</pre></td>
      ${row.cells.map((cell) => observedCell(cell?.steps?.[index], cell, reference))}
    </tr>`;
  });
  return html`<div class="scroll"><table class="steps">
    <thead><tr><th>#</th><th>operation</th><th>expected</th>${model.columns.map(({ label }) => html`<th>observed${model.columns.length > 1 ? html`: ${label}` : ""}</th>`)}</tr></thead>
    <tbody>${steps}</tbody>
  </table></div>`;
}

function caseView(row: CaseRow, model: HtmlModel, clauses: ReadonlyMap<string, SpecClause>): Markup {
  return html`<article class="case-view" id="case-${row.index}" aria-label="case">
    <p><a href="#cases">← all cases</a></p>
    <h2 class="case-title">${row.title ?? caseName(row)}</h2>
    <dl class="facts">
      <dt>case</dt><dd><code>${caseName(row)}</code></dd>
      <dt>file</dt><dd><code>${row.file}</code></dd>
      <dt>area</dt><dd>${row.area}</dd>
      <dt>profile</dt><dd>${row.profile}${row.inheritedFrom ? html` (the case lists ${row.inheritedFrom}, which ${row.profile} is based on: its expectations, unless the case gives ${row.profile} its own)` : ""}</dd>
      ${row.polarity ? html`<dt>polarity</dt><dd>${row.polarity}</dd>` : ""}
      ${row.baseline ? html`<dt>baseline</dt><dd>expected ${row.baseline.status}: ${row.baseline.reason}${row.baseline.issue ? html` (${issueLink(row.baseline.issue)})` : ""}</dd>` : ""}
    </dl>
    <h3>Results</h3>
    <table class="results"><tbody>${model.columns.map(({ label }, column) => {
      const cell = row.cells[column];
      return html`<tr><th scope="row">${label}</th><td>${badge(cell?.status)}</td><td class="num">${cell ? seconds(cell.durationMs) : ""}</td><td>${cell?.reason && cell.status !== "pass" ? html`<pre class="reason">${cell.reason}</pre>` : ""}${cell?.stderr ? html`<details><summary>core stderr</summary><pre>${cell.stderr}</pre></details>` : ""}</td></tr>`;
    })}</tbody></table>
    <h3>Steps: expected versus observed</h3>
    ${stepsTable(row, model)}
    <h3>Clauses</h3>
    ${row.clauses.length > 0 ? row.clauses.map((id) => clauseBlock(id, clauses.get(id))) : html`<p class="muted">The case cites no clause (it did not load far enough).</p>`}
  </article>`;
}

function issueLink(issue: string): Markup {
  return /^https?:\/\//.test(issue) ? html`<a href="${issue}" rel="noreferrer">${issue}</a>` : html`${issue}`;
}

export function caseViews(model: HtmlModel, clauses: ReadonlyMap<string, SpecClause>): Markup {
  return html`<section id="case-views">${model.cases.map((row) => caseView(row, model, clauses))}</section>`;
}
