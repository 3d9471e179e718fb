/** Reports and spec data the report tests share: runs of the fixture corpus on the reference core, and x86 fixture clauses with `covers`. */
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSpec } from "../../spec";
import type { ClauseCatalogue, Report } from "../../spec/types/generated";
import { createReferenceExecutor } from "../../core/reference";
import { inProcessCore } from "../../core/adapters/in-process";
import { runSuite, type RunOptions } from "../../runner/run";
import { htmlSpecFrom, type HtmlSpec } from "../../reports/html";
import type { SpecClause } from "../../reports/html/model";
import { labelReports, type LabelledReport } from "../../reports/labels";
import { ROOT, tempDir } from "../helpers";

export const FIXTURES = join(ROOT, "test", "fixtures");
export const CORPUS = join(FIXTURES, "corpus");
export const BROKEN = join(FIXTURES, "broken");

/** Runs case paths on the reference core in this process. */
export async function runFixtures(paths: string[], options: Partial<RunOptions> = {}): Promise<Report> {
  const core = inProcessCore(createReferenceExecutor());
  try {
    return await runSuite(core, loadSpec(), { paths, ...options });
  } finally {
    await core.close();
  }
}

export const readJsonFile = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

/** A report of pte/cr4 results written by hand: fail, pass, skip, crash and timeout on clauses that cover bits. */
export const x86Report = (): Report => readJsonFile<Report>(join(FIXTURES, "html", "x86-report.json"));

/**
 * hvabi's spec data with the x86 fixture clauses as the only ones covering
 * register bits, so the bit diagrams the tests check do not move when the
 * real catalogues gain clauses.
 */
export function fixtureHtmlSpec(): HtmlSpec {
  const base = htmlSpecFrom(loadSpec());
  const clauses = new Map<string, SpecClause>([...base.clauses].filter(([, clause]) => (clause.covers ?? []).length === 0));
  for (const file of ["pte-clauses.json", "cr4-clauses.json"]) {
    const catalogue = readJsonFile<ClauseCatalogue>(join(FIXTURES, "html", file));
    for (const clause of catalogue.clauses) clauses.set(clause.id, { ...clause, area: catalogue.area });
  }
  return { clauses, layouts: base.layouts };
}

export const labelled = (...reports: Report[]): LabelledReport[] =>
  labelReports(reports.map((report, i) => ({ source: `report-${i + 1}.json`, report })));

/** A scratch copy of the fixture corpus, as `<dir>/cases/gnttab/*.json`, for tests that edit cases. */
export function corpusCopy(): string {
  const dir = tempDir("hvabi-corpus-");
  cpSync(CORPUS, join(dir, "cases"), { recursive: true });
  return dir;
}
