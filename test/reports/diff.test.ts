import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult, Report } from "../../spec/types/generated";
import { diffReports } from "../../reports/diff";
import { runCli } from "../helpers";
import { corpusCopy, x86Report } from "./fixtures";

const CASE_IDS = /gnttab\.fixture\.[a-z0-9-]+/g;

describe("hvabi diff", () => {
  it("on two reports that differ in one case names exactly that case, and exits 1 on the regression", () => {
    const dir = corpusCopy();
    expect(runCli(["run", "cases", "--report-dir", "old"], { cwd: dir }).status).toBe(1);
    const path = join(dir, "cases", "gnttab", "override-ignores-bootloader.json");
    writeFileSync(path, readFileSync(path, "utf8").replace('"xen.gnttab.maxVersion": 2', '"xen.gnttab.maxVersion": 1'));
    expect(runCli(["run", "cases", "--report-dir", "new"], { cwd: dir }).status).toBe(1);

    const forward = runCli(["diff", "old/report.json", "new/report.json"], { cwd: dir });
    expect(forward.stderr).toBe("");
    expect(new Set(forward.stdout.match(CASE_IDS))).toEqual(new Set(["gnttab.fixture.override-ignores-bootloader"]));
    expect(forward.stdout).toMatch(/NEWLY FAILING\s+REGRESSION gnttab\.fixture\.override-ignores-bootloader \[xen-4\.22\] \(pass → fail\)/);
    expect(forward.stdout).toMatch(/NEWLY FAILING\s+REGRESSION gnttab\.fixture\.override-ignores-bootloader \[seed-proposals\] \(pass → fail\)/);
    expect(forward.stdout).toMatch(/NEWLY FAILING\s+REGRESSION gnttab\.fixture\.override-ignores-bootloader \[xen-4\.17\] \(pass → fail\)/);
    expect(forward.stdout).toContain("3 regressions; 3 newly failing; 19 unchanged");
    expect(forward.status).toBe(1);

    const backward = runCli(["diff", "new/report.json", "old/report.json", "--format", "markdown"], { cwd: dir });
    expect(new Set(backward.stdout.match(CASE_IDS))).toEqual(new Set(["gnttab.fixture.override-ignores-bootloader"]));
    expect(backward.stdout).toMatch(/^## hvabi diff: ✅ no regression; 3 newly passing; 19 unchanged/);
    expect(backward.stdout).toContain("- gnttab.fixture.override-ignores-bootloader \\[xen-4.22\\]: fail → pass");
    expect(backward.status).toBe(0);
  });

  it("says which input is unusable (exit 2)", () => {
    const dir = corpusCopy();
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ reportVersion: 1 }));
    const result = runCli(["diff", "bad.json", "bad.json"], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hvabi: bad\.json: not a valid hvabi report: \/: must have required property 'tool'/);
  });
});

describe("diffReports", () => {
  const base = x86Report();
  const edit = (change: (results: CaseResult[]) => void): Report => {
    const next = structuredClone(base);
    change(next.results);
    return next;
  };
  const kinds = (after: Report): string[] => diffReports(base, after).changes.map((c) => `${c.kind}${c.regression ? "!" : ""} ${(c.after ?? c.before)!.id} ${(c.after ?? c.before)!.profile}`);

  it("finds nothing between a report and itself", () => {
    expect(diffReports(base, structuredClone(base))).toEqual({ changes: [], unchanged: base.results.length, regressions: 0 });
  });

  it("tells newly failing, newly passing, changed, added and removed apart; regressions are the results that stopped being OK", () => {
    const after = edit((results) => {
      results[0]!.status = "pass"; // fail → pass
      results[2]!.status = "core-error"; // pass → core-error
      results[3]!.status = "fail"; // skip → fail
      results[5]!.status = "timeout"; // crash → timeout
      results[6]!.reason = "took longer than 20000 ms"; // timeout, another reason
      results.splice(4, 1); // smep removed
      results.push({ ...results[0]!, id: "pte.fixture.new", status: "error", reason: "invalid" });
    });
    expect(kinds(after)).toEqual([
      "newly-passing pte.fixture.nx-without-nxe xen-4.22",
      "newly-failing! pte.fixture.present xen-4.22",
      "newly-failing! pte.fixture.pkey xen-4.22",
      "changed cr4.fixture.smap xen-4.22",
      "changed cr4.fixture.wp-pinned xen-4.22",
      "added! pte.fixture.new xen-4.22",
      "removed cr4.fixture.smep xen-4.22",
    ]);
    expect(diffReports(base, after).regressions).toBe(3);
  });

  it("keys files without a readable id by their path", () => {
    const unreadable = (file: string): CaseResult => ({ id: null, profile: null, file, area: "pte", status: "error", durationMs: 0, reason: "syntax" });
    const before = edit((results) => results.push(unreadable("cases/pte/a.json")));
    const after = edit((results) => results.push(unreadable("cases/pte/b.json")));
    expect(diffReports(before, after).changes.map((c) => `${c.kind} ${(c.after ?? c.before)!.file}`)).toEqual(["added cases/pte/b.json", "removed cases/pte/a.json"]);
  });
});
