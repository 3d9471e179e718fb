/** What a core may see of a case: operations and arguments, never expectations. */
import type { Case, Expectation } from "../spec/types/generated";
import type { AreaName } from "../spec/types/generated";
import type { CaseInput, StepInput } from "../core/interface";
import { expectationFor, outcomesOf } from "./case-checks";

function observeRequest(expectation: Expectation | undefined): StepInput["observe"] {
  if (expectation === undefined) return undefined;
  const outcomes = outcomesOf(expectation, "").map((o) => o.outcome);
  const state = [...new Set(outcomes.flatMap((o) => Object.keys(o.state ?? {})))];
  const log = outcomes.some((o) => o.log !== undefined);
  if (state.length === 0 && !log) return undefined;
  return log ? { state, log } : { state };
}

/** The case for one profile, as sent to a core (defaults already filled in by the loader). */
export function stripCase(testCase: Case, area: AreaName, profile: string): CaseInput {
  const steps = testCase.steps.map((step) => {
    const input = { op: step.op, ...("args" in step ? { args: step.args } : {}) } as StepInput;
    const observe = observeRequest(expectationFor(step, profile));
    return observe === undefined ? input : { ...input, observe };
  });
  return { id: testCase.id, area, profile, config: testCase.config as CaseInput["config"], steps };
}
