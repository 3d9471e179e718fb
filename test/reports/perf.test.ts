/**
 * hvabi bench: perf.json (valid against spec/perf.schema.json), cores side by
 * side in the terminal, Markdown and HTML, and hvabi diff flagging slowdowns.
 * No test here asserts how fast anything is: `npm run bench` measures that.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PerfGroup, PerfReport } from "../../spec/types/generated";
import { perfProblems } from "../../reports/perf";
import { diffPerf } from "../../reports/perf-diff";
import { renderPerfMarkdown } from "../../reports/perf-render";
import { performanceSettings } from "../../runner/performance-settings";
import { CLI, runCli, tempDir } from "../helpers";

const CASES = join("test", "fixtures", "protocol", "cases");
const SERVED = `exec:${process.execPath} ${CLI} serve`;

describe("hvabi bench with two cores", () => {
  const dir = tempDir("hvabi-bench-");
  const run = runCli(["bench", CASES, "--core", "reference", "--core", SERVED, "--time", "5", "--report-dir", dir, "--format", "markdown", "--format", "html"]);
  const perf = JSON.parse(readFileSync(join(dir, "perf.json"), "utf8")) as PerfReport;

  it("writes a perf.json that validates, with each core measured on the same groups", () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`perf: ${join(dir, "perf.json")}`);
    expect(perfProblems(perf)).toEqual([]);
    expect(perf.cores.map((core) => core.spec)).toEqual(["reference", SERVED]);
    const keys = perf.cores.map((core) => core.groups.map((g) => `${g.kind} ${g.name}`));
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[0]).toContain("area gnttab");
    expect(keys[0]).toContain("operation gnttab_set_version");
    expect(perf.corpus).toEqual({ files: 5, invalid: 0, inputs: 10 });
  });

  it("records, per group, the figures and the samples behind them, after the warm-up", () => {
    const { minSamples } = performanceSettings().bench;
    for (const { groups } of perf.cores) {
      for (const group of groups) {
        expect(group.skipped, `${group.kind} ${group.name}`).toBeUndefined();
        expect(group.samples).toBeGreaterThanOrEqual(minSamples);
        expect(group.notObserved).toBe(0);
        for (const figure of ["casesPerSecond", "operationsPerSecond", "meanMs", "p50Ms", "p99Ms", "minMs", "maxMs", "rmePercent"] as const) {
          expect(group[figure], `${group.name} ${figure}`).toBeTypeOf("number");
        }
        expect(group.minMs!).toBeLessThanOrEqual(group.p99Ms!);
        expect(group.p99Ms!).toBeLessThanOrEqual(group.maxMs!);
      }
    }
  });

  it("puts the cores side by side in the terminal, Markdown and HTML, told apart by --core", () => {
    const labels = ["hvabi-reference 0.1.0 (reference)", `hvabi-reference 0.1.0 (${SERVED})`];
    for (const label of labels) expect(run.stdout).toContain(`${label} cases/s`);
    const markdown = readFileSync(join(dir, "perf.md"), "utf8");
    expect(markdown).toMatch(/^## Performance\n/);
    expect(markdown).toMatch(/\| {2}\| cases \| hvabi-reference 0\.1\.0 \(reference\) cases\/s \| ops\/s \| mean \| p99 \| n \| .* cases\/s \| ops\/s \| mean \| p99 \| n \| ratio \|/);
    expect(markdown).toMatch(/\| area gnttab \| 10 \| [\d,.]+ \| [\d,.]+ \| [\d.]+ [µm]s \| [\d.]+ [µm]s \| \d+ \| [\d,.]+ \| [\d,.]+ \| [\d.]+ [µm]s \| [\d.]+ [µm]s \| \d+ \| [\d.]+× \|/);
    const html = readFileSync(join(dir, "perf.html"), "utf8");
    expect(html).toContain('<section id="performance"');
    for (const label of labels) expect(html).toContain(label.replace(/"/g, "&quot;"));
    expect(html).not.toContain("<script");
  });

  it("adds the section to a conformance report (hvabi report --perf)", () => {
    const out = tempDir();
    const conformance = runCli(["run", CASES, "--report-dir", out, "--quiet"]);
    expect(conformance.status).toBe(0);
    const formats = runCli(["report", join(out, "report.json"), "--perf", join(dir, "perf.json"), "--format", `markdown=${join(out, "summary.md")}`, "--format", `html=${join(out, "report.html")}`]);
    expect(formats.status, formats.stderr).toBe(0);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/## hvabi: ✅[\s\S]*### Performance\n[\s\S]*\| area gnttab \| 10 \|/);
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/<section id="overview"[\s\S]*<section id="performance"[\s\S]*<section id="matrix"/);
    const bad = runCli(["report", join(out, "report.json"), "--perf", join(out, "report.json")]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not a valid hvabi performance report/);
  });
});

/** A performance report of one core with the given mean latencies (ms) and margins of error (%) per operation. */
function perfReport(groups: Record<string, { meanMs: number; rmePercent: number }>): PerfReport {
  return {
    perfVersion: 1,
    tool: { name: "hvabi", version: "0.1.0", tinybench: "6.2.3" },
    run: {
      paths: ["cases"],
      profiles: null,
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:01.000Z",
      durationMs: 1000,
      settings: performanceSettings().bench,
      host: { platform: "linux", arch: "x64", cpuModel: "test CPU", cpus: 2, node: "v20.0.0", loadAverage: { before: 0.1, after: 0.2 } },
    },
    corpus: { files: 3, invalid: 0, inputs: 6 },
    cores: [
      {
        spec: "reference",
        core: { name: "hvabi-reference", version: "0.1.0", profiles: ["xen-4.22"], areas: ["gnttab"], operations: ["boot"] },
        groups: Object.entries(groups).map(([name, { meanMs, rmePercent }]): PerfGroup => ({
          kind: "operation",
          name,
          inputs: 2,
          unsupported: 0,
          samples: 100,
          casesPerSecond: 1000 / meanMs,
          operationsPerSecond: 2000 / meanMs,
          meanMs,
          p50Ms: meanMs,
          p99Ms: meanMs * 2,
          minMs: meanMs / 2,
          maxMs: meanMs * 3,
          rmePercent,
          notObserved: 0,
        })),
      },
    ],
  };
}

describe("hvabi diff of two perf.json", () => {
  const before = perfReport({ boot: { meanMs: 0.1, rmePercent: 2 }, noisy: { meanMs: 0.1, rmePercent: 40 }, faster: { meanMs: 0.1, rmePercent: 2 }, steady: { meanMs: 0.1, rmePercent: 2 } });
  const after = perfReport({ boot: { meanMs: 0.15, rmePercent: 2 }, noisy: { meanMs: 0.15, rmePercent: 40 }, faster: { meanMs: 0.05, rmePercent: 2 }, steady: { meanMs: 0.11, rmePercent: 2 } });

  it("flags a mean latency grown beyond the threshold and beyond the margins of error, nothing else", () => {
    expect(perfProblems(before)).toEqual([]);
    const diff = diffPerf(before, after, performanceSettings().diff.slowdownPercent);
    expect(diff.changes.filter((c) => c.slowdown).map((c) => c.name)).toEqual(["boot"]);
    expect(diff.slowdowns).toBe(1);
    expect(diffPerf(before, after, 60).slowdowns).toBe(0);
  });

  it("exits 1 on a slowdown, 0 below a higher --slowdown, 2 when given a perf.json and a report.json", () => {
    const dir = tempDir();
    const [old, now] = [join(dir, "old.json"), join(dir, "new.json")];
    writeFileSync(old, JSON.stringify(before));
    writeFileSync(now, JSON.stringify(after));
    const slower = runCli(["diff", old, now]);
    expect(slower.status).toBe(1);
    expect(slower.stdout).toMatch(/1 slowdown beyond 25% of mean latency \(4 measurements compared\)/);
    expect(slower.stdout).toMatch(/SLOWER +hvabi-reference operation boot +100 µs +150 µs +\+50\.0%/);
    expect(slower.stdout).toMatch(/slower \(within noise\) +hvabi-reference operation noisy/);
    expect(runCli(["diff", old, now, "--slowdown", "60"]).status).toBe(0);
    const markdown = runCli(["diff", old, now, "--format", "markdown"]);
    expect(markdown.stdout).toMatch(/^### ❌ performance: /);
    const mixed = runCli(["diff", old, join("test", "fixtures", "html", "x86-report.json")]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/give two perf\.json or two report\.json/);
  });

  it("renders a core's rows in Markdown with the circumstances of the measurement", () => {
    const markdown = renderPerfMarkdown(before);
    expect(markdown).toContain("2 × test CPU, linux x64, node v20.0.0 · load 0.10 → 0.20");
    expect(markdown).toContain("| operation boot | 2 | 10,000 | 20,000 | 100 µs | 200 µs | 100 |");
  });
});
