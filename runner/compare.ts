/** Compares what a core observed with what a case expects. */
import type { Expectation, LogEntry, Outcome, StepObservation, Value } from "../spec/types/generated";
import { isHex } from "../core/hex";

export interface Mismatch {
  /** Which part of the outcome differs: `result`, `fault`, `status`, `returns.version`, `state.d1.exists`, `log`. */
  field: string;
  expected: unknown;
  observed: unknown;
}

/** Hex strings compare as numbers ("0x0620" equals "0x620" and 1568); null means "absent". */
export function sameValue(expected: Value, observed: Value | undefined): boolean {
  if (expected === null || expected === undefined) return observed === null || observed === undefined;
  if (isHex(expected)) {
    if (isHex(observed)) return BigInt(expected) === BigInt(observed);
    return typeof observed === "number" && Number.isInteger(observed) && observed >= 0 && BigInt(expected) === BigInt(observed);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(observed) && expected.length === observed.length && expected.every((item, i) => sameValue(item, observed[i]));
  }
  return expected === observed;
}

function sameLogEntry(expected: LogEntry, observed: LogEntry | undefined): boolean {
  if (observed === undefined) return false;
  const keys = Object.keys(expected);
  return keys.length === Object.keys(observed).length && keys.every((key) => expected[key] === observed[key]);
}

function compareOutcome(expected: Outcome, observed: StepObservation): Mismatch[] {
  const mismatches: Mismatch[] = [];
  if (expected.result !== observed.result) mismatches.push({ field: "result", expected: expected.result, observed: observed.result });
  const fault = expected.fault;
  const seen = observed.fault;
  if (fault !== undefined || seen !== undefined) {
    const same =
      fault !== undefined &&
      seen !== undefined &&
      fault.vector === seen.vector &&
      sameValue(fault.errorCode ?? null, seen.errorCode ?? null);
    if (!same) mismatches.push({ field: "fault", expected: fault ?? null, observed: seen ?? null });
  }
  if (expected.status !== observed.status) {
    mismatches.push({ field: "status", expected: expected.status ?? null, observed: observed.status ?? null });
  }
  for (const [section, values, actual] of [
    ["returns", expected.returns, observed.returns],
    ["state", expected.state, observed.state],
  ] as const) {
    for (const [key, value] of Object.entries(values ?? {})) {
      const got = actual?.[key];
      if (!sameValue(value, got)) mismatches.push({ field: `${section}.${key}`, expected: value, observed: got ?? null });
    }
  }
  if (expected.log !== undefined) {
    const log = observed.log ?? [];
    const same = expected.log.length === log.length && expected.log.every((entry, i) => sameLogEntry(entry, log[i]));
    if (!same) mismatches.push({ field: "log", expected: expected.log, observed: observed.log ?? null });
  }
  return mismatches;
}

/**
 * Mismatches of a step, or none when it passes. With several acceptable
 * outcomes, it passes when any matches; otherwise the closest one is reported.
 */
export function compareStep(expectation: Expectation, observed: StepObservation): Mismatch[] {
  if (expectation.acceptable === undefined) return compareOutcome(expectation as Outcome, observed);
  let closest: Mismatch[] | undefined;
  for (const outcome of expectation.acceptable) {
    const mismatches = compareOutcome(outcome, observed);
    if (mismatches.length === 0) return [];
    if (closest === undefined || mismatches.length < closest.length) closest = mismatches;
  }
  return closest ?? [];
}
