/** The plain-text account of a result that is not a pass: what was expected versus what was observed, step by step. */
import type { CaseResult, StepReport } from "../spec/types/generated";
import { formatProblem } from "../spec/validation/schema-errors";
import { profileLabel } from "./labels";

const json = (value: unknown): string => JSON.stringify(value) ?? "undefined";

function stepText(step: StepReport): string[] {
  const lines = [`step ${step.index} ${step.op}${step.args ? ` ${json(step.args)}` : ""}${step.mismatches.length > 0 ? "  <- differs" : ""}`];
  lines.push(`  expected: ${json(step.expected)}`);
  lines.push(`  observed: ${step.observed === null ? "nothing (the core gave no observation)" : json(step.observed)}`);
  for (const mismatch of step.mismatches) {
    lines.push(`  ${mismatch.field}: expected ${json(mismatch.expected)}, observed ${json(mismatch.observed)}`);
  }
  return lines;
}

/** Why the result is what it is, then its located problems, its steps and what the core printed. */
export function failureText(result: CaseResult): string {
  const lines: string[] = [`${result.status}: ${result.file}${result.profile === null ? "" : ` [${profileLabel(result)}]`}`];
  if (result.problems && result.problems.length > 0) {
    for (const problem of result.problems) lines.push(formatProblem(result.file, problem));
  } else if (result.reason) {
    lines.push(result.reason);
  }
  for (const step of result.steps ?? []) lines.push(...stepText(step));
  if (result.stderr) lines.push("core stderr:", result.stderr);
  return lines.join("\n");
}

/** The first line of a result's reason, for one-line summaries. */
export function shortReason(result: CaseResult): string {
  return (result.reason ?? result.status).split("\n")[0]!;
}
