/**
 * What the page script needs to draw a case view when it is opened: every
 * row's facts, results and steps, and the clauses they cite. Drawing each
 * view only when asked keeps a page of three reports of thousands of results
 * a few MB and quick to open. Values repeat a great deal (the same expected
 * outcome observed by three cores, the same skip reason hundreds of times),
 * so each distinct value is stored once and referred to by its position.
 *
 * It is embedded with jsonForScript and read by the script as data, never as
 * markup: nothing in it can become code.
 */
import type { CaseResult, Source } from "../../spec/types/generated";
import { formatProblem } from "../../spec/validation/schema-errors";
import { sourceHref, sourceText } from "./sources";
import type { CaseRow, HtmlModel, SpecClause } from "./model";

/** A step: [op, args, expected, observed (-1: nothing observed), mismatches], each a position in `values` (args -1: none). */
export type StepData = [number, number, number, number, number];

export interface CellData {
  /** Status. */
  s: string;
  /** Duration in whole ms (the view shows hundredths of a second). */
  t: number;
  /** Reason (a position in `values`). */
  r?: number;
  /** Core stderr (a position in `values`). */
  e?: number;
  /** Located problems of an invalid case file, in words. */
  p?: string[];
  steps?: StepData[];
}

/** What the rows of one case file share, whatever the profile. */
export interface CaseFacts {
  id: string | null;
  file: string;
  area: string;
  title?: string;
  polarity?: string;
  clauses: string[];
}

/** One row of the case list: a case in one profile. */
export interface RowData {
  /** The case (a position in `cases`). */
  c: number;
  profile: string;
  /** The base profile, where the case applies to this profile only through its `basedOn`. */
  from?: string;
  baseline?: { status: string; reason: string; issue?: string };
  /** The cores disagree on this result (side-by-side.ts). */
  disagree?: 1;
  /** The row has an entry in the side-by-side section. */
  compared?: 1;
  /** Per report column; 0 where it has no such result. */
  cells: (CellData | 0)[];
}

export interface ClauseData {
  area: string;
  profiles: string[];
  sentence: string;
  /** Text, and a link for a source in a repository. */
  sources: [string, string?][];
  /** Profiles the clause does not hold in although their base does: the profile, the reason, its sources. */
  excluded?: [string, string, [string, string?][]][];
  note?: string;
}

export interface CaseData {
  /** Column headings, and the full label of each column. */
  labels: string[];
  titles: string[];
  values: unknown[];
  cases: CaseFacts[];
  clauses: Record<string, ClauseData>;
  rows: RowData[];
}

class Interner {
  readonly values: unknown[] = [];
  private readonly positions = new Map<string, number>();
  at(value: unknown): number {
    const key = JSON.stringify(value) ?? "undefined";
    let position = this.positions.get(key);
    if (position === undefined) {
      position = this.values.length;
      this.values.push(value ?? null);
      this.positions.set(key, position);
    }
    return position;
  }
}

function cellData(cell: CaseResult, values: Interner): CellData {
  const data: CellData = { s: cell.status, t: Math.round(cell.durationMs) };
  if (cell.reason !== undefined) data.r = values.at(cell.reason);
  if (cell.stderr) data.e = values.at(cell.stderr);
  if (cell.problems && cell.problems.length > 0) data.p = cell.problems.map((problem) => formatProblem(cell.file, problem));
  if (cell.steps && cell.steps.length > 0) {
    data.steps = cell.steps.map((step) => [
      values.at(step.op),
      step.args === undefined ? -1 : values.at(step.args),
      values.at(step.expected),
      step.observed === null ? -1 : values.at(step.observed),
      values.at(step.mismatches),
    ]);
  }
  return data;
}

function rowData(row: CaseRow, values: Interner, compared: ReadonlySet<number>, cases: CaseFacts[], known: Map<string, number>): RowData {
  const facts: CaseFacts = { id: row.id, file: row.file, area: row.area, clauses: row.clauses };
  if (row.title !== undefined) facts.title = row.title;
  if (row.polarity !== undefined) facts.polarity = row.polarity;
  const key = JSON.stringify(facts);
  let position = known.get(key);
  if (position === undefined) {
    position = cases.push(facts) - 1;
    known.set(key, position);
  }
  const data: RowData = { c: position, profile: row.profile, cells: row.cells.map((cell) => (cell === undefined ? 0 : cellData(cell, values))) };
  if (row.inheritedFrom !== undefined) data.from = row.inheritedFrom;
  if (row.baseline) data.baseline = { status: row.baseline.status, reason: row.baseline.reason, ...(row.baseline.issue ? { issue: row.baseline.issue } : {}) };
  if (row.disagree) data.disagree = 1;
  if (compared.has(row.index)) data.compared = 1;
  return data;
}

function sourceData(source: Source): [string, string?] {
  const href = sourceHref(source);
  return href === undefined ? [sourceText(source)] : [sourceText(source), href];
}

function excludedData(clause: SpecClause): Pick<ClauseData, "excluded"> {
  const excluded = Object.entries(clause.excludedProfiles ?? {}).flatMap(([profile, exclusion]): [string, string, [string, string?][]][] =>
    exclusion === undefined ? [] : [[profile, exclusion.reason, exclusion.sources.map(sourceData)]],
  );
  return excluded.length > 0 ? { excluded } : {};
}

function clauseData(clause: SpecClause): ClauseData {
  return {
    area: clause.area,
    profiles: clause.profiles,
    sentence: clause.sentence,
    sources: clause.sources.map(sourceData),
    ...excludedData(clause),
    ...(clause.note ? { note: clause.note } : {}),
  };
}

/** The data of every case view; `compared`: the rows drawn in the side-by-side section. */
export function caseData(model: HtmlModel, clauses: ReadonlyMap<string, SpecClause>, compared: ReadonlySet<number>): CaseData {
  const values = new Interner();
  const cases: CaseFacts[] = [];
  const known = new Map<string, number>();
  const rows = model.cases.map((row) => rowData(row, values, compared, cases, known));
  const cited: Record<string, ClauseData> = {};
  for (const row of model.cases) {
    for (const id of row.clauses) {
      const clause = clauses.get(id);
      if (clause !== undefined && cited[id] === undefined) cited[id] = clauseData(clause);
    }
  }
  return { labels: model.columns.map(({ short }) => short), titles: model.columns.map(({ label, source }) => `${label} (${source})`), values: values.values, cases, clauses: cited, rows };
}
