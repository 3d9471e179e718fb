/**
 * The protocol's reference peer: `hvabi serve` gives the same observations
 * over the protocol as the reference core in process, and refuses requests
 * the schema does not allow.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Report } from "../../spec/types/generated";
import { inProcessCore } from "../../core/adapters/in-process";
import { createReferenceExecutor } from "../../core/reference";
import { EXIT_BAD_REQUEST, serveProtocol } from "../../core/protocol/server";
import { CoreProcess } from "../../core/protocol/child";
import { CLI } from "../helpers";
import { runCliAgainst } from "./helpers";

/** Everything a result says about the core's behaviour (not its timing). */
function behaviour(report: Report): Record<string, unknown> {
  return Object.fromEntries(
    report.results.map((r) => [`${r.id} [${r.profile}]`, { status: r.status, observed: r.steps?.map((s) => s.observed) }]),
  );
}

async function serve(lines: string[]): Promise<{ status: number; output: string[]; errors: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  const written: string[] = [];
  let diagnostics = "";
  output.on("data", (chunk: Buffer) => written.push(...chunk.toString().split("\n").filter(Boolean)));
  errors.on("data", (chunk: Buffer) => (diagnostics += chunk.toString()));
  const done = serveProtocol(inProcessCore(createReferenceExecutor()), { input, output, errors });
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  const status = await done;
  return { status, output: written, errors: diagnostics };
}

const START = JSON.stringify({ cmd: "start", protocol: 1, hvabi: "test" });

describe.concurrent("hvabi serve", () => {
  it("observes over the protocol exactly what the reference core observes in process, on the whole bundled corpus", async () => {
    const [inProcess, overProtocol] = await Promise.all([
      runCliAgainst("reference", ["--detail", "all"], []),
      runCliAgainst("exec:node dist/runner/cli.js serve", ["--detail", "all"], []),
    ]);
    expect(overProtocol.report!.core).toEqual(inProcess.report!.core);
    expect(overProtocol.report!.counts).toEqual(inProcess.report!.counts);
    expect(behaviour(overProtocol.report!)).toEqual(behaviour(inProcess.report!));
    expect(inProcess.report!.counts.total).toBeGreaterThan(0);
  });

  it("answers start with its own protocol version and description, and each case with a result line", async () => {
    const run = JSON.stringify({
      cmd: "run",
      batch: 7,
      cases: [{ id: "gnttab.x", area: "gnttab", profile: "xen-4.22", config: {}, steps: [{ op: "physinfo" }] }],
    });
    const { status, output } = await serve([JSON.stringify({ cmd: "start", protocol: 2, hvabi: "future" }), run, JSON.stringify({ cmd: "stop" })]);
    expect(status).toBe(0);
    const [hello, result] = output.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(hello).toMatchObject({ reply: "hello", protocol: 1, implementation: { name: "hvabi-reference" } });
    expect(result).toMatchObject({ reply: "result", batch: 7, id: "gnttab.x", profile: "xen-4.22", outcome: "observed", steps: [{ result: "ok", returns: { "cap.gnttab_v1": true, "cap.gnttab_v2": true } }] });
    expect(output).toHaveLength(2);
  });

  it.each([
    ["a line that is not JSON", ["{oops"], /a request line is not JSON/],
    ["a request the schema does not allow", [JSON.stringify({ cmd: "start", protocol: 1 })], /not valid against spec\/protocol\.schema\.json: \/: missing required property "hvabi"/],
    ["run before start", [JSON.stringify({ cmd: "run", batch: 0, cases: [{ id: "gnttab.x", area: "gnttab", profile: "xen-4.22", config: {}, steps: [] }] })], /`run` before `start`/],
  ])("refuses %s on stderr and exits with status 2", async (_what, lines, message) => {
    const { status, errors, output } = await serve(lines);
    expect(status).toBe(EXIT_BAD_REQUEST);
    expect(errors).toMatch(message);
    expect(output).toEqual([]);
  });

  it("exits with status 0 on stop, even while its stdin stays open", async () => {
    const core = new CoreProcess([process.execPath, CLI, "serve"], { maxLineBytes: 1 << 20, headBytes: 100, stderrTailBytes: 4096 });
    core.send(JSON.parse(START));
    expect(await core.next(10_000)).toMatchObject({ kind: "line" });
    core.send({ cmd: "stop" });
    expect(await core.waitForExit(10_000)).toBe(true);
    expect(core.exited).toEqual({ code: 0, signal: null });
  });

  it("exits with status 0 at the end of its input", async () => {
    const { status, output } = await serve([START]);
    expect(status).toBe(0);
    expect(output).toHaveLength(1);
  });
});
