/**
 * The side-by-side section of the HTML report (several reports): a summary
 * per area and core, then each result where the cores disagree with every
 * core's value of each differing field, and values of a known bit layout
 * drawn bit by bit with the bits where a core differs marked and named.
 * Every value from a report goes through the `html` tag, which escapes it.
 */
import { profileLabel } from "../labels";
import type { BitLayout, Status } from "../../spec/types/generated";
import { describeBitDifference, EXPECTED_OWNER, hexOf, layoutGroups, type BitDifference, type ValueOwner } from "../bits";
import type { LabelledReport } from "../labels";
import { ERROR_STATUSES, ranShare, sameValue, type AreaSummary, type BitComparison, type BitPair, type ColumnSummary, type ComparedRow, type FieldComparison, type FieldValue, type StepComparison } from "../side-by-side";
import { html, type Markup } from "./markup";
import type { HtmlModel } from "./model";

/** Results drawn in full; the rest are listed by name (the filter finds them all, and each case view shows its steps). */
export const MAX_DRAWN = 100;

const compact = (value: unknown): string => JSON.stringify(value) ?? "undefined";
const firstLine = (text: string): string => text.split("\n")[0]!;

/** A status badge whose tooltip is the reason (a skip's reason, a failure's first mismatch). */
export function statusBadge(cell: { status: Status; reason?: string } | undefined): Markup {
  if (cell === undefined) return html`<span class="badge st-none" title="no such result in this report">—</span>`;
  return html`<span class="badge st-${cell.status}"${cell.reason ? html` title="${cell.reason}"` : ""}>${cell.status}</span>`;
}

function summaryCells(summary: ColumnSummary): Markup {
  const errors = ERROR_STATUSES.filter((status) => (summary.counts[status] ?? 0) > 0).map((status) => `${summary.counts[status]} ${status}`).join(", ");
  const cell = (n: number, status: string, title = ""): Markup => html`<td class="num ${n > 0 ? `st-${status}` : "zero"}"${title ? html` title="${title}"` : ""}>${n > 0 ? n : "·"}</td>`;
  return html`${cell(summary.pass, "pass")}${cell(summary.fail, "fail")}${cell(summary.error, "error", errors)}${cell(summary.skip, "skip")}<td class="num ran" title="${summary.ran} of ${summary.results} results ran${summary.absent > 0 ? `; no result for ${summary.absent} of the area's cases` : ""}">${ranShare(summary)}</td>`;
}

function summaryTable(summary: readonly AreaSummary[], columns: readonly LabelledReport[]): Markup {
  const rows = summary.map(
    (line) => html`<tr class="${line.area === undefined ? "total" : ""}"${line.area === undefined ? "" : html` data-area="${line.area}"`}>
      <th scope="row">${line.area ?? "all areas"}</th><td class="num">${line.rows}</td>
      ${line.columns.map(summaryCells)}
      <td class="num ${line.disagreements > 0 ? "st-fail" : "zero"}">${line.disagreements > 0 ? line.disagreements : "·"}</td>
    </tr>`,
  );
  return html`<div class="scroll"><table class="summary">
    <thead>
      <tr><th rowspan="2">area</th><th rowspan="2" title="cases and profiles any report has">results</th>${columns.map(({ label, short, source }) => html`<th colspan="5" title="${label} (${source})">${short}</th>`)}<th rowspan="2" title="results where the cores disagree">disagree</th></tr>
      <tr>${columns.map(() => html`<th>pass</th><th>fail</th><th title="error, core-error, crash, timeout">error</th><th>skip</th><th title="share of the report's results that ran (not skipped)">ran</th>`)}</tr>
    </thead>
    <tbody>${rows}</tbody>
  </table></div>`;
}

function fieldValue(value: FieldValue, field: FieldComparison, column: number, reference: number | undefined, columns: readonly LabelledReport[]): Markup {
  if (value.kind === "missing") return html`<td class="missing">${value.why}</td>`;
  const base = reference === undefined ? undefined : field.values[reference];
  const disputed = base?.kind === "observed" && column !== reference && !sameValue(value.value, base.value);
  const classes = [field.mismatched[column] ? "mismatch" : "", disputed ? "disputed" : ""].filter(Boolean).join(" ");
  const title = [field.mismatched[column] ? "differs from the expected value" : "", disputed ? `differs from ${columns[reference!]!.short}` : ""].filter(Boolean).join("; ");
  return html`<td class="${classes}"${title ? html` title="${title}"` : ""}><code>${value.value === undefined ? "none" : compact(value.value)}</code></td>`;
}

/** Which column a field's values are compared with: the bit comparison's reference, else the first core that observed it. */
function referenceOf(field: FieldComparison): number | undefined {
  if (field.bits?.reference !== undefined) return field.bits.reference;
  const first = field.values.findIndex((value) => value.kind === "observed");
  return first < 0 ? undefined : first;
}

function ownerOf(side: number | "expected", columns: readonly LabelledReport[]): ValueOwner {
  return side === "expected" ? EXPECTED_OWNER : { label: columns[side]!.short, kind: "core" };
}

/** The sentence of the difference a bit belongs to, for one pair. */
function differenceAt(pair: BitPair | undefined, bit: number): BitDifference | undefined {
  return pair?.differences.find((difference) => bit <= difference.high && bit >= difference.low);
}

function bitRow(label: Markup, value: bigint | undefined, missing: string | undefined, layout: BitLayout, pair: BitPair | undefined, columns: readonly LabelledReport[], column: number | "expected"): Markup {
  const width = layout.width;
  if (value === undefined) return html`<tr data-row="${column}"><th scope="row">${label}</th><td></td><td class="missing" colspan="${width}">${missing ?? "no value of this layout"}</td></tr>`;
  const cells: Markup[] = [];
  for (let bit = width - 1; bit >= 0; bit--) {
    const set = Number((value >> BigInt(bit)) & 1n);
    const difference = differenceAt(pair, bit);
    cells.push(
      difference === undefined
        ? html`<td class="b${set}">${set}</td>`
        : html`<td class="b${set} x" data-bit="${bit}" title="${describeBitDifference(difference, ownerOf(pair!.a, columns), ownerOf(pair!.b, columns))}">${set}</td>`,
    );
  }
  return html`<tr data-row="${column}"><th scope="row">${label}</th><td class="hex" title="${hexOf(value, width)}"><code>0x${value.toString(16)}</code></td>${cells}</tr>`;
}

function bitTable(field: FieldComparison, bits: BitComparison, columns: readonly LabelledReport[]): Markup {
  const { layout } = bits.layout;
  const differing = new Set<string>();
  const sentences: string[] = [];
  for (const pair of bits.pairs) {
    for (const difference of pair.differences) {
      for (let bit = difference.low; bit <= difference.high; bit++) differing.add(String(bit));
      sentences.push(describeBitDifference(difference, ownerOf(pair.a, columns), ownerOf(pair.b, columns)));
    }
  }
  const head = layoutGroups(layout).map((group) => {
    const range = group.high === group.low ? `bit ${group.low}` : `bits ${group.high}–${group.low}`;
    const marked = Array.from({ length: group.high - group.low + 1 }, (_, i) => String(group.low + i)).some((bit) => differing.has(bit));
    return html`<th colspan="${group.high - group.low + 1}" class="${group.name ? "" : "reserved"}${marked ? " x" : ""}" title="${group.name ?? "reserved"} (${range})${group.description ? `: ${group.description}` : ""}">${group.name ?? ""}</th>`;
  });
  const pairOf = (column: number): BitPair | undefined => bits.pairs.find((pair) => pair.a === column);
  const rows = [
    field.expected === undefined ? "" : bitRow(html`expected`, bits.expected, "the expected value has none of this layout", layout, undefined, columns, "expected"),
    ...columns.map(({ short }, column) => {
      const value = field.values[column]!;
      const missing = value.kind === "missing" ? value.why : bits.layout.faultVector !== undefined ? `no ${bits.layout.faultVector} error code` : undefined;
      return bitRow(html`${short}${column === bits.reference ? html` <span class="muted">(compared with)</span>` : ""}`, bits.values[column], missing, layout, pairOf(column), columns, column);
    }),
  ];
  return html`<figure class="bitcmp" data-layout="${bits.layout.name}" data-field="${field.field}">
    <figcaption><strong>${layout.title}</strong> <code>${field.field}</code>${bits.layout.faultVector ? html` <span class="muted">(the error code of a ${bits.layout.faultVector})</span>` : ""}</figcaption>
    <div class="scroll"><table class="bitcmp w${layout.width}"><thead><tr><th></th><th></th>${head}</tr></thead><tbody>${rows}</tbody></table></div>
    ${sentences.length > 0 ? html`<ul class="bit-notes">${sentences.map((sentence) => html`<li>${sentence}</li>`)}</ul>` : html`<p class="muted">The values drawn agree bit for bit.</p>`}
  </figure>`;
}

function stepBlock(step: StepComparison, columns: readonly LabelledReport[]): Markup {
  const fields = step.fields.map((field) => {
    const reference = referenceOf(field);
    return html`<tr>
      <th scope="row"><code>${field.field}</code></th>
      <td class="expected">${field.expected === undefined ? html`<span class="muted">—</span>` : html`<code>${field.expected.value === undefined ? "none" : compact(field.expected.value)}</code>`}</td>
      ${field.values.map((value, column) => fieldValue(value, field, column, reference, columns))}
    </tr>`;
  });
  return html`<div class="step-cmp">
    <h5>step ${step.index} <code>${step.op}</code>${step.args ? html` <code class="args">${compact(step.args)}</code>` : ""}</h5>
    <div class="scroll"><table class="fields">
      <thead><tr><th>field</th><th>expected</th>${columns.map(({ short }) => html`<th>${short}</th>`)}</tr></thead>
      <tbody>${fields}</tbody>
    </table></div>
    ${step.agreeing > 0 ? html`<p class="muted">${step.agreeing} other field${step.agreeing === 1 ? "" : "s"} of this step agree wherever observed.</p>` : ""}
    ${step.fields.flatMap((field) => (field.bits ? [bitTable(field, field.bits, columns)] : []))}
  </div>`;
}

const caseName = (row: ComparedRow): string => row.id ?? row.file;

function disagreement(row: ComparedRow, columns: readonly LabelledReport[]): Markup {
  const why = [row.statusesDiffer ? "statuses differ" : "", row.observationsDiffer ? "observations differ" : ""].filter(Boolean).join("; ");
  return html`<article class="disagreement" id="diff-${row.index}" data-area="${row.area}" data-profile="${row.profile}">
    <h4><a href="#case-${row.index}">${caseName(row)}</a> <span class="muted">[${profileLabel(row)}] · ${row.area} · ${why}</span></h4>
    ${row.title ? html`<p class="case-title">${row.title}</p>` : ""}
    <table class="verdicts"><tbody>${columns.map(({ short, label }, column) => {
      const cell = row.cells[column];
      return html`<tr><th scope="row" title="${label}">${short}</th><td>${statusBadge(cell)}</td><td class="reason">${cell?.reason && cell.status !== "pass" ? firstLine(cell.reason) : ""}</td></tr>`;
    })}</tbody></table>
    ${(row.steps ?? []).map((step) => stepBlock(step, columns))}
    ${(row.steps ?? []).length === 0 ? html`<p class="muted">No report kept steps to compare: the statuses alone differ.</p>` : ""}
  </article>`;
}

export function sideBySideSection(model: HtmlModel): Markup {
  const { sideBySide, columns } = model;
  if (columns.length < 2) return html``;
  const drawn = sideBySide.disagreements.slice(0, MAX_DRAWN);
  const listed = sideBySide.disagreements.slice(MAX_DRAWN);
  return html`<section id="side-by-side" class="overview">
    <h2>Side by side</h2>
    <p class="muted">Each core's results per area; <em>ran</em> is the share of a core's results it did not skip (hover for the numbers). Cores <em>disagree</em> on a result when their statuses differ among the cores that ran it, or when two of them observed different values. Values are compared with the first column that has one: give the reference model first.</p>
    ${summaryTable(sideBySide.summary, columns)}
    <h3 id="disagreements">Where the cores disagree (${sideBySide.disagreements.length})</h3>
    ${sideBySide.disagreements.length === 0 ? html`<p>Nowhere: every result that ran in several reports has the same status and the same observations.</p>` : ""}
    ${drawn.map((row) => disagreement(row, columns))}
    ${listed.length > 0 ? html`<p>${listed.length} more, drawn in their case views:</p><ul class="more-disagreements">${listed.map((row) => html`<li><a href="#case-${row.index}">${caseName(row)}</a> [${profileLabel(row)}]</li>`)}</ul>` : ""}
  </section>`;
}

/** The rows drawn in full in the side-by-side section. */
export function drawnRows(model: HtmlModel): Set<number> {
  return new Set(model.columns.length < 2 ? [] : model.sideBySide.disagreements.slice(0, MAX_DRAWN).map((row) => row.index));
}
