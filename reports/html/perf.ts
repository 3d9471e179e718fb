/** The performance section of the HTML report: cores side by side (perf-table.ts). Every value goes through the `html` tag. */
import type { PerfReport } from "../../spec/types/generated";
import { PERF_NOTE, perfCircumstances, perfNotes, perfTable } from "../perf-table";
import { html, type Markup } from "./markup";

export function performanceSection(perf: PerfReport): Markup {
  const table = perfTable(perf);
  const many = table.columns.length > 1;
  const head = html`<tr><th rowspan="2">measurement</th><th rowspan="2">cases</th>${table.columns.map(
    (column, i) => html`<th colspan="${i > 0 ? 6 : 5}" title="${column.coreRef}">${column.label}</th>`,
  )}</tr>
    <tr>${table.columns.map((_, i) => html`<th>cases/s</th><th title="every step of the cases">ops/s</th><th>mean</th><th>p99</th><th>samples</th>${i > 0 ? html`<th title="cases/s over the first core's">ratio</th>` : ""}`)}</tr>`;
  const rows = table.rows.map(
    (row) => html`<tr data-kind="${row.kind}">
      <th scope="row">${row.kind} <code>${row.name}</code></th>
      <td class="num">${row.inputs}</td>
      ${row.cells.map(
        (cell, i) => html`<td class="num${cell.note ? " noted" : ""}" title="${cell.note ?? ""}">${cell.casesPerSecond}</td><td class="num">${cell.operationsPerSecond}</td><td class="num">${cell.meanMs}</td><td class="num">${cell.p99Ms}</td><td class="num">${cell.samples}</td>${
          i > 0 ? html`<td class="num">${cell.ratio}</td>` : ""
        }`,
      )}
    </tr>`,
  );
  const notes = perfNotes(table).map((note) => html`<li>${note}</li>`);
  return html`<section id="performance" class="overview">
    <h2>Performance${many ? ": cores side by side" : ""}</h2>
    <p class="muted">${perfCircumstances(perf)}</p>
    <div class="scroll"><table class="perf"><thead>${head}</thead><tbody>${rows}</tbody></table></div>
    ${notes.length > 0 ? html`<ul class="muted">${notes}</ul>` : ""}
    <p class="muted">${PERF_NOTE}</p>
  </section>`;
}
