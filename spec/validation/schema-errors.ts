/**
 * Turns ajv's raw errors into problems a case author can act on: one per
 * place, saying what was expected and what was found; and puts a located
 * problem in the one-line form editors and CI logs link.
 */
import type { ErrorObject } from "ajv";
import { pointerSegments } from "./json-location";

export interface Problem {
  /** JSON pointer into the case file ("" for the whole file). */
  pointer: string;
  message: string;
  expected?: string;
  found?: string;
}

/** A problem with its place in the file's text, when the file was text (line and column from 1). */
export interface LocatedProblem extends Problem {
  line?: number;
  column?: number;
}

/** `file:line:column: pointer: message (expected …, found …)` — the form editors and CI logs link. */
export function formatProblem(file: string, problem: LocatedProblem): string {
  const place = problem.line === undefined ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
  const where = problem.pointer === "" ? "" : ` ${problem.pointer}:`;
  const detail = [problem.expected && `expected ${problem.expected}`, problem.found && `found ${problem.found}`].filter(Boolean).join(", ");
  return `${place}:${where} ${problem.message}${detail ? ` (${detail})` : ""}`;
}

const COMBINATORS = new Set(["anyOf", "oneOf", "if"]);

/**
 * ajv lists the errors of every branch of a failed anyOf/oneOf, then the
 * combinator's own error. The branch the author meant is almost always the
 * one that got furthest into the data, so keep only the deepest errors of
 * each failed combinator.
 */
function pruneBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  const kept: ErrorObject[] = [];
  for (const error of errors) {
    if (!COMBINATORS.has(error.keyword)) {
      kept.push(error);
      continue;
    }
    const base = error.instancePath;
    let start = kept.length;
    while (start > 0 && isWithin(kept[start - 1]?.instancePath ?? "", base)) start--;
    const branchErrors = kept.splice(start);
    if (branchErrors.length === 0) {
      kept.push(error);
      continue;
    }
    const depth = Math.max(...branchErrors.map((e) => pointerSegments(e.instancePath).length));
    kept.push(...branchErrors.filter((e) => pointerSegments(e.instancePath).length === depth));
  }
  return kept;
}

function isWithin(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

export function valueAt(data: unknown, pointer: string): unknown {
  let current: unknown = data;
  for (const segment of pointerSegments(pointer)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const jsonType = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;

function problemFor(error: ErrorObject, data: unknown): Problem {
  const params = error.params as Record<string, unknown>;
  const pointer = error.instancePath;
  const found = valueAt(data, pointer);
  switch (error.keyword) {
    case "required":
      return { pointer, message: `missing required property "${String(params.missingProperty)}"` };
    case "additionalProperties":
    case "unevaluatedProperties": {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      return { pointer: `${pointer}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`, message: `unexpected property "${name}"` };
    }
    case "enum":
      return {
        pointer,
        message: "value not allowed",
        expected: `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
        found: describeValue(found),
      };
    case "const":
      return { pointer, message: "value not allowed", expected: JSON.stringify(params.allowedValue), found: describeValue(found) };
    case "type":
      return { pointer, message: "wrong type", expected: String(params.type), found: `${jsonType(found)} ${describeValue(found)}` };
    case "pattern":
      return { pointer, message: "does not match the required form", expected: `a string matching ${String(params.pattern)}`, found: describeValue(found) };
    case "discriminator": {
      const tag = String(params.tag);
      return params.error === "mapping"
        ? { pointer: `${pointer}/${tag}`, message: "unknown operation", expected: "an operation defined in spec/ops-*.schema.json", found: describeValue(params.tagValue) }
        : { pointer, message: `missing or non-string "${tag}"` };
    }
    case "maxProperties":
      return { pointer, message: "too many properties here", expected: `at most ${String(params.limit)} (with \"acceptable\", give nothing else)`, found: describeValue(found) };
    case "not":
      return { pointer, message: "combination not allowed here (see the schema's description)", found: describeValue(found) };
    default:
      return { pointer, message: error.message ?? error.keyword, found: describeValue(found) };
  }
}

/** Merges problems that say "value not allowed" or "wrong type" at the same place into one. */
function mergeSamePlace(problems: Problem[]): Problem[] {
  const merged: Problem[] = [];
  for (const problem of problems) {
    const twin = merged.find((p) => p.pointer === problem.pointer && p.message === problem.message && p.expected !== undefined);
    if (twin !== undefined && problem.expected !== undefined) {
      if (!twin.expected?.includes(problem.expected)) twin.expected = `${twin.expected} or ${problem.expected}`;
      continue;
    }
    if (!merged.some((p) => p.pointer === problem.pointer && p.message === problem.message && p.expected === problem.expected)) {
      merged.push(problem);
    }
  }
  return merged;
}

export function schemaProblems(errors: readonly ErrorObject[], data: unknown): Problem[] {
  return mergeSamePlace(pruneBranches(errors).map((error) => problemFor(error, data)));
}
