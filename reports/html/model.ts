/**
 * What the HTML report shows, computed from the reports and the spec data
 * versioned with the tool (clause sentences and sources, bit layouts): one
 * row per result key across every report column (side-by-side.ts), the
 * clause × status counts per column and profile, and the bit diagrams with
 * the clauses covering each bit.
 */
import type { Spec } from "../../spec";
import type { BaselineEntry, BitCoverage, BitLayout, Clause, Status } from "../../spec/types/generated";
import { resultKey, type GateVerdict } from "../baseline";
import { bitSpecFrom, type BitSpec } from "../bits";
import type { LabelledReport } from "../labels";
import { compareReports, NO_AREA, NO_PROFILE, type ComparedRow, type SideBySide } from "../side-by-side";
import { worstStatus } from "../status";

export { NO_AREA, NO_PROFILE };

export type SpecClause = Clause & { area: string };

/** The spec data the HTML report reads: clauses, bit layouts, and which observed values have a layout. */
export interface HtmlSpec {
  clauses: ReadonlyMap<string, SpecClause>;
  layouts: Readonly<Record<string, BitLayout | undefined>>;
  bits: BitSpec;
}

export function htmlSpecFrom(spec: Spec): HtmlSpec {
  const bits = bitSpecFrom(spec);
  return { clauses: spec.clauses, layouts: bits.layouts, bits };
}

export type ProfileCounts = Record<string, Partial<Record<Status, number>>>;

export interface ClauseRow {
  id: string;
  area: string;
  /** Undefined when the clause is cited by a case but absent from this hvabi's spec. */
  clause?: SpecClause;
  /** Per report column: profile → status → number of results citing the clause. */
  counts: ProfileCounts[];
  /** Shown in the matrix (its area has results); clauses only covering bits are listed for the diagrams. */
  inMatrix: boolean;
}

export interface CaseRow extends ComparedRow {
  /** The baseline entry for this result (single report with --baseline). */
  baseline?: BaselineEntry;
}

export interface BitGroup {
  high: number;
  low: number;
  /** Field name, or undefined for reserved bits. */
  field?: string;
  description?: string;
  /** Indexes into {@link HtmlModel.clauses} of the clauses covering these bits. */
  clauses: number[];
  /** Per report column: the worst status of the covering clauses' results, "untested" or "uncovered". */
  states: BitState[];
}

export type BitState = Status | "untested" | "uncovered";

export interface BitDiagram {
  register: BitCoverage["register"];
  layout: BitLayout;
  /** Rows of at most 32 bits, high bits first. */
  rows: BitGroup[][];
}

export interface HtmlModel {
  columns: LabelledReport[];
  areas: string[];
  profiles: string[];
  clauses: ClauseRow[];
  cases: CaseRow[];
  /** The reports compared: summaries per area and the results where the cores disagree. */
  sideBySide: SideBySide;
  diagrams: BitDiagram[];
  gate?: { verdict: GateVerdict; baseline: string };
}

/** Which registers are drawn, in this order. Adding a register to the `covers` enum fails the build until it is placed here. */
const DIAGRAM_ORDER = { pte: 0, cr4: 1, cr0: 2 } satisfies Record<BitCoverage["register"], number>;
const DIAGRAM_REGISTERS = (Object.keys(DIAGRAM_ORDER) as BitCoverage["register"][]).sort((a, b) => DIAGRAM_ORDER[a] - DIAGRAM_ORDER[b]);

function buildCases(rows: readonly CaseRow[], gate: HtmlModel["gate"]): CaseRow[] {
  if (gate !== undefined) {
    const entries = new Map(gate.verdict.expected.map(({ entry }) => [resultKey(entry.id, entry.profile), entry]));
    for (const item of gate.verdict.unexpected) if (item.entry) entries.set(resultKey(item.entry.id, item.entry.profile), item.entry);
    for (const row of rows) {
      const entry = row.id === null ? undefined : entries.get(resultKey(row.id, row.profile === NO_PROFILE ? null : row.profile));
      if (entry !== undefined) row.baseline = entry;
    }
  }
  return [...rows];
}

function buildClauses(spec: HtmlSpec, columns: readonly LabelledReport[], areas: readonly string[]): ClauseRow[] {
  const rows = new Map<string, ClauseRow>();
  const empty = (): ProfileCounts[] => columns.map(() => ({}));
  for (const clause of spec.clauses.values()) {
    const inMatrix = areas.includes(clause.area);
    if (inMatrix || (clause.covers ?? []).length > 0) rows.set(clause.id, { id: clause.id, area: clause.area, clause, counts: empty(), inMatrix });
  }
  columns.forEach(({ report }, column) => {
    for (const result of report.results) {
      for (const id of result.clauses ?? []) {
        let row = rows.get(id);
        if (row === undefined) {
          row = { id, area: result.area ?? NO_AREA, counts: empty(), inMatrix: true };
          rows.set(id, row);
        }
        const byProfile = (row.counts[column]![result.profile ?? NO_PROFILE] ??= {});
        byProfile[result.status] = (byProfile[result.status] ?? 0) + 1;
      }
    }
  });
  // Catalogue order within an area; clauses unknown to the spec after the known ones.
  const order = [...rows.values()];
  return order.sort((a, b) => (a.area === b.area ? Number(a.clause === undefined) - Number(b.clause === undefined) : a.area < b.area ? -1 : 1));
}

/** Statuses present for a clause in one column, over every profile. */
function clauseStatuses(row: ClauseRow, column: number): Status[] {
  const present = new Set<Status>();
  for (const counts of Object.values(row.counts[column] ?? {})) {
    for (const [status, n] of Object.entries(counts) as [Status, number][]) if (n > 0) present.add(status);
  }
  return [...present];
}

function bitState(clauses: readonly ClauseRow[], indexes: readonly number[], column: number): BitState {
  if (indexes.length === 0) return "uncovered";
  return worstStatus(indexes.flatMap((i) => clauseStatuses(clauses[i]!, column))) ?? "untested";
}

function buildDiagrams(spec: HtmlSpec, clauses: readonly ClauseRow[], columnCount: number): BitDiagram[] {
  const diagrams: BitDiagram[] = [];
  for (const register of DIAGRAM_REGISTERS) {
    const layout = spec.layouts[register];
    if (layout === undefined) continue;
    const covering = (bit: number): number[] =>
      clauses.flatMap((row, i) => ((row.clause?.covers ?? []).some((c) => c.register === register && c.bits.includes(bit)) ? [i] : []));
    const fieldAt = (bit: number) => layout.fields.find((f) => bit >= f.low && bit <= (f.high ?? f.low));
    const rows: BitGroup[][] = [];
    for (let top = layout.width - 1; top >= 0; top -= 32) {
      const row: BitGroup[] = [];
      for (let bit = top; bit > top - 32 && bit >= 0; bit--) {
        const field = fieldAt(bit);
        const cover = covering(bit);
        const last = row.at(-1);
        if (last !== undefined && last.field === field?.name && last.clauses.join() === cover.join()) {
          last.low = bit;
          continue;
        }
        row.push({ high: bit, low: bit, ...(field ? { field: field.name, description: field.description } : {}), clauses: cover, states: [] });
      }
      for (const group of row) group.states = Array.from({ length: columnCount }, (_, column) => bitState(clauses, group.clauses, column));
      rows.push(row);
    }
    diagrams.push({ register, layout, rows });
  }
  return diagrams;
}

export function buildModel(columns: readonly LabelledReport[], spec: HtmlSpec, gate?: HtmlModel["gate"]): HtmlModel {
  const sideBySide = compareReports(columns, spec.bits);
  const cases = buildCases(sideBySide.rows, gate);
  const areas = [...new Set(cases.map((row) => row.area))].sort();
  const profiles = [...new Set(cases.map((row) => row.profile))].sort((a, b) => Number(a === NO_PROFILE) - Number(b === NO_PROFILE) || (a < b ? -1 : a > b ? 1 : 0));
  const clauses = buildClauses(spec, columns, areas);
  return { columns: [...columns], areas, profiles, clauses, cases, sideBySide, diagrams: buildDiagrams(spec, clauses, columns.length), ...(gate ? { gate } : {}) };
}
