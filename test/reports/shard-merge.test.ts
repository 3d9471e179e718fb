import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../spec/types/generated";
import { parseShard, planShards } from "../../runner/shard";
import { readReport } from "../../reports/json";
import { mergeShards } from "../../reports/merge";
import { runCli, tempDir } from "../helpers";
import { BROKEN, CORPUS, runFixtures } from "./fixtures";

/** A report without what may differ between equal runs: timings and the shard it came from. */
function withoutTimings(report: Report): unknown {
  const { startedAt: _started, finishedAt: _finished, durationMs: _duration, shard: _shard, ...run } = report.run;
  return { ...report, run, results: report.results.map((result) => ({ ...result, durationMs: 0 })) };
}

describe("planShards", () => {
  const files = Array.from({ length: 10 }, (_, i) => `cases/gnttab/case-${i}.json`);

  it("puts every file in exactly one shard, the same way whatever the input order", () => {
    const plan = planShards(files, 3);
    const again = planShards([...files].reverse(), 3);
    expect([...plan.assignment].sort()).toEqual([...again.assignment].sort());
    expect(plan.plan).toBe(again.plan);
    expect([...plan.assignment.keys()].sort()).toEqual([...files].sort());
    expect(new Set(plan.assignment.values())).toEqual(new Set([1, 2, 3]));
  });

  it("balances by count without durations: shard sizes differ by at most one", () => {
    const plan = planShards(files, 3);
    expect(plan.balance).toBe("count");
    const sizes = [1, 2, 3].map((shard) => [...plan.assignment.values()].filter((s) => s === shard).length);
    expect(sizes).toEqual([4, 3, 3]);
  });

  it("balances by recorded durations: the heavy file gets a shard of its own", () => {
    const durations = new Map(files.map((file, i) => [file, i === 7 ? 90 : 10]));
    const plan = planShards(files, 2, durations);
    expect(plan.balance).toBe("durations");
    const heavy = plan.assignment.get(files[7]!);
    const loads = [1, 2].map((shard) => files.filter((f) => plan.assignment.get(f) === shard).reduce((sum, f) => sum + durations.get(f)!, 0));
    expect(loads.sort((a, b) => a - b)).toEqual([90, 90]);
    expect(files.filter((f) => plan.assignment.get(f) === heavy)).toEqual([files[7]]);
    expect(plan.plan).not.toBe(planShards(files, 2).plan);
  });

  it("weighs a file without a recorded duration as the mean of the others", () => {
    const durations = new Map([[files[0]!, 30], [files[1]!, 10]]);
    const plan = planShards(files.slice(0, 3), 2, durations);
    // The new file weighs 20: 30 alone, then 20 + 10.
    expect(plan.assignment.get(files[0]!)).toBe(1);
    expect(plan.assignment.get(files[2]!)).toBe(2);
    expect(plan.assignment.get(files[1]!)).toBe(2);
  });

  it("parses k/n and explains what is wrong otherwise", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(parseShard("0/3")).toMatch(/between 1 and n/);
    expect(parseShard("4/3")).toMatch(/between 1 and n/);
    expect(parseShard("two")).toMatch(/k\/n/);
  });
});

describe("result order", () => {
  it("does not depend on batching", async () => {
    const one = await runFixtures([BROKEN, CORPUS], { batchSize: 1 });
    const many = await runFixtures([BROKEN, CORPUS], { batchSize: 64 });
    expect(withoutTimings(one)).toEqual(withoutTimings(many));
  });
});

describe("--shard k/n and hvabi merge", () => {
  // Relative to the repository (the CLI's working directory), as users give them; one path is missing on purpose.
  const paths = ["test/fixtures/broken", "test/fixtures/corpus", "test/fixtures/no-such-folder"];

  function runShards(dir: string, prefix: string, extra: string[] = []): string[] {
    return [1, 2, 3].map((k) => {
      const out = join(dir, `${prefix}-${k}`);
      const result = runCli(["run", ...paths, "--detail", "all", "--report-dir", out, "--shard", `${k}/3`, ...extra]);
      expect(result.stderr).toBe("");
      return join(out, "report.json");
    });
  }

  it("merged shards 1/3, 2/3 and 3/3 equal the unsharded report except for timings, balanced by count or by recorded durations", () => {
    const dir = tempDir();
    const whole = runCli(["run", ...paths, "--detail", "all", "--report-dir", join(dir, "whole")]);
    expect(whole.status).toBe(1);
    const unsharded = readReport(join(dir, "whole", "report.json"));
    // The fixtures listing xen-4.22 run in xen-4.17 too (based on it).
    expect(unsharded.counts).toMatchObject({ total: 25, pass: 19, fail: 2, error: 4 });

    for (const [prefix, extra] of [["count", []], ["durations", ["--durations-from", join(dir, "whole", "report.json")]]] as const) {
      const shards = runShards(dir, prefix, [...extra]);
      const reports = shards.map((path) => readReport(path));
      for (const report of reports) {
        expect(report.run.shard?.balance).toBe(prefix);
        expect(report.results.length).toBeGreaterThan(0);
      }
      expect(reports.reduce((sum, r) => sum + r.results.length, 0)).toBe(unsharded.results.length);

      const merged = runCli(["merge", ...[...shards].reverse(), "-o", join(dir, `${prefix}-merged.json`)]);
      expect(merged.stderr).toBe("");
      expect(merged.stdout).toContain("merged 3 shards: 25 results (not OK)");
      expect(merged.status).toBe(0);
      expect(withoutTimings(readReport(join(dir, `${prefix}-merged.json`)))).toEqual(withoutTimings(unsharded));
    }
  });

  it("refuses a missing shard, a repeated shard, and shards of different runs (exit 2)", async () => {
    const dir = tempDir();
    const shards = runShards(dir, "s");
    const missing = runCli(["merge", shards[0]!, shards[2]!, "-o", join(dir, "m.json")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("shard 2/3 missing");

    const twice = runCli(["merge", shards[0]!, shards[0]!, shards[1]!, "-o", join(dir, "m.json")]);
    expect(twice.stderr).toContain("shard 1/3 is given twice");

    const other = runCli(["run", "test/fixtures/corpus", "--report-dir", join(dir, "other"), "--shard", "2/3"]);
    expect(other.stderr).toBe("");
    const mixed = runCli(["merge", shards[0]!, join(dir, "other", "report.json"), shards[2]!, "-o", join(dir, "m.json")]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/differ in case paths/);

    const whole = await runFixtures([CORPUS]);
    expect(() => mergeShards([{ path: "whole.json", report: whole }])).toThrow(/whole\.json is not a shard/);
  });
});
