/** What a core may see of a case: operations and arguments, never expectations. */
import type { Case, Expectation, Outcome } from "../spec/types/generated";
import type { AreaName } from "../spec/types/generated";
import type { CaseInput, StepInput } from "../core/interface";
import { expectationFor } from "./case-checks";

/** The state keys and log the expectation looks at, in the order it names them (this runs for every step of every case). */
function observeRequest(expectation: Expectation | undefined): StepInput["observe"] {
  if (expectation === undefined) return undefined;
  const outcomes: readonly Outcome[] = expectation.acceptable ?? [expectation as Outcome];
  const state: string[] = [];
  let log = false;
  for (const outcome of outcomes) {
    if (outcome.state !== undefined) for (const key of Object.keys(outcome.state)) if (!state.includes(key)) state.push(key);
    if (outcome.log !== undefined) log = true;
  }
  if (state.length === 0 && !log) return undefined;
  return log ? { state, log } : { state };
}

/**
 * The case for one profile, as sent to a core (defaults already filled in by
 * the loader); `inheritedFrom` for a profile the case applies to through its
 * `basedOn` (runner/applicability.ts).
 */
export function stripCase(testCase: Case, area: AreaName, profile: string, inheritedFrom?: string): CaseInput {
  const steps = testCase.steps.map((step) => {
    const input = { op: step.op, ...("args" in step ? { args: step.args } : {}) } as StepInput;
    const observe = observeRequest(expectationFor(step, profile, inheritedFrom));
    return observe === undefined ? input : { ...input, observe };
  });
  return { id: testCase.id, area, profile, config: testCase.config as CaseInput["config"], steps };
}
