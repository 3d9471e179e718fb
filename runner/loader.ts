/**
 * Loads one case file: JSON syntax, schema (filling defaults), then the
 * spec's own rules. Every problem names the file, the place (line:column and
 * JSON pointer), what was expected and what was found.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import { AREAS, type Spec } from "../spec";
import type { AreaName, Case } from "../spec/types/generated";
import { profileRuns, type ProfileRun } from "./applicability";
import { checkCase } from "./case-checks";
import { caseHash } from "./case-identity";
import { describeSyntaxError, locatePointer } from "../spec/validation/json-location";
import { schemaProblems, type LocatedProblem, type Problem } from "../spec/validation/schema-errors";
import { validator } from "../spec/validation/validators";

export interface LoadedCase {
  ok: true;
  /** Path as given or found, relative to the working directory. */
  file: string;
  area: AreaName;
  /** The case with every schema default filled in. */
  data: Case;
  /** Content hash of the case as authored (runner/case-identity.ts). */
  hash: string;
  /** Every profile the case applies to, inheritance included (runner/applicability.ts), in report order. */
  runs: ProfileRun[];
}

export interface LoadFailure {
  ok: false;
  file: string;
  /** The id, when the file got far enough to have one. */
  id?: string;
  area?: string;
  problems: LocatedProblem[];
}

export type LoadResult = LoadedCase | LoadFailure;

/** The area a case belongs to: the name of the folder holding it. */
export function areaOfFile(file: string): string {
  return basename(dirname(file));
}

function asArea(folder: string): AreaName | undefined {
  return (AREAS as readonly string[]).includes(folder) ? (folder as AreaName) : undefined;
}

function locate(text: string, problems: Problem[]): LocatedProblem[] {
  return problems.map((problem) => ({ ...problem, ...locatePointer(text, problem.pointer) }));
}

function parseFailure(file: string, text: string, error: unknown): LoadFailure {
  const syntax = describeSyntaxError(text, error);
  return {
    ok: false,
    file,
    area: areaOfFile(file),
    problems: [{ pointer: "", line: syntax.line, column: syntax.column, message: `JSON syntax error: ${syntax.message}` }],
  };
}

export function loadCaseText(file: string, text: string, spec: Spec): LoadResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return parseFailure(file, text, error);
  }
  const result = loadCaseData(file, data, spec);
  return result.ok ? result : { ...result, problems: locate(text, result.problems) };
}

/**
 * Checks an already parsed case (schema, filling defaults in place, then the
 * spec's rules). Problems carry JSON pointers but no line and column: there is
 * no text to find them in.
 */
export function loadCaseData(file: string, data: unknown, spec: Spec): LoadResult {
  const folder = areaOfFile(file);
  const id = typeof (data as { id?: unknown })?.id === "string" ? (data as { id: string }).id : undefined;
  // Hashed before validation fills in defaults: the hash covers what the author wrote.
  const hash = caseHash(data);
  const validate = validator("case");
  if (!validate(data)) return { ok: false, file, id, area: folder, problems: schemaProblems(validate.errors ?? [], data) };
  const testCase = data as Case;
  const area = asArea(folder);
  const problems = checkCase(spec, testCase, area, folder);
  if (problems.length > 0) return { ok: false, file, id, area: folder, problems };
  return { ok: true, file, area: area as AreaName, data: testCase, hash, runs: profileRuns(spec, testCase, area as AreaName) };
}

/** How results name a file: relative to the working directory when inside it, else as given. */
export function reportedPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}

export function loadCaseFile(path: string, spec: Spec, cwd: string = process.cwd()): LoadResult {
  const file = reportedPath(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, file, area: areaOfFile(file), problems: [{ pointer: "", message: `cannot read the file: ${detail}` }] };
  }
  return loadCaseText(file, text, spec);
}
