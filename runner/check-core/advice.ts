/** What an implementer should do about each protocol problem check-core finds. */
import type { HandshakeFailure } from "../../core/protocol/handshake";
import type { BrokenRule } from "../../core/protocol/exchange";
import type { ProtocolLimits } from "../../core/protocol/settings";

const STDOUT_ONLY =
  "stdout carries protocol messages only: one JSON object per line. Send logs, debugging output and banners to stderr (the runner keeps stderr in the report).";

export function handshakeAdvice(failure: HandshakeFailure, limits: ProtocolLimits, version: number): string {
  switch (failure) {
    case "spawn":
      return "Check the program path after exec: (relative to the working directory, or a name on PATH) and that it is executable. The command is split into words without a shell: no pipes, redirections or $VARIABLES.";
    case "exit":
      return `The core must stay running: read {"cmd":"start","protocol":${version},…} from stdin, answer with a \`hello\` line, then keep reading requests until \`stop\`. Its stderr (below) usually says why it stopped.`;
    case "timeout":
      return `Answer \`start\` within ${limits.startTimeoutMs / 1000} s and flush stdout after every line (C: setvbuf(stdout, NULL, _IOLBF, 0) or fflush(stdout); Python: print(..., flush=True)). A core that reads its whole input before answering never sees the next request.`;
    case "overflow":
      return `Keep every line shorter than ${limits.maxLineBytes} bytes. ${STDOUT_ONLY}`;
    case "not-json":
      return `The first line on stdout must be the \`hello\`. ${STDOUT_ONLY}`;
    case "invalid":
      return `Make the hello match spec/protocol.schema.json#/$defs/hello: {"reply":"hello","protocol":${version},"implementation":{"name","version","profiles","areas","operations"}}, with nothing else.`;
    case "version":
      return `This hvabi speaks protocol version ${version} (docs/protocol.md). Implement that version, or run the core with an hvabi that speaks its version. Answer \`hello\` with the version you implement; never echo the runner's.`;
    case "unexpected-reply":
      return "Answer `start` with a `hello` line and nothing before it.";
  }
}

export function violationAdvice(rule: BrokenRule, limits: ProtocolLimits): string {
  switch (rule) {
    case "not-json":
      return STDOUT_ONLY;
    case "invalid":
      return "Make every result match spec/protocol.schema.json#/$defs/result: reply, batch, id, profile and outcome, plus `steps` (observed: one observation per step, spec/observation.schema.json), `reason` (skipped) or `message` (errored), and nothing else.";
    case "unexpected-reply":
      return "After the handshake, answer a `run` only with `result` lines.";
    case "wrong-batch":
      return "Echo the `batch` number of the `run` request in each of its results, and write exactly one result per case: no more, no fewer.";
    case "wrong-case":
      return "Answer the cases in the order the batch lists them, echoing each case's `id` and `profile` exactly.";
    case "missing-result":
      return "Write one result for every case of a batch, even the ones you do not run: answer those `skipped` with a reason, or `errored` with a message.";
    case "overflow":
      return `Keep every line shorter than ${limits.maxLineBytes} bytes: report only the state keys a step's \`observe\` asks for.`;
  }
}

export const CRASH_ADVICE =
  "A case must never bring the core down: catch failures inside a case and answer `errored` with a message (and context), so the other cases run. The stderr tail shows where it died.";

export function timeoutAdvice(limits: ProtocolLimits): string {
  return `Answer each case within ${limits.caseTimeoutMs / 1000} s (hvabi run --case-timeout raises the limit), and write and flush each result as soon as its case is done: results held back until the end of a batch count against the first case (C: setvbuf(stdout, NULL, _IOLBF, 0); Python: flush=True).`;
}

export const DESCRIPTION_ADVICE = {
  profile: "Declare only profiles of spec/data/profiles.json (or cases will never run in the others); a profile name is case-sensitive.",
  area: "Declare only areas the spec knows (spec/common.schema.json#/$defs/areaName).",
  operation: "Declare only operations of spec/ops-*.schema.json; a case using an operation you do not declare is skipped without reaching you.",
  nothing: "Declare the profiles, areas and operations you implement: with an empty list no case ever reaches the core.",
};

export const UNKNOWN_OPERATION_ADVICE =
  "For an operation you do not implement, answer `skipped` with a reason (or `errored`): an `observed` answer claims a behaviour you cannot have seen.";

export const STEPS_ADVICE = "An `observed` result carries exactly one observation per step of the case, in step order.";

export const STOP_ADVICE = {
  exit: "On `stop` (or at the end of stdin), exit with status 0 promptly.",
  output: "Write nothing after `stop`: it has no reply.",
};
