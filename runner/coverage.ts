/**
 * Clause coverage of a case corpus: for every clause, how many case×profile
 * runs exercise its accepting side and how many its refusing side. A clause
 * counts in every profile it holds in, inherited ones included (spec/index.ts),
 * and a case in every profile it runs in, inherited ones included
 * (applicability.ts).
 */
import type { Spec } from "../spec";
import type { AreaName } from "../spec/types/generated";
import { formatProblem } from "../spec/validation/schema-errors";
import { discoverCaseFiles } from "./discover";
import { executedRuns } from "./applicability";
import { polarityIn } from "./case-checks";
import { loadCaseFile, type LoadedCase } from "./loader";
import { findContradictions, type Contradiction } from "./soundness";

export interface ClauseCoverage {
  id: string;
  area: AreaName;
  profiles: string[];
  accept: number;
  refuse: number;
  /** Per profile the clause holds in: [accepting, refusing] runs. */
  byProfile: Record<string, [number, number]>;
}

export interface CoverageReport {
  clauses: ClauseCoverage[];
  /** Files that failed to load, already formatted. */
  errors: string[];
  /** Pairs of cases that give a core the same input but expect incompatible outcomes. */
  contradictions: Contradiction[];
  cases: number;
}

export function computeCoverage(spec: Spec, paths: readonly string[], areas?: readonly string[]): CoverageReport {
  const clauses = new Map<string, ClauseCoverage>();
  for (const [area, list] of spec.clausesByArea) {
    if (areas !== undefined && !areas.includes(area)) continue;
    for (const clause of list) {
      clauses.set(clause.id, {
        id: clause.id,
        area,
        profiles: clause.profiles,
        accept: 0,
        refuse: 0,
        byProfile: Object.fromEntries(clause.profiles.map((p) => [p, [0, 0]])),
      });
    }
  }
  const errors: string[] = [];
  const loadedCases: LoadedCase[] = [];
  let cases = 0;
  const { files, missing } = discoverCaseFiles(paths);
  for (const path of missing) errors.push(`${path}: no such file or directory`);
  for (const file of files) {
    const loaded = loadCaseFile(file, spec);
    if (!loaded.ok) {
      errors.push(...loaded.problems.map((p) => formatProblem(loaded.file, p)));
      continue;
    }
    cases++;
    loadedCases.push(loaded);
    for (const id of loaded.data.clauses) {
      const coverage = clauses.get(id);
      if (coverage === undefined) continue;
      // Inherited profiles count where the case runs in them (applicability.ts), on the side it takes there.
      for (const { profile, inheritedFrom } of executedRuns(loaded.runs)) {
        const counts = coverage.byProfile[profile];
        if (counts === undefined) continue;
        const side = polarityIn(loaded.data, profile, inheritedFrom) === "accept" ? 0 : 1;
        counts[side]++;
        if (side === 0) coverage.accept++;
        else coverage.refuse++;
      }
    }
  }
  return { clauses: [...clauses.values()], errors, contradictions: findContradictions(loadedCases), cases };
}

export const isCovered = (clause: ClauseCoverage): boolean => clause.accept > 0 && clause.refuse > 0;

export function renderCoverage(report: CoverageReport): string {
  const lines: string[] = [];
  const idWidth = Math.max(10, ...report.clauses.map((c) => c.id.length));
  lines.push(`${"clause".padEnd(idWidth)}  ${"area".padEnd(8)}  accept  refuse  profiles (accept/refuse)`);
  for (const clause of report.clauses) {
    const profiles = Object.entries(clause.byProfile).map(([p, [a, r]]) => `${p} ${a}/${r}`).join(", ");
    const flag = isCovered(clause) ? "" : "   <- needs an accepting and a refusing case";
    lines.push(`${clause.id.padEnd(idWidth)}  ${clause.area.padEnd(8)}  ${String(clause.accept).padStart(6)}  ${String(clause.refuse).padStart(6)}  ${profiles}${flag}`);
  }
  const uncovered = report.clauses.filter((c) => !isCovered(c)).length;
  lines.push("");
  for (const error of report.errors) lines.push(`error: ${error}`);
  for (const c of report.contradictions) {
    lines.push(`contradiction: ${c.first.id} (${c.first.file}) and ${c.second.id} (${c.second.file}) give the core the same input in ${c.profile} but expect different ${c.field} at step ${c.step}`);
  }
  const contradictions = report.contradictions.length;
  lines.push(
    `${report.clauses.length} clauses, ${report.cases} cases; ${uncovered} clause${uncovered === 1 ? "" : "s"} without both an accepting and a refusing case; ` +
      `${report.errors.length} load error${report.errors.length === 1 ? "" : "s"}; ${contradictions} contradiction${contradictions === 1 ? "" : "s"}`,
  );
  return `${lines.join("\n")}\n`;
}
