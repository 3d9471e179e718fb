/**
 * The core side of the protocol for any {@link Core}: what `hvabi serve`
 * runs, so the reference core (or a module core) can be driven over stdio
 * exactly like a core written in another language.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { RunRequest } from "../../spec/types/generated";
import type { CaseInput, CaseOutcome, Core } from "../interface";
import { schemaMismatch } from "./messages";
import { protocolSettings } from "./settings";

export interface ServeStreams {
  input: Readable;
  output: Writable;
  /** Diagnostics (the core's stderr). */
  errors: Writable;
}

/** Exit status for a request the server cannot understand: the runner sees the exit and the stderr message. */
export const EXIT_BAD_REQUEST = 2;

function resultLine(batch: number, input: CaseInput, outcome: CaseOutcome): Record<string, unknown> {
  const head = { reply: "result", batch, id: input.id, profile: input.profile };
  switch (outcome.kind) {
    case "observed":
      return { ...head, outcome: "observed", steps: outcome.steps, ...(outcome.durationMs === undefined ? {} : { durationMs: outcome.durationMs }) };
    case "skipped":
      return { ...head, outcome: "skipped", reason: outcome.reason };
    default:
      return { ...head, outcome: "errored", message: outcome.message };
  }
}

function requestProblem(line: string): { request: { cmd: string } } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return { problem: `a request line is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const mismatch = schemaMismatch("protocol-request", data);
  if (mismatch !== undefined) return { problem: `a request is not valid against spec/protocol.schema.json: ${mismatch}` };
  return { request: data as { cmd: string } };
}

/** Serves until `stop` or the end of input; resolves to the exit status. */
export async function serveProtocol(core: Core, streams: ServeStreams): Promise<number> {
  const { version } = protocolSettings();
  const lines = createInterface({ input: streams.input, crlfDelay: Infinity });
  let started = false;
  const refuse = (problem: string): number => {
    streams.errors.write(`hvabi serve: ${problem}\n`);
    return EXIT_BAD_REQUEST;
  };
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const parsed = requestProblem(line);
    if ("problem" in parsed) return refuse(`${parsed.problem}: ${line.slice(0, 200)}`);
    const { request } = parsed;
    if (request.cmd === "stop") return 0;
    if (request.cmd === "start") {
      started = true;
      // A runner speaking another version gets ours and decides; the protocol leaves refusing to it.
      streams.output.write(`${JSON.stringify({ reply: "hello", protocol: version, implementation: core.description })}\n`);
      continue;
    }
    if (!started) return refuse("`run` before `start`");
    const run = request as RunRequest;
    for (const input of run.cases as unknown as CaseInput[]) {
      const [outcome] = await core.run([input]);
      const answer = outcome ?? { kind: "errored", message: "the core returned no outcome" };
      streams.output.write(`${JSON.stringify(resultLine(run.batch, input, answer))}\n`);
    }
  }
  return 0;
}
