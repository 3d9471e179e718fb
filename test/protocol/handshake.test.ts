/**
 * Starting a subprocess core: a core that cannot be started stops the run
 * with a message saying why (exit code 3 from the CLI); a restart that fails
 * the handshake costs the restart budget, and the report stays complete.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CoreResolutionError } from "../../runner/core-kinds/core-kind";
import { tempDir } from "../helpers";
import { double, expectCompleteReport, runCliAgainst, runInProcess, statuses } from "./helpers";

async function refusal(core: string, limits = {}): Promise<string> {
  const error: unknown = await runInProcess(core, { limits }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CoreResolutionError);
  return (error as Error).message;
}

describe.concurrent("starting a subprocess core", () => {
  it("refuses a core that speaks an unknown protocol version, before any case", async () => {
    expect(await refusal(double("unknown-protocol"))).toContain("the core speaks protocol version 99, but this hvabi speaks version 1");
  });

  it("refuses a core that exits during the handshake, showing its stderr", async () => {
    const message = await refusal(double("exit-in-handshake"));
    expect(message).toContain("exited with status 2 before answering `start`");
    expect(message).toContain("| double: cannot open /dev/hypervisor: No such device");
  });

  it("refuses a core that never answers the handshake", async () => {
    expect(await refusal(double("hang", "handshake"), { startTimeoutMs: 300 })).toContain("did not answer `start` within 0.3 s");
  });

  it("explains a program that does not exist", async () => {
    expect(await refusal("exec:./no-such-core --flag")).toContain('cannot run "./no-such-core": no such file');
  });

  it("completes the report when restarts fail in the handshake", async () => {
    const state = join(tempDir(), "starts");
    const report = expectCompleteReport(await runInProcess(double("exit-in-handshake", state, "1"), { limits: { maxRestarts: 2 } }));
    expect(statuses(report)).toEqual(["crash", ...Array(9).fill("core-error")]);
    expect(report.results[1]!.reason).toMatch(/gave up on the core after 2 restarts .*restarting failed: the core exited with status 2 before answering `start`/);
  });

  it("exits 3 from the CLI, writing no report, when the core cannot be started", async () => {
    const run = await runCliAgainst(double("unknown-protocol"));
    expect(run.status).toBe(3);
    expect(run.report).toBeUndefined();
    expect(run.stderr).toMatch(/^hvabi: cannot start the core exec:node test\/doubles\/unknown-protocol\.js: the core speaks protocol version 99/);
  });
});
