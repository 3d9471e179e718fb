/** The parts of the HTML report, each from the model. Every value from a report goes through the `html` tag, which escapes it. */
import { describeEntry } from "../baseline";
import { gateSummary, UNEXPECTED_TITLE, unexpectedMessage, unexpectedSubject } from "../gate-text";
import { STATUS_ORDER } from "../terminal";
import { html, type Markup } from "./markup";
import type { BitDiagram, BitGroup, ClauseRow, HtmlModel } from "./model";
import { sourceText } from "./sources";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

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
    <label>status <select id="f-status">${option("", "all statuses")}${option("not-ok", "not OK (neither pass nor skip)")}${model.columns.length > 1 ? html`${option("disagree", "cores disagree (among those that ran it)")}${option("differs", "differs between reports (skips too)")}` : ""}${STATUS_ORDER.map((s) => option(s))}</select></label>
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

/**
 * The list of cases, one row per case and profile with each report's status
 * (its reason on hover). The script lists the rows the filters select, a few
 * hundred at a time, from the case data (case-data.ts): a page of thousands
 * of results then opens and filters at once.
 */
export function caseList(model: HtmlModel): Markup {
  return html`<section id="cases" class="overview">
    <h2>Cases</h2>
    <p class="muted">One row per case and profile. Hover a status for its reason; open a case for its steps${model.columns.length > 1 ? html`; <span class="to-diff">⇄</span> leads to where the cores disagree` : ""}.</p>
    <div class="scroll"><table class="cases">
      <thead><tr>${model.columns.map(({ label, short }) => html`<th title="${label}">${short}</th>`)}<th>case</th><th>profile</th><th>area</th><th>title</th></tr></thead>
      <tbody></tbody>
    </table></div>
    <p id="cases-more" hidden><button type="button" id="cases-next"></button> <button type="button" id="cases-all"></button></p>
  </section>`;
}

/** Where the page script draws a case view when its link is followed (case-data.ts holds what it draws). */
export function caseViewHolder(): Markup {
  return html`<section id="case-views"><article class="case-view" aria-label="case" hidden></article></section>
<noscript><p class="muted">The filters, the list of cases and the case views are drawn by the page's script; without it this page shows the counts, the reports side by side, the matrix and the bit layouts.</p></noscript>`;
}
