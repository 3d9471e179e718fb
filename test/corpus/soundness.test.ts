/**
 * Corpus soundness: each check passes on the committed corpus and fails on a
 * small corpus built to break it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import { computeCoverage } from "../../runner/coverage";
import { loadCaseFile, type LoadedCase } from "../../runner/loader";
import { caseFileName, findContradictions, misnamedCases } from "../../runner/soundness";
import { discoverCaseFiles } from "../../runner/discover";
import { defaultCasesDir } from "../../spec/paths";
import type { Report } from "../../spec/types/generated";
import { runCli, tempDir, writeTree } from "../helpers";
import { createReferenceExecutor } from "../../core/reference";
import { inProcessCore } from "../../core/adapters/in-process";
import { runSuite } from "../../runner/run";

const spec = loadSpec();

const base = {
  id: "gnttab.sound.a",
  title: "physinfo reports gnttab_v2 by default",
  clauses: ["GNTTAB-PHYSINFO-CAPS"],
  polarity: "accept",
  profiles: ["xen-4.22"],
  config: {},
  steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": true } } }],
};

function loadAll(dir: string): LoadedCase[] {
  return discoverCaseFiles([dir]).files.map((file) => {
    const loaded = loadCaseFile(file, spec);
    if (!loaded.ok) throw new Error(`${file} did not load`);
    return loaded;
  });
}

const runReport = (dir: string): { status: number | null; report: Report } => {
  const out = tempDir();
  const { status } = runCli(["run", dir, "--report-dir", out]);
  return { status, report: JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report };
};

describe("soundness of the committed corpus", () => {
  const cases = discoverCaseFiles([defaultCasesDir()]).files.map((file) => loadCaseFile(file, spec));

  it("loads every case (no duplicate ids, no clause of another area)", () => {
    expect(cases.filter((c) => !c.ok).map((c) => c.file)).toEqual([]);
  });

  it("has no two cases with the same input and contradictory expectations", () => {
    expect(findContradictions(cases.filter((c): c is LoadedCase => c.ok))).toEqual([]);
  });

  it("names every case file after its id (cases/<area>/<id without \"<area>.\">.json)", () => {
    expect(misnamedCases(cases.filter((c): c is LoadedCase => c.ok)).map((c) => `${c.file} should be ${c.expected}`)).toEqual([]);
  });

  it("runs every case in every profile it inherits, or skips it naming a clause that does not hold there and why", () => {
    const runs = cases.filter((c): c is LoadedCase => c.ok).flatMap((c) => c.runs.filter((run) => run.inheritedFrom !== undefined).map((run) => ({ id: c.data.id, run })));
    expect(runs.length).toBeGreaterThan(0);
    for (const { id, run } of runs.filter((r) => r.run.skip !== undefined)) {
      expect(run.skip, id).toMatch(/^differs in [a-z0-9.-]+ only: clause [A-Z0-9-]+ does not hold in [a-z0-9.-]+ \(.+\)$|^the case opts out of /);
    }
  });

  it("passes on the reference core in every profile each case applies to, inherited ones included", async () => {
    const report = await runSuite(inProcessCore(createReferenceExecutor(spec)), spec, { paths: [defaultCasesDir()] });
    expect(report.results.filter((r) => r.status !== "pass" && r.status !== "skip").map((r) => `${r.id} [${r.profile}]: ${r.reason}`)).toEqual([]);
    // The reference core implements every profile: the only skips are inherited runs the spec itself rules out.
    expect(report.results.filter((r) => r.status === "skip" && (r.inheritedFrom === undefined || !/does not hold in|opts out/.test(r.reason ?? "")))).toEqual([]);
    expect(report.results.some((r) => r.inheritedFrom !== undefined && r.status === "pass")).toBe(true);
  });

  it("gives every clause an accepting and a refusing case", () => {
    const coverage = computeCoverage(spec, [defaultCasesDir()]);
    expect(coverage.clauses.filter((c) => c.accept === 0 || c.refuse === 0).map((c) => c.id)).toEqual([]);
  });
});

describe("each soundness check catches a corpus built to break it", () => {
  it("duplicate case ids", () => {
    const dir = writeTree({ "gnttab/a.json": base, "gnttab/b.json": { ...base, title: "the same id again, in another file" } });
    const { status, report } = runReport(dir);
    expect(status).toBe(1);
    expect(report.results.find((r) => r.status === "error")?.reason).toMatch(/duplicate case id "gnttab\.sound\.a"/);
  });

  it("two cases with the same configuration and steps but contradictory expectations", () => {
    const dir = writeTree({
      "gnttab/a.json": base,
      "gnttab/b.json": { ...base, id: "gnttab.sound.b", polarity: "refuse", steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": false } } }] },
      "gnttab/c.json": { ...base, id: "gnttab.sound.c", steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v1": true } } }] },
    });
    const contradictions = findContradictions(loadAll(dir));
    // In xen-4.22 and in xen-4.17, which both cases inherit.
    expect(contradictions.map((c) => c.profile)).toEqual(["xen-4.22", "xen-4.17"]);
    expect(contradictions[0]).toMatchObject({ first: { id: "gnttab.sound.a" }, second: { id: "gnttab.sound.b" }, field: "returns.cap.gnttab_v2", step: 0 });
    const coverage = runCli(["coverage", "--area", "gnttab", dir]);
    expect(coverage.status).toBe(1);
    expect(coverage.stdout).toMatch(/contradiction: gnttab\.sound\.a .* and gnttab\.sound\.b .* expect different returns\.cap\.gnttab_v2 at step 0/);
  });

  it("a case citing a clause whose area does not match its folder", () => {
    const dir = writeTree({ "crpin/a.json": { ...base, id: "crpin.sound.a" } });
    const { status, report } = runReport(dir);
    expect(status).toBe(1);
    expect(report.results[0]?.reason).toMatch(/clause "GNTTAB-PHYSINFO-CAPS" belongs to area "gnttab", not to this folder's "crpin"/);
  });

  it("a case file not named after its id", () => {
    const dir = writeTree({ "gnttab/sound.a.json": base, "gnttab/b.json": { ...base, id: "gnttab.sound.b" } });
    expect(misnamedCases(loadAll(dir)).map(({ id, expected }) => [id, expected])).toEqual([["gnttab.sound.b", "sound.b.json"]]);
    expect(caseFileName("gnttab.set-version.v2-refused", "gnttab")).toBe("set-version.v2-refused.json");
  });

  it("a clause without an accepting and a refusing case", () => {
    const dir = writeTree({ "gnttab/a.json": base });
    const coverage = computeCoverage(spec, [dir], ["gnttab"]);
    expect(coverage.clauses.find((c) => c.id === "GNTTAB-PHYSINFO-CAPS")).toMatchObject({ accept: 2, refuse: 0, byProfile: { "xen-4.22": [1, 0], "xen-4.17": [1, 0] } });
    expect(runCli(["coverage", "--area", "gnttab", dir]).status).toBe(1);
  });

  it("two cases whose expectations contradict only in a profile they inherit", () => {
    const own = { ...base, id: "gnttab.sound.own", steps: [{ ...base.steps[0], expectByProfile: { "xen-4.17": { result: "ok", returns: { "cap.gnttab_v2": false } } } }] };
    const contradictions = findContradictions(loadAll(writeTree({ "gnttab/a.json": base, "gnttab/own.json": own })));
    expect(contradictions.map((c) => [c.profile, c.first.id, c.second.id, c.field])).toEqual([["xen-4.17", "gnttab.sound.a", "gnttab.sound.own", "returns.cap.gnttab_v2"]]);
  });

  it("a case the reference core fails only in a profile it inherits", () => {
    // A zero-length copy naming a missing domain: ignored in xen-4.22, checked in xen-4.17.
    const dir = writeTree({
      "gnttab/a.json": {
        ...base,
        clauses: ["GNTTAB-COPY-BOUNDS"],
        config: { domains: [{ domid: 1 }] },
        steps: [{ op: "gnttab_copy", args: { source: { domid: 9, ref: 5 }, dest: { domid: 8, ref: 5 }, len: 0 }, expect: { result: "ok", status: "GNTST_okay" } }],
      },
    });
    const { status, report } = runReport(dir);
    expect(status).toBe(1);
    expect(report.results.map((r) => [r.profile, r.status, r.inheritedFrom ?? null])).toEqual([["xen-4.22", "pass", null], ["xen-4.17", "fail", "xen-4.22"]]);
  });

  it("a case the reference core fails in a profile it applies to", () => {
    const dir = writeTree({
      "gnttab/a.json": {
        ...base,
        profiles: ["xen-4.22", "seed-proposals"],
        config: { xen: { cmdline: "gnttab=max-ver:1" } },
        steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": false } } }],
      },
    });
    const { status, report } = runReport(dir);
    expect(status).toBe(1);
    expect(report.results.map((r) => [r.profile, r.status])).toEqual([["xen-4.22", "pass"], ["seed-proposals", "fail"], ["xen-4.17", "pass"]]);
  });
});
