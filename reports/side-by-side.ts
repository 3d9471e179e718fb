/**
 * Reports side by side, for every format that shows several: one row per
 * case and profile with each report's result, a summary per report and area,
 * and where the cores disagree — their statuses differ among the results that
 * ran, or two of them observed different values — each step's differing
 * fields with every core's value, values of a known bit layout decoded bit by
 * bit (bits.ts). Typically the reference model, a second implementation and
 * the real hypervisor, which skips much of what it cannot set up.
 */
import type { CaseResult, StepReport, Status } from "../spec/types/generated";
import { bitDifferences, fieldLayout, layoutValue, type BitDifference, type BitSpec, type FieldLayout } from "./bits";
import { diffKey } from "./diff";
import type { LabelledReport } from "./labels";

/** Profile key for results tied to no profile (invalid case files). */
export const NO_PROFILE = "(no profile)";
export const NO_AREA = "(no area)";

/** What one core has for one field of a step. */
export type FieldValue =
  /** `value` undefined: the observation has no such fault or status (which is itself an outcome). */
  | { kind: "observed"; value: unknown }
  /** Nothing to show, and why: skipped, no steps kept, not observed… */
  | { kind: "missing"; why: string };

/** Where two values of a known layout differ: `a` versus `b` (a column, or the expected value). */
export interface BitPair {
  a: number;
  b: number | "expected";
  differences: BitDifference[];
}

export interface BitComparison {
  layout: FieldLayout;
  /** The expected value, when the case names one of this layout. */
  expected?: bigint;
  /** Per column; undefined where the core has no value of the layout (missing, another vector, not hex). */
  values: (bigint | undefined)[];
  /** The column the others are compared with: the first with a value (put the reference model first). */
  reference?: number;
  /** The reference against the expected value, then every other column against the reference, where they differ. */
  pairs: BitPair[];
}

export interface FieldComparison {
  /** As in a mismatch: `result`, `fault`, `status`, `log`, `returns.<key>`, `state.<key>`. */
  field: string;
  /** What the case expected of the field; undefined when it names nothing for it or allows several outcomes. */
  expected?: { value: unknown };
  values: FieldValue[];
  /** Two cores observed different values. */
  disputed: boolean;
  /** Per column: the runner found this field differing from the expectation. */
  mismatched: boolean[];
  bits?: BitComparison;
}

export interface StepComparison {
  index: number;
  op: string;
  args?: Record<string, unknown>;
  /** The fields two cores disagree on, or some core got wrong; in observation order. */
  fields: FieldComparison[];
  /** Fields compared and found alike everywhere. */
  agreeing: number;
  /** Per column: why it has no observation of this step; undefined where it has one. */
  missing: (string | undefined)[];
}

export interface ComparedRow {
  /** Position, used for element ids: never derived from case strings. */
  index: number;
  key: string;
  id: string | null;
  file: string;
  area: string;
  profile: string;
  /** The base profile, for a case that applies to this profile only through its `basedOn`. */
  inheritedFrom?: string;
  title?: string;
  clauses: string[];
  polarity?: string;
  /** Per column; undefined where that report has no such result. */
  cells: (CaseResult | undefined)[];
  /** Statuses differ at all, a skip or a missing result included. */
  differs: boolean;
  /** Among the results that ran (present and not skipped), the statuses differ. */
  statusesDiffer: boolean;
  /** Two cores observed different values for a field of a step. */
  observationsDiffer: boolean;
  /** The cores disagree: statuses differ among those that ran, or observations differ. */
  disagree: boolean;
  /** For a row where the cores disagree: the steps with a differing field. */
  steps?: StepComparison[];
}

/** One report's results in one area (or in all). */
export interface ColumnSummary {
  results: number;
  pass: number;
  fail: number;
  /** error, core-error, crash and timeout. */
  error: number;
  skip: number;
  /** Results that ran: every one not skipped. */
  ran: number;
  /** Rows of the area this report has no result for. */
  absent: number;
  counts: Partial<Record<Status, number>>;
}

export interface AreaSummary {
  /** An area, or undefined for the line over all areas. */
  area?: string;
  rows: number;
  columns: ColumnSummary[];
  /** Rows where the cores disagree. */
  disagreements: number;
}

export interface SideBySide {
  columns: readonly LabelledReport[];
  rows: ComparedRow[];
  /** Per area, then the total. */
  summary: AreaSummary[];
  disagreements: ComparedRow[];
}

export const ERROR_STATUSES: readonly Status[] = ["error", "core-error", "crash", "timeout"];

/** A result ran when the core gave a verdict on it: present and not skipped. */
const ran = (cell: CaseResult | undefined): cell is CaseResult => cell !== undefined && cell.status !== "skip";

const firstLine = (text: string): string => text.split("\n")[0]!;

/** Why a report has no observation to show for a result's steps. */
export function whyNoSteps(cell: CaseResult | undefined): string {
  if (cell === undefined) return "no result in this report";
  switch (cell.status) {
    case "pass":
      return "passed; steps of passing results are kept only with --detail all";
    case "skip":
      return `skipped: ${cell.reason ?? "no reason given"}`;
    case "error":
      return "the case file is invalid";
    default:
      return `${cell.status}: ${firstLine(cell.reason ?? "no steps reported")}`;
  }
}

/** A value in a form where equal values are equal text: object keys sorted, hex numbers in one spelling. */
function canonical(value: unknown): unknown {
  if (typeof value === "string" && /^0x[0-9a-f]+$/i.test(value)) return `0x${BigInt(value).toString(16)}`;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** The fields of an observation or an outcome, by the names mismatches use. */
function fieldsOf(outcome: object | null | undefined): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (outcome === null || outcome === undefined) return fields;
  const record = outcome as Record<string, unknown>;
  for (const name of ["result", "fault", "status", "log"]) if (name in record) fields.set(name, record[name]);
  for (const group of ["returns", "state"]) {
    const values = record[group];
    if (typeof values === "object" && values !== null) for (const [key, value] of Object.entries(values)) fields.set(`${group}.${key}`, value);
  }
  return fields;
}

/** Fault and status are compared exactly: an observation without one says there was none. */
const ABSENCE_IS_AN_OUTCOME = new Set(["result", "fault", "status"]);

function compareStep(index: number, cells: readonly (CaseResult | undefined)[], spec: BitSpec): StepComparison | undefined {
  const steps: (StepReport | undefined)[] = cells.map((cell) => cell?.steps?.[index]);
  const subject = steps.find((step) => step !== undefined);
  if (subject === undefined) return undefined;
  const missing = cells.map((cell, column) => {
    const step = steps[column];
    if (step === undefined) return cell?.steps ? "no such step in this report" : whyNoSteps(cell);
    return step.observed === null ? "the core gave no observation" : undefined;
  });
  const observed = steps.map((step) => fieldsOf(step?.observed));
  const expectation = subject.expected.acceptable === undefined ? fieldsOf(subject.expected) : new Map<string, unknown>();
  // Fields to compare: those expected, and those at least two cores observed.
  const seen = new Map<string, number>();
  for (const fields of observed) for (const name of fields.keys()) seen.set(name, (seen.get(name) ?? 0) + 1);
  const names = [...new Set([...expectation.keys(), ...[...seen].filter(([, n]) => n >= 2).map(([name]) => name)])];
  for (const name of ABSENCE_IS_AN_OUTCOME) if (!names.includes(name) && (seen.has(name) || expectation.has(name))) names.push(name);

  const fields: FieldComparison[] = [];
  let agreeing = 0;
  for (const name of names) {
    const values: FieldValue[] = cells.map((_, column) => {
      const why = missing[column];
      if (why !== undefined) return { kind: "missing", why };
      if (observed[column]!.has(name) || ABSENCE_IS_AN_OUTCOME.has(name)) return { kind: "observed", value: observed[column]!.get(name) };
      return { kind: "missing", why: "not observed" };
    });
    const present = values.flatMap((value) => (value.kind === "observed" ? [value.value] : []));
    const disputed = present.some((value) => !sameValue(value, present[0]));
    const mismatched = steps.map((step) => step?.mismatches.some((m) => m.field === name) ?? false);
    if (!disputed && !mismatched.includes(true)) {
      if (present.length > 0) agreeing++;
      continue;
    }
    const field: FieldComparison = { field: name, values, disputed, mismatched };
    if (expectation.has(name)) field.expected = { value: expectation.get(name) };
    const bits = compareBits(spec, name, subject, field);
    if (bits !== undefined) field.bits = bits;
    fields.push(field);
  }
  if (fields.length === 0) return undefined;
  return { index, op: subject.op, ...(subject.args ? { args: subject.args } : {}), fields, agreeing, missing };
}

function compareBits(spec: BitSpec, name: string, step: StepReport, field: FieldComparison): BitComparison | undefined {
  const candidates = [field.expected?.value, ...field.values.map((value) => (value.kind === "observed" ? value.value : undefined))];
  const layout = fieldLayout(spec, name, step, candidates);
  if (layout === undefined) return undefined;
  const values = field.values.map((value) => (value.kind === "observed" ? layoutValue(layout, value.value) : undefined));
  const expected = field.expected === undefined ? undefined : layoutValue(layout, field.expected.value);
  if (expected === undefined && values.every((value) => value === undefined)) return undefined;
  const reference = values.findIndex((value) => value !== undefined);
  const pairs: BitPair[] = [];
  if (reference >= 0) {
    const base = values[reference]!;
    if (expected !== undefined && expected !== base) pairs.push({ a: reference, b: "expected", differences: bitDifferences(layout.layout, base, expected) });
    values.forEach((value, column) => {
      if (column !== reference && value !== undefined && value !== base) pairs.push({ a: column, b: reference, differences: bitDifferences(layout.layout, value, base) });
    });
  }
  return { layout, ...(expected === undefined ? {} : { expected }), values, ...(reference >= 0 ? { reference } : {}), pairs };
}

function compareRow(row: ComparedRow, spec: BitSpec): void {
  const statuses = row.cells.map((cell) => cell?.status ?? "none");
  row.differs = statuses.some((status) => status !== statuses[0]);
  const running = row.cells.filter(ran);
  row.statusesDiffer = running.some((cell) => cell.status !== running[0]!.status);
  const withSteps = row.cells.filter((cell) => cell?.steps && cell.steps.length > 0);
  let steps: StepComparison[] = [];
  if (withSteps.length >= 2 || (row.statusesDiffer && withSteps.length >= 1)) {
    const count = Math.max(...withSteps.map((cell) => cell!.steps!.length));
    steps = Array.from({ length: count }, (_, index) => compareStep(index, row.cells, spec)).filter((step) => step !== undefined);
  }
  row.observationsDiffer = steps.some((step) => step.fields.some((field) => field.disputed));
  row.disagree = row.statusesDiffer || row.observationsDiffer;
  if (row.disagree) row.steps = steps;
}

function summarise(rows: readonly ComparedRow[], columns: number, area?: string): AreaSummary {
  const here = area === undefined ? rows : rows.filter((row) => row.area === area);
  const summaries = Array.from({ length: columns }, (_, column): ColumnSummary => {
    const summary: ColumnSummary = { results: 0, pass: 0, fail: 0, error: 0, skip: 0, ran: 0, absent: 0, counts: {} };
    for (const row of here) {
      const cell = row.cells[column];
      if (cell === undefined) {
        summary.absent++;
        continue;
      }
      summary.results++;
      summary.counts[cell.status] = (summary.counts[cell.status] ?? 0) + 1;
      if (cell.status === "pass" || cell.status === "fail" || cell.status === "skip") summary[cell.status]++;
      else summary.error++;
      if (ran(cell)) summary.ran++;
    }
    return summary;
  });
  return { ...(area === undefined ? {} : { area }), rows: here.length, columns: summaries, disagreements: here.filter((row) => row.disagree).length };
}

/** One row per case and profile over every report, in the order the reports list them. */
export function caseRows(columns: readonly LabelledReport[]): ComparedRow[] {
  const rows = new Map<string, ComparedRow>();
  columns.forEach(({ report }, column) => {
    for (const result of report.results) {
      const key = diffKey(result);
      let row = rows.get(key);
      if (row === undefined) {
        row = {
          index: rows.size,
          key,
          id: result.id,
          file: result.file,
          area: result.area ?? NO_AREA,
          profile: result.profile ?? NO_PROFILE,
          clauses: [],
          cells: columns.map(() => undefined),
          differs: false,
          statusesDiffer: false,
          observationsDiffer: false,
          disagree: false,
        };
        rows.set(key, row);
      }
      // Later columns fill in what earlier ones lack (a report where the file did not load has no title).
      row.title ??= result.title;
      row.polarity ??= result.polarity;
      row.inheritedFrom ??= result.inheritedFrom;
      if (row.clauses.length === 0 && result.clauses) row.clauses = result.clauses;
      if (row.cells[column] === undefined) row.cells[column] = result;
    }
  });
  return [...rows.values()];
}

export function compareReports(columns: readonly LabelledReport[], spec: BitSpec): SideBySide {
  const rows = caseRows(columns);
  if (columns.length > 1) for (const row of rows) compareRow(row, spec);
  const areas = [...new Set(rows.map((row) => row.area))].sort();
  const summary = [...areas.map((area) => summarise(rows, columns.length, area)), summarise(rows, columns.length)];
  return { columns, rows, summary, disagreements: rows.filter((row) => row.disagree) };
}

/** The share of a report's results that ran, as a whole percentage (`—` with no results). */
export function ranShare(summary: ColumnSummary): string {
  return summary.results === 0 ? "—" : `${Math.round((100 * summary.ran) / summary.results)} %`;
}
