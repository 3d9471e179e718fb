import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Baseline, CaseResult, Report } from "../../spec/types/generated";
import { loadSpec } from "../../spec";
import type { CaseExecutor } from "../../core/interface";
import { createReferenceExecutor } from "../../core/reference";
import { inProcessCore } from "../../core/adapters/in-process";
import { runSuite } from "../../runner/run";
import { validator } from "../../spec/validation/validators";
import { judgeAgainstBaseline, updateBaseline } from "../../reports/baseline";
import { unexpectedMessage } from "../../reports/gate-text";
import { runCli } from "../helpers";
import { CORPUS, corpusCopy, readJsonFile } from "./fixtures";

const KNOWN_BUG = "gnttab.fixture.known-bug";

function writeBaselineFile(dir: string, entries: Baseline["entries"]): string {
  const path = join(dir, "baseline.json");
  writeFileSync(path, JSON.stringify({ $schema: "../spec/baseline.schema.json", baselineVersion: 1, entries }, null, 2));
  return path;
}

/** Rewrites one expected value in a case file of the scratch corpus. */
function editCase(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, "cases", "gnttab", file);
  const text = readFileSync(path, "utf8");
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

const run = (dir: string, ...extra: string[]) => runCli(["run", "cases", "--report-dir", "out", "--baseline", "baseline.json", ...extra], { cwd: dir });

describe("baseline gate (hvabi run --baseline)", () => {
  it("passes with one expected failure, fails naming an unexpected pass, fails naming a new failure", () => {
    const dir = corpusCopy();
    // The fixture lists xen-4.22; it applies to xen-4.17 (based on xen-4.22) too, and fails there alike.
    writeBaselineFile(dir, [
      { id: KNOWN_BUG, profile: "xen-4.22", status: "fail", reason: "maximum grant version off by two", issue: "https://example.org/issues/1" },
      { id: KNOWN_BUG, profile: "xen-4.17", status: "fail", reason: "maximum grant version off by two", issue: "https://example.org/issues/1" },
    ]);

    const expected = run(dir);
    expect(expected.stderr).toBe("");
    expect(expected.stdout).toContain("FAILED  20 pass · 2 fail");
    expect(expected.stdout).toContain("as expected: 2 expected results, no unexpected result");
    expect(expected.status).toBe(0);

    // The bug is fixed: the case passes, and the baseline must be updated.
    editCase(dir, "known-bug.json", '"xen.gnttab.maxVersion": 3', '"xen.gnttab.maxVersion": 1');
    const fixed = run(dir);
    expect(fixed.stdout).toMatch(/UNEXPECTED PASS\s+gnttab\.fixture\.known-bug \[xen-4\.22\]/);
    expect(fixed.stdout).toMatch(/UNEXPECTED PASS\s+gnttab\.fixture\.known-bug \[xen-4\.17\]/);
    expect(fixed.stdout).toContain("the baseline expects fail (maximum grant version off by two) but the case passes");
    expect(fixed.stdout).toContain("2 unexpected results (2 unexpected passes)");
    expect(fixed.status).toBe(1);

    // The bug is back and a new one appears.
    editCase(dir, "known-bug.json", '"xen.gnttab.maxVersion": 1', '"xen.gnttab.maxVersion": 3');
    editCase(dir, "transitive-equals-0.json", '"xen.gnttab.transitive": false', '"xen.gnttab.transitive": true');
    const regressed = run(dir);
    expect(regressed.stdout).toMatch(/NEW FAILURE\s+gnttab\.fixture\.transitive-equals-0 \[xen-4\.22\]/);
    expect(regressed.stdout).toMatch(/NEW FAILURE\s+gnttab\.fixture\.transitive-equals-0 \[seed-proposals\]/);
    expect(regressed.stdout).toMatch(/NEW FAILURE\s+gnttab\.fixture\.transitive-equals-0 \[xen-4\.17\]/);
    expect(regressed.stdout).not.toMatch(/(NEW FAILURE|UNEXPECTED PASS)\s+gnttab\.fixture\.known-bug/);
    expect(regressed.stdout).toContain("3 unexpected results (3 new failures); 2 expected results");
    expect(regressed.status).toBe(1);
  });

  it("--update-baseline rewrites the file (keeping reasons), after which the run is as expected; stale entries are reported, then dropped", () => {
    const dir = corpusCopy();
    const path = writeBaselineFile(dir, [{ id: KNOWN_BUG, profile: "xen-4.22", status: "fail", reason: "kept reason", issue: "BUG-7" }]);
    editCase(dir, "transitive-equals-0.json", '"xen.gnttab.transitive": false', '"xen.gnttab.transitive": true');

    const updated = run(dir, "--update-baseline");
    expect(updated.stdout).toContain(
      "added 4: gnttab.fixture.known-bug [xen-4.17], gnttab.fixture.transitive-equals-0 [xen-4.22], gnttab.fixture.transitive-equals-0 [seed-proposals], gnttab.fixture.transitive-equals-0 [xen-4.17]",
    );
    expect(updated.status).toBe(0);
    const written = readJsonFile<Baseline>(path);
    const validate = validator("baseline");
    expect(validate(structuredClone(written)) ? [] : validate.errors).toEqual([]);
    expect(written.entries.map((e) => [e.id, e.profile, e.status])).toEqual([
      [KNOWN_BUG, "xen-4.17", "fail"],
      [KNOWN_BUG, "xen-4.22", "fail"],
      ["gnttab.fixture.transitive-equals-0", "seed-proposals", "fail"],
      ["gnttab.fixture.transitive-equals-0", "xen-4.17", "fail"],
      ["gnttab.fixture.transitive-equals-0", "xen-4.22", "fail"],
    ]);
    expect(written.entries[1]).toMatchObject({ reason: "kept reason", issue: "BUG-7" });
    expect(written.entries[2]!.reason).toMatch(/^recorded by --update-baseline: step 0 \(boot\): state\.xen\.gnttab\.transitive expected true, observed false$/);
    expect(run(dir).status).toBe(0);

    // The case with the known bug is deleted: its entry is stale (reported, not failing).
    rmSync(join(dir, "cases", "gnttab", "known-bug.json"));
    const stale = run(dir);
    expect(stale.stdout).toMatch(/STALE ENTRY\s+gnttab\.fixture\.known-bug \[xen-4\.22\]: no case with this id in this run/);
    expect(stale.status).toBe(0);
    expect(run(dir, "--update-baseline").stdout).toContain("removed 2: gnttab.fixture.known-bug [xen-4.17], gnttab.fixture.known-bug [xen-4.22]");
    expect(readJsonFile<Baseline>(path).entries.map((e) => e.id)).not.toContain(KNOWN_BUG);
  });

  it("refuses a baseline that does not match its schema before running anything (exit 2)", () => {
    const dir = corpusCopy();
    writeFileSync(join(dir, "baseline.json"), JSON.stringify({ baselineVersion: 1, entries: [{ id: KNOWN_BUG, status: "flaky" }] }));
    const result = run(dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/baseline\.json does not match spec\/baseline\.schema\.json: \/entries\/0 must have required property 'profile'/);
    expect(existsSync(join(dir, "out", "report.json"))).toBe(false);
  });

  it("refuses --update-baseline on a shard and without --baseline (exit 2)", () => {
    const dir = corpusCopy();
    expect(runCli(["run", "cases", "--update-baseline"], { cwd: dir }).status).toBe(2);
    const sharded = run(dir, "--update-baseline", "--shard", "1/2");
    expect(sharded.status).toBe(2);
    expect(sharded.stderr).toContain("merge the shards, then `hvabi report merged.json --baseline FILE --update-baseline`");
  });

  it("judges a merged report with hvabi report --baseline, and prints Markdown on the way", () => {
    const dir = corpusCopy();
    writeBaselineFile(dir, [
      { id: KNOWN_BUG, profile: "xen-4.22", status: "fail", reason: "tracked" },
      { id: KNOWN_BUG, profile: "xen-4.17", status: "fail", reason: "tracked" },
    ]);
    expect(runCli(["run", "cases", "--report-dir", "out"], { cwd: dir }).status).toBe(1);
    const judged = runCli(["report", "out/report.json", "--baseline", "baseline.json", "--format", "markdown"], { cwd: dir });
    expect(judged.status).toBe(0);
    expect(judged.stdout).toMatch(/^## hvabi: ✅ as expected: 2 expected results, no unexpected result/);
  });
});

/** The reference core with a bug injected into the given cases: their first step reports EINVAL. */
function buggyCore(bugs: ReadonlySet<string>): CaseExecutor {
  const reference = createReferenceExecutor();
  return {
    description: reference.description,
    execute(input) {
      const outcome = reference.execute(input);
      if (outcome instanceof Promise || outcome.kind !== "observed" || !bugs.has(input.id)) return outcome;
      return { ...outcome, steps: outcome.steps.map((step, i) => (i === 0 ? { ...step, result: "EINVAL" } : step)) };
    },
  };
}

async function runWithBugs(bugs: string[]): Promise<Report> {
  return runSuite(inProcessCore(buggyCore(new Set(bugs))), loadSpec(), { paths: [CORPUS] });
}

describe("judging a core's bugs against a baseline", () => {
  const baseline: Baseline = {
    baselineVersion: 1,
    entries: [
      { id: KNOWN_BUG, profile: "xen-4.22", status: "fail", reason: "the fixture's own expectation" },
      { id: KNOWN_BUG, profile: "xen-4.17", status: "fail", reason: "the fixture's own expectation, inherited" },
      { id: "gnttab.fixture.override-ignores-bootloader", profile: "xen-4.22", status: "fail", reason: "core bug" },
      { id: "gnttab.fixture.override-ignores-bootloader", profile: "seed-proposals", status: "fail", reason: "core bug" },
      { id: "gnttab.fixture.override-ignores-bootloader", profile: "xen-4.17", status: "fail", reason: "core bug" },
    ],
  };
  const unexpected = (report: Report): string[] =>
    judgeAgainstBaseline(report, baseline).unexpected.map(({ kind, result }: { kind: string; result: CaseResult }) => `${kind} ${result.id} ${result.profile}`);

  it("the known core bug is expected", async () => {
    expect(unexpected(await runWithBugs(["gnttab.fixture.override-ignores-bootloader"]))).toEqual([]);
  });

  it("fixing the core bug is an unexpected pass in each profile", async () => {
    expect(unexpected(await runWithBugs([]))).toEqual([
      "unexpected-pass gnttab.fixture.override-ignores-bootloader xen-4.22",
      "unexpected-pass gnttab.fixture.override-ignores-bootloader seed-proposals",
      "unexpected-pass gnttab.fixture.override-ignores-bootloader xen-4.17",
    ]);
  });

  it("a new core bug is a new failure", async () => {
    expect(unexpected(await runWithBugs(["gnttab.fixture.override-ignores-bootloader", "gnttab.fixture.max-ver-invalid-hex"]))).toEqual([
      "new-failure gnttab.fixture.max-ver-invalid-hex xen-4.22",
      "new-failure gnttab.fixture.max-ver-invalid-hex seed-proposals",
      "new-failure gnttab.fixture.max-ver-invalid-hex xen-4.17",
    ]);
  });

  it("a listed failure that turns into a crash or core error is unexpected too", async () => {
    const report = await runWithBugs(["gnttab.fixture.override-ignores-bootloader"]);
    const changed = structuredClone(report);
    changed.results.find((r) => r.id === KNOWN_BUG && r.profile === "xen-4.22")!.status = "core-error";
    expect(judgeAgainstBaseline(changed, baseline).unexpected.map((u) => u.kind)).toEqual(["changed"]);
  });

  it("an entry expecting a case file to be invalid is an unexpected pass once the file loads", async () => {
    const report = await runWithBugs([]);
    const verdict = judgeAgainstBaseline(report, { baselineVersion: 1, entries: [{ id: "gnttab.fixture.transitive-equals-0", profile: null, status: "error", reason: "duplicate id" }] });
    expect(verdict.unexpected.map((u) => [u.kind, u.entry?.id, u.result.id])).toEqual([
      ["new-failure", undefined, KNOWN_BUG],
      ["new-failure", undefined, KNOWN_BUG],
      ["unexpected-pass", "gnttab.fixture.transitive-equals-0", "gnttab.fixture.transitive-equals-0"],
    ]);
    expect(unexpectedMessage(verdict.unexpected[2]!)).toBe("the baseline expects error for the case file (duplicate id) but it now loads and runs: take the entry out of the baseline (--update-baseline)");
  });

  it("entries for a profile the run did not select are neither stale nor dropped by an update", async () => {
    const report = await runSuite(inProcessCore(buggyCore(new Set())), loadSpec(), { paths: [CORPUS], profiles: ["xen-4.22"] });
    const verdict = judgeAgainstBaseline(report, baseline);
    expect(verdict.stale).toEqual([]);
    expect(verdict.unjudged.map((u) => u.why)).toEqual([
      "profile xen-4.17 was not selected (--profile)",
      "profile seed-proposals was not selected (--profile)",
      "profile xen-4.17 was not selected (--profile)",
    ]);
    expect(updateBaseline(report, baseline).baseline.entries.map((e) => `${e.id} ${e.profile}`)).toEqual([
      `${KNOWN_BUG} xen-4.17`,
      `${KNOWN_BUG} xen-4.22`,
      "gnttab.fixture.override-ignores-bootloader seed-proposals",
      "gnttab.fixture.override-ignores-bootloader xen-4.17",
    ]);
  });
});
