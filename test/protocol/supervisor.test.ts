/**
 * The supervisor against test doubles (test/doubles): each misbehaviour costs
 * the case in flight the right status, and the run always ends with a
 * report that accounts for every case.
 */
import { describe, expect, it } from "vitest";
import { double, expectCompleteReport, runCliAgainst, runInProcess, statuses } from "./helpers";

describe.concurrent("a subprocess core under supervision", () => {
  it("passes every fixture case through a healthy double, keeping its stderr", async () => {
    const report = expectCompleteReport(await runInProcess(double("healthy")));
    expect(new Set(statuses(report))).toEqual(new Set(["pass"]));
    expect(report.core.name).toBe("double-healthy");
    expect(report.coreStderr).toContain("double: healthy and ready");
  });

  it("maps skipped and errored answers to skip and core-error, keeping the core's stderr", async () => {
    const report = expectCompleteReport(await runInProcess(double("outcomes")));
    for (const result of report.results) {
      if (result.id!.includes("set-version")) expect(result).toMatchObject({ status: "skip", reason: "set_version is not modelled yet" });
      else if (result.id!.includes("physinfo")) {
        expect(result).toMatchObject({ status: "core-error", reason: "the core reported an error: physinfo: no host model (core.c:17)" });
        // stderr and stdout are separate pipes: the result keeps what had arrived while the case was in flight.
        if (result.stderr !== undefined) expect(`double: physinfo failed in ${result.profile}\n`).toContain(result.stderr);
        expect(report.coreStderr).toContain(`double: physinfo failed in ${result.profile}`);
      } else expect(result.status).toBe("pass");
    }
  });

  it("reports the cases a core leaves out as core-error and takes the answer for the case it names", async () => {
    const report = expectCompleteReport(await runInProcess(double("omits")));
    for (const result of report.results) {
      if (result.id!.includes("physinfo")) {
        expect(result.status).toBe("core-error");
        expect(result.reason).toMatch(/^the core gave no result for this case \(it answered gnttab\.protocol-fixture\.\S+ \[\S+\] next\)$/);
      } else expect(result.status).toBe("pass");
    }
  });

  it("marks the case a crash kills as crash with the tail of stderr, restarts, and runs the rest", async () => {
    const report = expectCompleteReport(await runInProcess(double("crash-on-nth", "3")));
    // Each incarnation crashes on its third case: two pass, one crashes, the restart starts afresh.
    expect(statuses(report)).toEqual(["pass", "pass", "crash", "pass", "pass", "crash", "pass", "pass", "crash", "pass"]);
    for (const result of report.results.filter((r) => r.status === "crash")) {
      expect(result.reason).toContain("exited with status 1 while running this case");
      expect(result.stderr).toContain(`simulated crash in ${result.id}`);
    }
    expect(report.coreStderr).toContain("[hvabi] restarting the core (restart 3 of at most 5)");
  });

  it("gives up on a core that keeps crashing, and every remaining case says so", async () => {
    const report = expectCompleteReport(await runInProcess(double("crash-on-nth", "1"), { limits: { maxRestarts: 2 } }));
    expect(statuses(report)).toEqual(["crash", "crash", "crash", ...Array(7).fill("core-error")]);
    for (const result of report.results.slice(3)) {
      expect(result.reason).toMatch(/^not run: hvabi gave up on the core after 2 restarts .*it exited with status 1 while running/);
    }
    expect(report.coreStderr).toContain("[hvabi] giving up on the core");
  });

  it("times out a case that hangs, kills the core and goes on", async () => {
    const report = expectCompleteReport(await runInProcess(double("hang", "2"), { limits: { caseTimeoutMs: 1000 }, profiles: ["xen-4.22"] }), ["xen-4.22"]);
    expect(statuses(report)).toEqual(["pass", "timeout", "pass", "timeout", "pass"]);
    const timedOut = report.results[1]!;
    expect(timedOut.reason).toContain("no result within 1 s");
    expect(timedOut.stderr).toContain(`stuck in ${timedOut.id}`);
    // The hung core was killed at once, not left to be stopped at the end.
    expect(report.coreStderr).not.toContain("did not exit");
  });

  it("stops a batch that outlasts its backstop even when every case is within the per-case limit", async () => {
    // 200 ms per case: five cases cannot fit a 0.5 s batch, however fast the machine.
    const report = expectCompleteReport(await runInProcess(double("slow", "200"), { limits: { batchTimeoutMs: 500 }, profiles: ["xen-4.22"] }), ["xen-4.22"]);
    const timeouts = report.results.filter((r) => r.status === "timeout");
    expect(timeouts.length).toBeGreaterThan(0);
    for (const result of timeouts) expect(result.reason).toContain("batch backstop of 0.5 s");
    expect(statuses(report).every((s) => s === "pass" || s === "timeout")).toBe(true);
  });

  it("reports each line that is not a valid result as core-error, quoting it", async () => {
    const report = expectCompleteReport(await runInProcess(double("garbage")));
    expect(new Set(statuses(report))).toEqual(new Set(["core-error"]));
    report.results.forEach((result, index) => {
      if (index % 2 === 0) {
        expect(result.reason).toContain("not JSON");
        expect(result.reason).toContain(`"DEBUG: running ${result.id} <<not json>>"`);
      } else {
        expect(result.reason).toContain("not a valid protocol response");
        expect(result.reason).toContain("/steps/0/result: value not allowed");
        expect(result.reason).toContain('\\"fine\\"');
      }
    });
  });

  it("reports a result under the wrong case id as core-error naming both ids", async () => {
    const report = expectCompleteReport(await runInProcess(double("wrong-id")));
    expect(new Set(statuses(report))).toEqual(new Set(["core-error"]));
    for (const result of report.results) {
      expect(result.reason).toContain(`answered for ${result.id}.not-this-one [${result.profile}] while the result of ${result.id} [${result.profile}] was due`);
    }
  });

  it("cuts a flood of stdout at the line cap, reports it and restarts the core", async () => {
    const report = expectCompleteReport(await runInProcess(double("flood", "2"), { profiles: ["xen-4.22"] }), ["xen-4.22"]);
    expect(statuses(report)).toEqual(["pass", "core-error", "pass", "core-error", "pass"]);
    expect(report.results[1]!.reason).toMatch(/wrote a line longer than 4194304 bytes \(cut; it begins "\{\\"reply\\":\\"result\\".*xxxx/);
    expect(report.coreStderr).toContain("it flooded stdout");
  });

  it("writes a complete, valid report through the CLI and exits 1 when a core crashes", async () => {
    const run = await runCliAgainst(double("crash-on-nth", "3"));
    const report = expectCompleteReport(run.report);
    expect(report.counts).toMatchObject({ total: 10, pass: 7, crash: 3 });
    expect(run.stdout).toContain("FAILED  7 pass · 3 crash (total 10)");
    expect(run.status).toBe(1);
  });
});
