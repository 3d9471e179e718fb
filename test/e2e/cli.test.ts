/** The built CLI end to end: the committed suite, invalid input, usage errors. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportProblems } from "../../reports/json";
import type { Report } from "../../spec/types/generated";
import { runCli, tempDir, writeTree } from "../helpers";

const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;

describe("hvabi run on the committed suite", () => {
  const out = tempDir();
  const run = runCli(["run", "--report-dir", out, "--detail", "all"]);

  it("exits 0 with every case passing on the reference core", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = readReport(out);
    expect(report.counts.total).toBeGreaterThan(0);
    // The only skips: cases that apply to an inherited profile (xen-4.17) where a clause they cite does not hold.
    expect(report.counts.pass + report.counts.skip).toBe(report.counts.total);
    expect(report.results.filter((r) => r.status === "skip" && !(r.inheritedFrom !== undefined && /does not hold in/.test(r.reason ?? "")))).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("writes a report that validates against spec/report.schema.json", () => {
    expect(reportProblems(readReport(out))).toEqual([]);
  });

  it("prints a summary naming the core and counts, without colour when not on a TTY", () => {
    expect(run.stdout).toMatch(/core hvabi-reference/);
    expect(run.stdout).toMatch(/^OK {2}\d+ pass · \d+ skip \(total \d+\)$/m);
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });
});

describe("hvabi coverage", () => {
  it("shows every clause with an accepting and a refusing case and exits 0", () => {
    const run = runCli(["coverage"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/0 clauses without both an accepting and a refusing case; 0 load errors/);
  });

  it("exits non-zero when a clause lacks a side", () => {
    const dir = writeTree({
      "gnttab/only-accept.json": {
        id: "gnttab.only.accept", title: "only an accepting case", clauses: ["GNTTAB-PHYSINFO-CAPS"], polarity: "accept",
        profiles: ["xen-4.22"], config: {}, steps: [{ op: "physinfo", expect: { result: "ok" } }],
      },
    });
    const run = runCli(["coverage", "--area", "gnttab", dir]);
    expect(run.status).toBe(1);
    // Counted in xen-4.22 and in xen-4.17, which the case applies to through its basedOn.
    expect(run.stdout).toMatch(/GNTTAB-PHYSINFO-CAPS +gnttab +2 +0 +xen-4\.22 1\/0, seed-proposals 0\/0, xen-4\.17 1\/0 .*needs an accepting and a refusing case/);
  });
});

describe("hvabi run with bad case files", () => {
  const good = {
    id: "gnttab.good.one", title: "a good case among bad ones", clauses: ["GNTTAB-PHYSINFO-CAPS"], polarity: "accept",
    profiles: ["xen-4.22"], config: {}, steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": true } } }],
  };
  const dir = writeTree({
    "gnttab/good.json": good,
    "gnttab/syntax.json": '{\n  "id": "gnttab.bad.syntax",\n  "title": "x"\n  "clauses": []\n}\n',
    "gnttab/schema.json": { ...good, id: "gnttab.bad.schema", steps: [{ op: "physinfo", expect: { result: "okay" } }] },
    "gnttab/clause.json": { ...good, id: "gnttab.bad.clause", clauses: ["GNTTAB-NOT-A-CLAUSE"] },
    "gnttab/duplicate.json": { ...good },
  });
  const out = tempDir();
  const run = runCli(["run", dir, "--report-dir", out]);
  const report = readReport(out);

  it("runs the good case and reports each bad file as an error, exiting 1", () => {
    expect(run.status).toBe(1);
    // The good case in xen-4.22 and, inherited, in xen-4.17.
    expect(report.counts).toMatchObject({ total: 6, pass: 2, error: 4 });
    expect(reportProblems(report)).toEqual([]);
  });

  it("names the file and the place of each problem", () => {
    expect(run.stdout).toMatch(/syntax\.json:4:3: JSON syntax error: expected ','/);
    expect(run.stdout).toMatch(/schema\.json:\d+:\d+: \/steps\/0\/expect\/result: value not allowed \(expected one of "ok", .*found "okay"\)/);
    expect(run.stdout).toMatch(/clause\.json:\d+:\d+: \/clauses\/0: unknown clause "GNTTAB-NOT-A-CLAUSE"/);
    expect(run.stdout).toMatch(/good\.json: duplicate case id "gnttab\.good\.one" \(first defined in .*duplicate\.json\)|duplicate\.json: duplicate case id/);
  });
});

describe("usage", () => {
  it("exits 2 with a message for an unknown option, command or profile", () => {
    expect(runCli(["run", "--no-such-option"]).status).toBe(2);
    expect(runCli(["frobnicate"]).status).toBe(2);
    const profile = runCli(["run", "--profile", "xen-9.99", "--report-dir", tempDir()]);
    expect(profile.status).toBe(2);
    expect(profile.stderr).toContain("unknown profile xen-9.99");
  });

  it("exits 3 for a core it cannot start", () => {
    const run = runCli(["run", "--core", "no-such-core", "--report-dir", tempDir()]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('unknown core "no-such-core"');
  });
});
