/**
 * hvabi check-core: passes the reference core and a well-behaved double,
 * and finds and explains the problem of each faulty double.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCore, type CoreCheckReport, type Finding } from "../../runner/check-core/check";
import { protocolLimits } from "../../core/protocol/settings";
import { parseCoreRef, protocolCommandFor } from "../../runner/resolve-core";
import { loadSpec } from "../../spec";
import { double, FIXTURE_CASES, runCliAsync } from "./helpers";

const problems = (report: CoreCheckReport): Finding[] => report.findings.filter((f) => f.severity === "problem");

const checked = new Map<string, Promise<CoreCheckReport>>();
/** Each core is checked once per file, however many tests look at the result. */
function checkOnce(core: string): Promise<CoreCheckReport> {
  let result = checked.get(core);
  if (result === undefined) {
    // What hvabi check-core talks to: an exec: core itself, the reference core through `hvabi serve`.
    const argv = protocolCommandFor(parseCoreRef(core))!;
    result = checkCore(argv, { spec: loadSpec(), limits: protocolLimits({ caseTimeoutMs: 1000 }), casePaths: [FIXTURE_CASES] });
    checked.set(core, result);
  }
  return result;
}

describe.concurrent("hvabi check-core", () => {
  it("passes the reference core, checked through hvabi serve", async () => {
    const report = await checkOnce("reference");
    expect(report.findings).toEqual([]);
    expect(report.steps.map((s) => s.status)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(report.core?.name).toBe("hvabi-reference");
    expect(report.ok).toBe(true);
  });

  it("passes a well-behaved core, warning that it claims to observe an unknown operation", async () => {
    const report = await checkOnce(double("healthy"));
    expect(report.ok).toBe(true);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ severity: "warning", check: "an operation the core cannot know" });
    expect(report.findings[0]!.what).toContain('answered `observed` for the operation "check_core_unknown_operation"');
  });

  it("warns about profiles, areas and operations the spec does not know, without failing", async () => {
    const report = await checkOnce(double("strange-hello"));
    const warnings = report.findings.filter((f) => f.check === "description").map((f) => f.what);
    expect(warnings).toEqual([
      "the core declares profile the spec does not know: xen-9.99",
      "the core declares area the spec does not know: vga",
      "the core declares operation the spec does not know: teleport",
    ]);
    expect(report.ok).toBe(true);
  });

  // Each faulty double, the check that catches it, what the problem says, and what the advice says.
  const faults: [string, string, string, RegExp, RegExp][] = [
    ["garbage", "a batch of one case", double("garbage"), /not JSON .*"DEBUG: running gnttab\.protocol-fixture\.get-version <<not json>>"/, /stdout carries protocol messages only/],
    ["wrong-id", "a batch of one case", double("wrong-id"), /answered for gnttab\.protocol-fixture\.get-version\.not-this-one \[xen-4\.22\]/, /echoing each case's `id` and `profile`/],
    ["crash-on-nth", "a batch of several cases, answered in order", double("crash-on-nth", "2"), /exited with status 1 while running this case .*simulated crash in gnttab\.protocol-fixture\.physinfo/, /must never bring the core down/],
    ["hang", "a batch of several cases, answered in order", double("hang", "2"), /no result within 1 s/, /flush each result as soon as its case is done/],
    ["flood", "a batch of several cases, answered in order", double("flood", "2"), /line longer than 4194304 bytes/, /shorter than 4194304 bytes/],
    ["unknown-protocol", "handshake", double("unknown-protocol"), /speaks protocol version 99, but this hvabi speaks version 1/, /Implement that version/],
    ["exit-in-handshake", "handshake", double("exit-in-handshake"), /exited with status 2 before answering `start`/, /stderr \(below\) usually says why/],
    ["sloppy-stop", "shutdown", double("sloppy-stop"), /after `stop` the core exited with status 3/, /exit with status 0/],
  ];

  it.each(faults)("explains what is wrong with the %s double", async (_name, check, core, what, fix) => {
    const report = await checkOnce(core);
    expect(report.ok).toBe(false);
    const found = problems(report).find((p) => p.check === check && what.test(p.what));
    expect(found, JSON.stringify(report.findings, null, 2)).toBeDefined();
    expect(found!.fix).toMatch(fix);
  });

  it("finds distinct problems across the faulty doubles, each with its own advice", async () => {
    const reports = await Promise.all(faults.map(([, , core]) => checkOnce(core)));
    const advice = new Set(reports.map((report) => problems(report)[0]!.fix));
    expect(advice.size).toBeGreaterThanOrEqual(faults.length - 1);
  });

  it("keeps the core's stderr", async () => {
    expect((await checkOnce(double("exit-in-handshake"))).stderr).toContain("cannot open /dev/hypervisor");
  });

  it("prints each problem with what to do, and exits 1 from the CLI", async () => {
    const run = await runCliAsync(["check-core", double("sloppy-stop"), FIXTURE_CASES]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("  failed      shutdown — the core exited with status 3");
    expect(run.stdout).toContain("  1. [shutdown] after `stop` the core exited with status 3\n     what to do: On `stop` (or at the end of stdin), exit with status 0 promptly.");
    expect(run.stdout).toContain("CHECK FAILED (2 problems, 1 warning)");
  });

  it("exits 0 from the CLI for a core without problems", async () => {
    const run = await runCliAsync(["check-core", `exec:node ${join("test", "doubles", "healthy.js")}`, FIXTURE_CASES]);
    expect(run.stdout).toContain("CHECK PASSED (0 problems, 1 warning)");
    expect(run.status).toBe(0);
  });
});
