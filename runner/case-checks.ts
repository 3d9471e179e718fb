/**
 * Checks a schema-valid case against the spec: what JSON Schema alone cannot
 * say (ids that must exist, profiles that must cover the area, observable
 * keys that must be catalogued, hex values that must parse).
 */
import type { Spec } from "../spec";
import type { AreaName, Case, Expectation, LogEntry, Outcome, Step } from "../spec/types/generated";
import { isHex } from "../core/hex";
import type { Problem } from "../spec/validation/schema-errors";
import { inheritableProfiles, profileRuns } from "./applicability";

/** Every outcome an expectation allows, with its pointer. */
export function outcomesOf(expectation: Expectation, pointer: string): { outcome: Outcome; pointer: string }[] {
  return expectation.acceptable !== undefined
    ? expectation.acceptable.map((outcome, i) => ({ outcome, pointer: `${pointer}/acceptable/${i}` }))
    : [{ outcome: expectation as Outcome, pointer }];
}

/**
 * The side of its clauses a case exercises in a profile; in a profile it
 * inherits (`inheritedFrom`, runner/applicability.ts), its base's unless the
 * polarity names the profile.
 */
export function polarityIn(testCase: Case, profile: string, inheritedFrom?: string): "accept" | "refuse" {
  const { polarity } = testCase;
  if (typeof polarity === "string") return polarity;
  const side = polarity[profile] ?? (inheritedFrom === undefined ? undefined : polarity[inheritedFrom]);
  if (side === undefined) throw new Error(`case ${testCase.id} gives no polarity for profile ${profile}`);
  return side;
}

/**
 * The expectation of a step in a profile: its own in `expectByProfile`, else
 * `expect`, else (in a profile the case inherits) its base's.
 */
export function expectationFor(step: Step, profile: string, inheritedFrom?: string): Expectation | undefined {
  return step.expectByProfile?.[profile] ?? step.expect ?? (inheritedFrom === undefined ? undefined : step.expectByProfile?.[inheritedFrom]);
}

function checkValues(
  values: Record<string, unknown>,
  pointer: string,
  allowed: (key: string) => boolean,
  what: string,
  problems: Problem[],
): void {
  for (const [key, value] of Object.entries(values)) {
    const at = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (!allowed(key)) problems.push({ pointer: at, message: `unknown ${what} key "${key}"`, expected: `a key catalogued in spec/data/**/observables.json` });
    if (typeof value === "string" && value.startsWith("0x") && !isHex(value)) {
      problems.push({ pointer: at, message: "malformed hex value", expected: "0x followed by hex digits", found: JSON.stringify(value) });
    }
  }
}

function checkLog(spec: Spec, log: LogEntry[], pointer: string, problems: Problem[]): void {
  log.forEach((entry, i) => {
    const message = spec.messages.get(entry.msg);
    const at = `${pointer}/${i}`;
    if (message === undefined) {
      problems.push({ pointer: `${at}/msg`, message: `unknown message id "${entry.msg}"`, expected: "an id from spec/data/messages.json" });
      return;
    }
    const given = Object.keys(entry).filter((k) => k !== "msg").sort();
    const wanted = [...message.params].sort();
    if (given.join(",") !== wanted.join(",")) {
      problems.push({ pointer: at, message: `wrong parameters for message "${entry.msg}"`, expected: wanted.join(", ") || "none", found: given.join(", ") || "none" });
    }
  });
}

function checkOutcome(spec: Spec, step: Step, outcome: Outcome, pointer: string, problems: Problem[]): void {
  const returnKeys = spec.returnKeys.get(step.op) ?? [];
  if (outcome.returns !== undefined) {
    checkValues(outcome.returns, `${pointer}/returns`, (key) => returnKeys.some((k) => k.pattern.test(key)), `"${step.op}" return`, problems);
  }
  if (outcome.state !== undefined) {
    checkValues(outcome.state, `${pointer}/state`, (key) => spec.stateKeys.some((k) => k.pattern.test(key)), "state", problems);
  }
  if (outcome.log !== undefined) checkLog(spec, outcome.log, `${pointer}/log`, problems);
  if (outcome.result === "fault" && outcome.fault === undefined) {
    problems.push({ pointer, message: 'result "fault" needs a "fault" with its vector' });
  }
  if (outcome.result !== "fault" && outcome.fault !== undefined) {
    problems.push({ pointer: `${pointer}/fault`, message: '"fault" is only meaningful with result "fault"' });
  }
}

/** Semantic problems of one case, given the area its folder names. */
export function checkCase(spec: Spec, testCase: Case, area: AreaName | undefined, folder: string): Problem[] {
  const problems: Problem[] = [];
  if (area === undefined) {
    problems.push({ pointer: "", message: `case files live in cases/<area>/; "${folder}" is not an area`, expected: [...spec.clausesByArea.keys()].join(", ") });
    return problems;
  }
  if (!testCase.id.startsWith(`${area}.`)) {
    problems.push({ pointer: "/id", message: `a case in cases/${area}/ has an id starting with "${area}."`, found: JSON.stringify(testCase.id) });
  }

  testCase.profiles.forEach((name, i) => {
    const profile = spec.profiles.get(name);
    if (profile === undefined) {
      problems.push({ pointer: `/profiles/${i}`, message: `unknown profile "${name}"`, expected: [...spec.profiles.keys()].join(", ") });
    } else if (!profile.areas.includes(area)) {
      problems.push({ pointer: `/profiles/${i}`, message: `profile "${name}" does not cover area "${area}"`, expected: `a profile covering ${area}` });
    }
  });

  const cited = testCase.clauses.map((id, i) => ({ id, i, clause: spec.clauses.get(id) }));
  for (const { id, i, clause } of cited) {
    if (clause === undefined) {
      problems.push({ pointer: `/clauses/${i}`, message: `unknown clause "${id}"`, expected: `a clause id from spec/data/areas/${area}/clauses.json` });
    } else if (clause.area !== area) {
      problems.push({ pointer: `/clauses/${i}`, message: `clause "${id}" belongs to area "${clause.area}", not to this folder's "${area}"` });
    } else if (!clause.profiles.some((p) => testCase.profiles.includes(p))) {
      problems.push({ pointer: `/clauses/${i}`, message: `clause "${id}" holds in none of this case's profiles`, expected: clause.profiles.join(", "), found: testCase.profiles.join(", ") });
    }
  }
  testCase.profiles.forEach((profile, i) => {
    const known = cited.filter((c) => c.clause !== undefined);
    if (known.length === cited.length && !known.some((c) => c.clause?.profiles.includes(profile))) {
      problems.push({ pointer: `/profiles/${i}`, message: `none of the cited clauses holds in profile "${profile}"` });
    }
  });

  // Profiles the case inherits (runner/applicability.ts): named besides its own, never instead of them.
  const inheritable = inheritableProfiles(spec, testCase, area);
  const inherited = [...inheritable.keys()];
  const runs = profileRuns(spec, testCase, area);
  const wanted = [...testCase.profiles].sort().join(", ");
  /** The profiles a per-profile object names: every one of the case's own ("all") or none ("none"), and besides them only inherited profiles the case runs in. */
  const checkNamed = (names: string[], pointer: string, what: string, own: "all" | "none"): void => {
    const named = names.filter((name) => !inheritable.has(name)).sort().join(", ");
    if (own === "all" && named !== wanted) {
      problems.push({ pointer, message: `${what} must name exactly the case's profiles (and may add profiles based on them)`, expected: wanted, found: named || "none" });
    }
    if (own === "none" && named !== "") {
      problems.push({ pointer, message: `${what} beside "expect" may name only profiles based on the case's (to give them their own expectation)`, expected: inherited.join(", ") || "none", found: named });
    }
    for (const name of names) {
      const skip = runs.find((run) => run.profile === name && run.inheritedFrom !== undefined)?.skip;
      if (skip !== undefined) problems.push({ pointer: `${pointer}/${name}`, message: `${what} names ${name}, where the case does not run: ${skip}` });
    }
  };

  for (const name of Object.keys(testCase.excludedProfiles ?? {})) {
    if (!inheritable.has(name)) {
      problems.push({ pointer: `/excludedProfiles/${name}`, message: `the case can exclude only a profile it inherits (based on one it lists, and not listed itself); "${name}" is not one`, expected: inherited.join(", ") || "none" });
    }
  }

  if (typeof testCase.polarity === "object") checkNamed(Object.keys(testCase.polarity), "/polarity", "a per-profile polarity", "all");

  testCase.steps.forEach((step, s) => {
    const at = `/steps/${s}`;
    if (step.expect === undefined && step.expectByProfile === undefined) {
      problems.push({ pointer: at, message: 'a step needs "expect" (or "expectByProfile")' });
      return;
    }
    if (step.expectByProfile !== undefined) {
      checkNamed(Object.keys(step.expectByProfile), `${at}/expectByProfile`, "expectByProfile", step.expect === undefined ? "all" : "none");
    }
    if (step.op === "boot" && s !== 0) problems.push({ pointer: `${at}/op`, message: '"boot" may only be the first step' });
    const expectations: [Expectation, string][] = [
      ...(step.expect !== undefined ? [[step.expect, `${at}/expect`] as [Expectation, string]] : []),
      ...Object.entries(step.expectByProfile ?? {}).map(([p, e]): [Expectation, string] => [e as Expectation, `${at}/expectByProfile/${p}`]),
    ];
    for (const [expectation, pointer] of expectations) {
      for (const { outcome, pointer: outcomePointer } of outcomesOf(expectation, pointer)) {
        checkOutcome(spec, step, outcome, outcomePointer, problems);
      }
    }
  });
  return problems;
}
