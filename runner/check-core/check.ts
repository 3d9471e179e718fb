/**
 * `hvabi check-core`: drives a subprocess core through the whole protocol —
 * handshake, a batch of one, a batch of several, an unknown operation,
 * shutdown — validating every message against spec/protocol.schema.json, and
 * explains each problem in words an implementer can act on.
 */
import type { Spec } from "../../spec";
import type { CaseInput, CoreDescription } from "../../core/interface";
import { AREAS } from "../../spec";
import { describeExit, type CoreProcess } from "../../core/protocol/child";
import { caseLabel, exchangeBatch } from "../../core/protocol/exchange";
import { HandshakeError, startCore } from "../../core/protocol/handshake";
import { quote } from "../../core/protocol/messages";
import { protocolSettings, type ProtocolLimits } from "../../core/protocol/settings";
import {
  CRASH_ADVICE,
  DESCRIPTION_ADVICE,
  STEPS_ADVICE,
  STOP_ADVICE,
  UNKNOWN_OPERATION_ADVICE,
  handshakeAdvice,
  timeoutAdvice,
  violationAdvice,
} from "./advice";
import { knownOperations, pickTrivialCases, PROBE_ID, unknownOperationProbe } from "./trivial-cases";

export interface Finding {
  /** A problem fails the check; a warning does not. */
  severity: "problem" | "warning";
  /** The check that found it. */
  check: string;
  what: string;
  fix: string;
}

export interface CheckStep {
  name: string;
  status: "ok" | "failed" | "skipped" | "not reached";
  detail: string;
}

export interface CoreCheckReport {
  command: readonly string[];
  core?: CoreDescription;
  steps: CheckStep[];
  findings: Finding[];
  /** The tail of the core's stderr. */
  stderr: string;
  ok: boolean;
}

export interface CheckOptions {
  spec: Spec;
  limits: ProtocolLimits;
  /** Where to take the trivial cases from (the bundled corpus by default). */
  casePaths: readonly string[];
  cwd?: string;
}

interface Batch {
  name: string;
  cases: CaseInput[];
}

class Checker {
  readonly steps: CheckStep[] = [];
  readonly findings: Finding[] = [];

  find(severity: Finding["severity"], check: string, what: string, fix: string): void {
    this.findings.push({ severity, check, what, fix });
  }

  step(name: string, status: CheckStep["status"], detail: string): void {
    this.steps.push({ name, status, detail });
  }

  problemsSince(count: number): boolean {
    return this.findings.slice(count).some((f) => f.severity === "problem");
  }
}

const CHECK = {
  handshake: "handshake",
  description: "description",
  single: "a batch of one case",
  several: "a batch of several cases, answered in order",
  probe: "an operation the core cannot know",
  stop: "shutdown",
} as const;

function checkDescription(checker: Checker, spec: Spec, core: CoreDescription): void {
  const operations = knownOperations();
  const unknown = (list: readonly string[], known: (item: string) => boolean): string[] => list.filter((item) => !known(item));
  const lists: [keyof typeof DESCRIPTION_ADVICE, readonly string[], (item: string) => boolean][] = [
    ["profile", core.profiles, (p) => spec.profiles.has(p)],
    ["area", core.areas, (a) => (AREAS as readonly string[]).includes(a)],
    ["operation", core.operations, (o) => operations.has(o)],
  ];
  for (const [what, list, known] of lists) {
    if (list.length === 0) {
      checker.find("warning", CHECK.description, `the core declares no ${what}s`, DESCRIPTION_ADVICE.nothing);
      continue;
    }
    const strangers = unknown(list, known);
    if (strangers.length > 0) {
      checker.find("warning", CHECK.description, `the core declares ${what}${strangers.length > 1 ? "s" : ""} the spec does not know: ${strangers.join(", ")}`, DESCRIPTION_ADVICE[what]);
    }
  }
}

/** Runs one batch and records what went wrong; false when the core can no longer be used. */
async function checkBatch(checker: Checker, core: CoreProcess, number: number, batch: Batch, limits: ProtocolLimits): Promise<boolean> {
  const before = checker.findings.length;
  const exchange = await exchangeBatch(core, number, batch.cases, limits);
  for (const violation of exchange.violations) {
    checker.find("problem", batch.name, `${caseLabel(batch.cases[violation.caseIndex]!)}: ${violation.message}`, violationAdvice(violation.rule, limits));
  }
  const answered: string[] = [];
  exchange.outcomes.forEach((outcome, index) => {
    const input = batch.cases[index]!;
    const label = caseLabel(input);
    const probe = input.id === PROBE_ID;
    if (exchange.violations.some((v) => v.caseIndex === index)) {
      answered.push(`${label}: broke the protocol`);
      return;
    }
    switch (outcome.kind) {
      case "observed":
        answered.push(`${label}: observed`);
        if (probe) checker.find("warning", batch.name, `${label}: the core answered \`observed\` for the operation "${String(input.steps[0]?.op)}", which no spec defines`, UNKNOWN_OPERATION_ADVICE);
        else if (outcome.steps.length !== input.steps.length) {
          checker.find("problem", batch.name, `${label}: ${outcome.steps.length} observations for ${input.steps.length} steps`, STEPS_ADVICE);
        }
        break;
      case "skipped":
        answered.push(`${label}: skipped (${outcome.reason})`);
        break;
      case "errored":
        answered.push(`${label}: errored`);
        if (!probe) checker.find("warning", batch.name, `${label}: ${outcome.message}`, "A trivial case the core declares it can run should not end in an error; `hvabi run` will report it as core-error.");
        break;
      case "crashed":
        answered.push(`${label}: crashed the core`);
        checker.find("problem", batch.name, `${label}: ${outcome.message}${stderrExcerpt(outcome.stderr)}`, CRASH_ADVICE);
        break;
      case "timed-out":
        answered.push(`${label}: timed out`);
        checker.find("problem", batch.name, `${label}: ${outcome.message}`, timeoutAdvice(limits));
        break;
    }
  });
  const usable = exchange.end.kind === "complete" && !exchange.outOfStep;
  const failed = checker.problemsSince(before);
  checker.step(batch.name, failed ? "failed" : "ok", answered.join("; ") || "no answer");
  return usable;
}

function stderrExcerpt(stderr: string | undefined): string {
  const lines = (stderr ?? "").trimEnd().split("\n").filter(Boolean).slice(-5);
  return lines.length === 0 ? "" : ` — its stderr ends with: ${lines.join(" ⏎ ")}`;
}

async function checkStop(checker: Checker, core: CoreProcess, limits: ProtocolLimits): Promise<void> {
  const before = checker.findings.length;
  const early = core.drainLines();
  if (early.length > 0) {
    checker.find("problem", CHECK.stop, `the core wrote ${early.length} line(s) nobody asked for, starting ${quote(early[0]!, limits.quotedLineChars)}`, violationAdvice("wrong-batch", limits));
  }
  core.send({ cmd: "stop" });
  core.closeInput();
  const deadline = Date.now() + limits.stopTimeoutMs;
  const after: string[] = [];
  for (;;) {
    const event = await core.next(deadline - Date.now());
    if (event.kind === "line") after.push(event.text);
    else if (event.kind === "overflow") after.push(event.head);
    else if (event.kind === "timeout") {
      core.kill();
      await core.waitForExit(limits.stopTimeoutMs);
      checker.find("problem", CHECK.stop, `the core did not exit within ${limits.stopTimeoutMs / 1000} s of \`stop\` (it was killed)`, STOP_ADVICE.exit);
      break;
    } else {
      const status = event.kind === "exit" ? event.status : { code: null, signal: null };
      if (status.code !== 0) checker.find("problem", CHECK.stop, `after \`stop\` the core ${describeExit(status)}`, STOP_ADVICE.exit);
      break;
    }
  }
  if (after.length > 0) checker.find("problem", CHECK.stop, `the core wrote after \`stop\`: ${quote(after[0]!, limits.quotedLineChars)}`, STOP_ADVICE.output);
  const status = core.exited;
  checker.step(CHECK.stop, checker.problemsSince(before) ? "failed" : "ok", status ? `the core ${describeExit(status)}` : "the core was killed");
}

export async function checkCore(argv: readonly string[], options: CheckOptions): Promise<CoreCheckReport> {
  const { limits, spec } = options;
  const checker = new Checker();
  const finish = (core: CoreDescription | undefined, stderr: string): CoreCheckReport => ({
    command: argv,
    ...(core === undefined ? {} : { core }),
    steps: checker.steps,
    findings: checker.findings,
    stderr,
    ok: !checker.findings.some((f) => f.severity === "problem"),
  });
  const notReached = (names: string[]): void => names.forEach((name) => checker.step(name, "not reached", "an earlier problem stopped the check"));

  let started;
  try {
    started = await startCore(argv, { limits, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  } catch (error) {
    if (!(error instanceof HandshakeError)) throw error;
    checker.find("problem", CHECK.handshake, error.message, handshakeAdvice(error.failure, limits, protocolSettings().version));
    checker.step(CHECK.handshake, "failed", error.message);
    notReached([CHECK.single, CHECK.several, CHECK.probe, CHECK.stop]);
    return finish(undefined, error.stderr);
  }
  const { process: core, hello } = started;
  const description = hello.implementation;
  checker.step(
    CHECK.handshake,
    "ok",
    `hello from ${description.name} ${description.version} (protocol ${hello.protocol}): ${description.profiles.length} profiles, ${description.areas.length} areas, ${description.operations.length} operations${hello.maxBatch === undefined ? "" : `, at most ${hello.maxBatch} cases per batch`}`,
  );
  checkDescription(checker, spec, description);

  const trivial = pickTrivialCases(spec, description, options.casePaths);
  if (trivial.length === 0) {
    checker.find("warning", CHECK.single, "no bundled case fits what the core declares (an area, its operations and a profile), so only the probe ran", DESCRIPTION_ADVICE.nothing);
  }
  const maxBatch = hello.maxBatch ?? Number.POSITIVE_INFINITY;
  const probe = unknownOperationProbe(spec, description, trivial[0]);
  const batches: Batch[] = [
    { name: CHECK.single, cases: trivial.slice(0, 1) },
    { name: CHECK.several, cases: trivial.slice(1, 1 + maxBatch) },
    // The trivial case after the probe shows whether the core carried on.
    { name: CHECK.probe, cases: [probe, ...trivial.slice(0, 1)].slice(0, maxBatch) },
  ];
  let usable = true;
  let number = 0;
  for (const batch of batches) {
    if (!usable) notReached([batch.name]);
    else if (batch.cases.length === 0) checker.step(batch.name, "skipped", "no case to send");
    else usable = await checkBatch(checker, core, number++, batch, limits);
  }
  if (usable) await checkStop(checker, core, limits);
  else {
    core.kill();
    await core.waitForExit(limits.stopTimeoutMs);
    notReached([CHECK.stop]);
  }
  return finish(description, core.stderr.tail(limits.caseStderrTailBytes));
}
