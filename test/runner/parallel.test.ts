/**
 * Worker threads change how fast a run goes, never what it reports: the same
 * results in the same order, whatever the number of threads, with invalid
 * files, repeated ids, a profile filter and shards in the mix.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CaseResult, Report } from "../../spec/types/generated";
import type { FileOutcome } from "../../runner/case-runner";
import { defaultCasesDir } from "../../spec/paths";
import { settleOutcomes } from "../../runner/settle";
import { workerCount } from "../../runner/parallel";
import { performanceSettings } from "../../runner/performance-settings";
import { runCli, tempDir } from "../helpers";

/**
 * A generated corpus of several chunks of files, with an invalid file and two
 * files repeating ids of files far from them in name order.
 */
function corpus(): { dir: string; repeated: string } {
  const dir = tempDir("hvabi-parallel-");
  // The generator takes the bundled cases as templates in folder order (cr4, crpin, gnttab, …):
  // enough cases to get past cr4 and crpin, whatever their number, so gnttab has files too.
  const count = ["cr4", "crpin"].reduce((sum, area) => sum + readdirSync(join(defaultCasesDir(), area)).length, 100);
  const generated = runCli(["generate", "--count", String(count), "--out", dir, "--workers", "0"]);
  expect(generated.status, generated.stderr).toBe(0);
  const gnttab = readdirSync(join(dir, "gnttab")).sort();
  const crpin = readdirSync(join(dir, "crpin")).sort();
  writeFileSync(join(dir, "gnttab", "aaa-not-json.json"), "{ not json");
  // The copy sorts first, so the original, in the last chunk, is the repeat.
  copyFileSync(join(dir, "gnttab", gnttab.at(-1)!), join(dir, "gnttab", "000-repeat.json"));
  copyFileSync(join(dir, "crpin", crpin[0]!), join(dir, "crpin", "zzz-repeat.json"));
  return { dir, repeated: gnttab.at(-1)! };
}

/** Case files the worker threads ran, over every parallel run of this file: the runs must not have left it all to the main thread. */
let workerFiles = 0;

function run(dir: string, args: string[]): { report: Report; stderr: string } {
  const out = tempDir();
  const cli = runCli(["run", dir, "--report-dir", out, ...args]);
  const threads = /^threads: the main thread ran (\d+) case files, \d+ worker threads? ([\d +]+)$/m.exec(cli.stdout);
  if (threads !== null) workerFiles += threads[2]!.split(" + ").reduce((sum, n) => sum + Number(n), 0);
  // A shard without the invalid files passes.
  expect([0, 1], cli.stderr).toContain(cli.status);
  return { report: JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report, stderr: cli.stderr };
}

/** What equal runs share: every result in its place, all but the time it took. */
const results = (report: Report): CaseResult[] => report.results.map((result) => ({ ...result, durationMs: 0 }));

describe("hvabi run with worker threads", () => {
  const { dir, repeated } = corpus();

  it("reports the same results in the same order with 0, 1 and 2 worker threads", () => {
    const plain = run(dir, ["--workers", "0"]);
    expect(plain.report.counts.error).toBe(3);
    const errors = plain.report.results.filter((r) => r.status === "error").map((r) => basename(r.file));
    expect(errors).toEqual(["zzz-repeat.json", "aaa-not-json.json", repeated]);
    for (const workers of ["1", "2"]) {
      const parallel = run(dir, ["--workers", workers]);
      expect(parallel.stderr).toBe("");
      expect(results(parallel.report)).toEqual(results(plain.report));
      expect(parallel.report.counts).toEqual(plain.report.counts);
    }
  });

  afterAll(() => {
    expect(workerFiles).toBeGreaterThan(0);
  });

  it("keeps that order under a profile filter and in every shard", () => {
    const filtered = ["--profile", "xen-4.22"];
    expect(results(run(dir, [...filtered, "--workers", "1"]).report)).toEqual(results(run(dir, [...filtered, "--workers", "0"]).report));
    for (const shard of ["1/2", "2/2"]) {
      expect(results(run(dir, ["--shard", shard, "--workers", "1"]).report)).toEqual(results(run(dir, ["--shard", shard, "--workers", "0"]).report));
    }
  });
});

describe("how many worker threads a run starts by default", () => {
  const settings = { ...performanceSettings().runner, parallelMinFiles: 100, parallelMinProcessors: 4, maxWorkers: 3 };

  it("starts none for a small run or on a machine with too few processors", () => {
    expect(workerCount(undefined, 99, settings, 8)).toBe(0);
    expect(workerCount(undefined, 1000, settings, 3)).toBe(0);
  });

  it("otherwise starts one per processor beyond the main thread, up to the maximum", () => {
    expect(workerCount(undefined, 1000, settings, 4)).toBe(3);
    expect(workerCount(undefined, 100, settings, 16)).toBe(3);
  });

  it("starts the number asked for, whatever the machine", () => {
    expect(workerCount(2, 10, settings, 2)).toBe(2);
    expect(workerCount(0, 100000, settings, 16)).toBe(0);
  });
});

describe("settling the outcomes of several lanes", () => {
  const result = (file: string, id: string, profile: string | null): CaseResult => ({
    id, profile, file, area: "gnttab", status: "pass", durationMs: 0, title: `the case ${id}`, clauses: ["GNTTAB-PHYSINFO-CAPS"], polarity: "accept", hash: `hash-of-${id}`,
  });
  const outcome = (file: string, id: string): FileOutcome => ({ file, id, side: "accept", results: [result(file, id, "xen-4.22"), result(file, id, "seed-proposals")] });

  it("orders by file and keeps the first file of a repeated id, however the lanes returned them", () => {
    const lanes = [outcome("c/gnttab/b.json", "gnttab.x"), outcome("c/gnttab/a.json", "gnttab.y"), outcome("c/gnttab/c.json", "gnttab.x"), outcome("c/gnttab/0.json", "gnttab.x")];
    const settled = settleOutcomes([...lanes]);
    expect(settleOutcomes([...lanes].reverse())).toEqual(settled);
    expect(settled.map((r) => [r.file, r.profile, r.status])).toEqual([
      ["c/gnttab/0.json", "xen-4.22", "pass"],
      ["c/gnttab/0.json", "seed-proposals", "pass"],
      ["c/gnttab/a.json", "xen-4.22", "pass"],
      ["c/gnttab/a.json", "seed-proposals", "pass"],
      ["c/gnttab/b.json", null, "error"],
      ["c/gnttab/c.json", null, "error"],
    ]);
    expect(settled[4]!.reason).toBe('c/gnttab/b.json: duplicate case id "gnttab.x" (first defined in c/gnttab/0.json)');
    // A repeat reads as any result tied to no profile: the case's facts, in the usual key order.
    expect(Object.keys(settled[5]!)).toEqual(["id", "profile", "file", "area", "status", "durationMs", "title", "clauses", "polarity", "hash", "reason", "problems"]);
  });
});
