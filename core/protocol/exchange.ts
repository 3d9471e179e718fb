/**
 * One batch over the protocol: send `run`, then read one result line per case,
 * in order, each within the per-case time limit and the whole within the
 * batch backstop. Every case gets an outcome until the core dies, hangs or
 * floods; the caller restarts it and sends the rest.
 */
import { performance } from "node:perf_hooks";
import type { CaseInput, CaseOutcome } from "../interface";
import { describeExit, type CoreProcess, type ExitStatus } from "./child";
import { parseResponse, quote, type ResultLine } from "./messages";
import type { ProtocolLimits } from "./settings";

export type BatchEnd =
  | { kind: "complete" }
  /** The core died while the last outcome's case was in flight. */
  | { kind: "crashed"; status: ExitStatus }
  | { kind: "timed-out" }
  | { kind: "overflow" };

/** The rule of the protocol a core broke; check-core explains each. */
export type BrokenRule = "not-json" | "invalid" | "unexpected-reply" | "wrong-batch" | "wrong-case" | "missing-result" | "overflow";

export interface Violation {
  rule: BrokenRule;
  /** Index in the batch of the case that paid for it. */
  caseIndex: number;
  /** The outcome's message: what was wrong, quoting the line. */
  message: string;
}

export interface BatchExchange {
  /** Outcomes of the first cases of the batch, in order; fewer than sent unless `end` is complete. */
  outcomes: CaseOutcome[];
  end: BatchEnd;
  /** The core broke the protocol (a bad line, a wrong id): its output can no longer be trusted to line up. */
  outOfStep: boolean;
  violations: Violation[];
}

export const caseLabel = (input: Pick<CaseInput, "id" | "profile">): string => `${input.id} [${input.profile}]`;

const seconds = (ms: number): string => `${ms / 1000} s`;

function outcomeOf(line: ResultLine, measuredMs: number): CaseOutcome {
  switch (line.outcome) {
    case "observed":
      return { kind: "observed", steps: line.steps, durationMs: line.durationMs ?? measuredMs };
    case "skipped":
      return { kind: "skipped", reason: line.reason };
    case "errored":
      return { kind: "errored", message: `the core reported an error: ${line.message}` };
  }
}

export async function exchangeBatch(
  process: CoreProcess,
  batch: number,
  cases: readonly CaseInput[],
  limits: ProtocolLimits,
): Promise<BatchExchange> {
  const outcomes: CaseOutcome[] = [];
  const violations: Violation[] = [];
  let outOfStep = false;
  const stderrTail = (): string => process.stderr.tail(limits.caseStderrTailBytes);
  const withStderr = (text: string): { stderr?: string } => (text === "" ? {} : { stderr: text });

  const started = performance.now();
  const batchDeadline = started + limits.batchTimeoutMs;
  let lastLineAt = started;
  let stderrMark = process.stderr.mark();
  process.send({ cmd: "run", batch, cases });

  while (outcomes.length < cases.length) {
    const inFlight = cases[outcomes.length]!;
    const caseDeadline = lastLineAt + limits.caseTimeoutMs;
    const event = await process.next(Math.min(caseDeadline, batchDeadline) - performance.now());
    const now = performance.now();
    switch (event.kind) {
      case "exit":
      case "spawn-error": {
        const status = event.kind === "exit" ? event.status : { code: null, signal: null };
        outcomes.push({ kind: "crashed", message: `the core ${describeExit(status)} while running this case`, ...withStderr(stderrTail()) });
        return { outcomes, end: { kind: "crashed", status }, outOfStep, violations };
      }
      case "timeout": {
        const backstop = caseDeadline > batchDeadline;
        const message = backstop
          ? `no result before the batch backstop of ${seconds(limits.batchTimeoutMs)} (batch ${batch}, ${cases.length} cases; --batch-timeout sets it)`
          : `no result within ${seconds(limits.caseTimeoutMs)} (--case-timeout sets the limit; a core must write and flush each result as soon as its case is done)`;
        outcomes.push({ kind: "timed-out", message, ...withStderr(stderrTail()) });
        return { outcomes, end: { kind: "timed-out" }, outOfStep, violations };
      }
      case "overflow": {
        const message = `the core wrote a line longer than ${limits.maxLineBytes} bytes (cut; it begins ${quote(event.head, limits.quotedLineChars)})`;
        violations.push({ rule: "overflow", caseIndex: outcomes.length, message });
        outcomes.push({ kind: "errored", message, ...withStderr(stderrTail()) });
        return { outcomes, end: { kind: "overflow" }, outOfStep: true, violations };
      }
      case "line":
        break;
    }
    const measuredMs = now - lastLineAt;
    lastLineAt = now;
    // What the core printed while this case was in flight, read only for results that keep it.
    const sinceMark = stderrMark;
    const caseStderr = (): string => process.stderr.since(sinceMark, limits.caseStderrTailBytes);
    stderrMark = process.stderr.mark();
    const complain = (rule: BrokenRule, problem: string): void => {
      outOfStep = true;
      const message = `${problem}: ${quote(event.text, limits.quotedLineChars)}`;
      violations.push({ rule, caseIndex: outcomes.length, message });
      outcomes.push({ kind: "errored", message, ...withStderr(caseStderr()) });
    };

    const parsed = parseResponse(event.text);
    if (!parsed.ok) {
      complain(parsed.parsed === undefined ? "not-json" : "invalid", `the core answered with a line that is ${parsed.problem}`);
      continue;
    }
    const line = parsed.message;
    if (line.reply !== "result") {
      complain("unexpected-reply", `the core answered with a \`${line.reply}\` line while the result of ${caseLabel(inFlight)} was due`);
      continue;
    }
    if (line.batch !== batch) {
      complain("wrong-batch", `the core answered with a result for batch ${line.batch} while batch ${batch} was running (one result per case: no more, no fewer)`);
      continue;
    }
    const index = cases.findIndex((c, i) => i >= outcomes.length && c.id === line.id && c.profile === line.profile);
    if (index === -1) {
      complain("wrong-case", `the core answered for ${caseLabel(line)} while the result of ${caseLabel(inFlight)} was due (results come in batch order, echoing id and profile)`);
      continue;
    }
    // The core left out the cases before the one it answered.
    while (outcomes.length < index) {
      const message = `the core gave no result for this case (it answered ${caseLabel(line)} next)`;
      violations.push({ rule: "missing-result", caseIndex: outcomes.length, message });
      outcomes.push({ kind: "errored", message });
    }
    const outcome = outcomeOf(line, measuredMs);
    outcomes.push(outcome.kind === "errored" ? { ...outcome, ...withStderr(caseStderr()) } : outcome);
  }
  return { outcomes, end: { kind: "complete" }, outOfStep, violations };
}
