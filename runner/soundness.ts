/**
 * Corpus soundness beyond a single file: two cases that feed a core exactly
 * the same configuration and steps in a profile must not expect incompatible
 * outcomes (then no implementation could pass both); and each committed case
 * file is named after its id, so a result's id leads to its file and back.
 */
import type { Expectation, Outcome, Value } from "../spec/types/generated";
import { executedRuns } from "./applicability";
import { outcomesOf } from "./case-checks";
import { basename } from "node:path";
import { expectationFor, inputKey } from "./case-identity";
import { sameValue } from "./compare";
import type { LoadedCase } from "./loader";

export interface Contradiction {
  profile: string;
  /** The two cases, by id and file. */
  first: { id: string; file: string };
  second: { id: string; file: string };
  step: number;
  /** Which field the two cases disagree on, e.g. `result` or `state.d1.gnttab.version`. */
  field: string;
}

function valuesCompatible(a: Record<string, Value> | undefined, b: Record<string, Value> | undefined, prefix: string): string | undefined {
  for (const [key, value] of Object.entries(a ?? {})) {
    if (b !== undefined && key in b && !sameValue(value, b[key])) return `${prefix}.${key}`;
  }
  return undefined;
}

function faultsAgree(a: Outcome["fault"], b: Outcome["fault"]): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.vector === b.vector && sameValue(a.errorCode ?? null, b.errorCode ?? null);
}

/** The first field on which two outcomes disagree (fields only one of them checks never disagree), or undefined. */
function outcomeConflict(a: Outcome, b: Outcome): string | undefined {
  if (a.result !== b.result) return "result";
  if (!faultsAgree(a.fault, b.fault)) return "fault";
  if ((a.status ?? null) !== (b.status ?? null)) return "status";
  const returns = valuesCompatible(a.returns, b.returns, "returns");
  if (returns) return returns;
  const state = valuesCompatible(a.state, b.state, "state");
  if (state) return state;
  if (a.log !== undefined && b.log !== undefined && JSON.stringify(a.log) !== JSON.stringify(b.log)) return "log";
  return undefined;
}

/** Two expectations conflict when no outcome one allows is compatible with an outcome the other allows. */
function expectationConflict(a: Expectation, b: Expectation): string | undefined {
  let first: string | undefined;
  for (const { outcome: left } of outcomesOf(a, "")) {
    for (const { outcome: right } of outcomesOf(b, "")) {
      const conflict = outcomeConflict(left, right);
      if (conflict === undefined) return undefined;
      first ??= conflict;
    }
  }
  return first;
}

/** Compares the expectations of every profile a case runs in, inherited ones included (applicability.ts). */
export function findContradictions(cases: readonly LoadedCase[]): Contradiction[] {
  const byInput = new Map<string, { loaded: LoadedCase; profile: string; inheritedFrom?: string }[]>();
  for (const loaded of cases) {
    for (const { profile, inheritedFrom } of executedRuns(loaded.runs)) {
      const key = inputKey(loaded.data, profile);
      const group = byInput.get(key) ?? [];
      group.push({ loaded, profile, ...(inheritedFrom === undefined ? {} : { inheritedFrom }) });
      byInput.set(key, group);
    }
  }
  const contradictions: Contradiction[] = [];
  for (const group of byInput.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i]!;
        const b = group[j]!;
        const steps = a.loaded.data.steps;
        for (let step = 0; step < steps.length; step++) {
          const left = expectationFor(steps[step]!, a.profile, a.inheritedFrom);
          const right = expectationFor(b.loaded.data.steps[step]!, b.profile, b.inheritedFrom);
          const field = left && right ? expectationConflict(left, right) : undefined;
          if (field === undefined) continue;
          contradictions.push({
            profile: a.profile,
            first: { id: a.loaded.data.id, file: a.loaded.file },
            second: { id: b.loaded.data.id, file: b.loaded.file },
            step,
            field,
          });
          break;
        }
      }
    }
  }
  return contradictions;
}

/**
 * The file name a case's id gives it in its area's folder: the id without the
 * area and its dot, dots kept, and `.json` (the case `gnttab.set-version.v2-refused`
 * is cases/gnttab/set-version.v2-refused.json). docs/extending.md states the rule.
 */
export function caseFileName(id: string, area: string): string {
  return `${id.startsWith(`${area}.`) ? id.slice(area.length + 1) : id}.json`;
}

export interface MisnamedCase {
  file: string;
  id: string;
  /** The name its id gives it. */
  expected: string;
}

/** The cases whose file is not named after their id. */
export function misnamedCases(cases: readonly LoadedCase[]): MisnamedCase[] {
  return cases
    .map((loaded) => ({ file: loaded.file, id: loaded.data.id, expected: caseFileName(loaded.data.id, loaded.area) }))
    .filter((entry) => basename(entry.file) !== entry.expected);
}
