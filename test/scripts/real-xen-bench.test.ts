/**
 * The real-Xen section of `npm run bench` (scripts/bench/real-xen.ts) without QEMU: the core's
 * boot lines read back, and the figures computed from a report. The fixture is a report.json of
 * `hvabi run --core xen-qemu --profile xen-4.17` on this project's suite, its results left out
 * and its coreStderr cut to nine of its boot lines (the xen-panic one from the debug-only run).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bootLine } from "../../core/xen-qemu/core";
import { readConsole } from "../../core/xen-qemu/console";
import type { Report } from "../../spec/types/generated";
import {
  BOOTING_DEFINITION,
  ENABLE,
  TARGET_MS,
  parseBootLines,
  printSection,
  runFigures,
  runLines,
  summaryLine,
  targetLine,
  xenRun,
  type RealXenSection,
} from "../../scripts/bench/real-xen";

const report = JSON.parse(readFileSync(join(__dirname, "fixtures", "real-xen-report.json"), "utf8")) as Report;

function printed(section: RealXenSection): string {
  const lines: string[] = [];
  printSection(section, (text) => lines.push(text));
  return lines.join("\n");
}

describe("the real-Xen bench: boot lines", () => {
  it("reads probe and case boots, their durations and the time to the kernel's first line", () => {
    const { boots, unreadable } = parseBootLines(report.coreStderr ?? "");
    expect(unreadable).toEqual([]);
    expect(boots.map((b) => b.kind)).toEqual(["probe", "probe", "probe", "probe", "case", "case", "case", "case", "case"]);
    expect(boots[3]).toEqual({ kind: "probe", image: "debug", cpu: "intel", cases: 0, results: 0, durationMs: 4900, firstKernelLineMs: 4900, end: "completed" });
    expect(boots[7]).toEqual({ kind: "case", image: "release", cpu: "amd", cases: 372, results: 372, durationMs: 16_000, firstKernelLineMs: 1200, end: "completed" });
    expect(boots[8]).toMatchObject({ image: "debug", cases: 1, results: 0, durationMs: 2500, firstKernelLineMs: 2400, end: "xen-panic" });
  });

  it("reads a boot whose kernel never printed, and sets aside a line it cannot read", () => {
    const stderr = [
      '[xen-qemu] boot 4: my, xen, amd (-cpu max,phys-bits=46,-pku), cmdline "a \\"b\\", c", 2 cases, 0 results, 3.0 s, no kernel line, timeout (no end within 3000 ms)',
      "[xen-qemu] boot 5: release, amd (-cpu max), cmdline \"\", 1 cases, 1 results, 1.0 s, completed",
      "something else the core said",
    ].join("\n");
    const { boots, unreadable } = parseBootLines(stderr);
    expect(boots).toEqual([{ kind: "case", image: "my, xen", cpu: "amd", cases: 2, results: 0, durationMs: 3000, end: "timeout" }]);
    expect(unreadable).toEqual(["[xen-qemu] boot 5: release, amd (-cpu max), cmdline \"\", 1 cases, 1 results, 1.0 s, completed"]);
  });

  it("reads what the core writes (bootLine)", () => {
    const outcome = { end: "completed" as const, reason: "completed", lines: [], durationMs: 2345, firstKernelLineMs: 1960, exitStatus: 0, signal: null, stderrTail: "" };
    const what = { label: "release", cpu: "amd", qemuCpu: "max,phys-bits=46", cmdline: 'smap=0 x="1,2"', cases: 7 };
    const reading = readConsole(["H version=4.17.5|caps=|changeset=", "R0", "R1", "E 2"]);
    const lines = [bootLine("probe", { ...what, cases: 0 }, outcome, reading), bootLine(12, what, { ...outcome, firstKernelLineMs: undefined }, reading)];
    expect(parseBootLines(lines.join("\n"))).toEqual({
      boots: [
        { kind: "probe", image: "release", cpu: "amd", cases: 0, results: 2, durationMs: 2300, firstKernelLineMs: 2000, end: "completed" },
        { kind: "case", image: "release", cpu: "amd", cases: 7, results: 2, durationMs: 2300, end: "completed" },
      ],
      unreadable: [],
    });
  });
});

describe("the real-Xen bench: figures of a run", () => {
  const figures = runFigures(30_000, report);

  it("counts boots, probe and case apart, and cases per case boot", () => {
    expect(figures.boots).toEqual({ probe: 4, case: 5, total: 9, caseByImage: { release: 3, debug: 2 }, notCompleted: { "xen-panic": 1 } });
    // 3 + 1 + 79 + 372 + 1 cases over 5 case boots.
    expect(figures.casesPerBoot).toEqual({ mean: 456 / 5, max: 372 });
    expect(figures.results).toEqual({ total: 810, pass: 506, fail: 23, skip: 281, other: 0 });
  });

  it("sums the time to the kernel's first line over the boots, against QEMU time and wall time", () => {
    const b = figures.booting;
    // Probe boots 1.2 + 1.2 + 4.3 + 4.9; case boots 1.0 + 0.8 + 4.2 + 1.2 + 2.4.
    expect(b.probeMs).toBeCloseTo(11_600);
    expect(b.caseMs).toBeCloseTo(9600);
    expect(b.ms).toBeCloseTo(21_200);
    // QEMU time: 11.6 s of probe boots and 1.2 + 0.9 + 6.7 + 16.0 + 2.5 s of case boots.
    expect(b.qemuMs).toBeCloseTo(38_900);
    expect(b.shareOfQemuTime).toBeCloseTo(21.2 / 38.9);
    expect(b.shareOfWallTime).toBeCloseTo(21.2 / 30);
    expect(b.qemusOnAverage).toBeCloseTo(38.9 / 30);
    // The wall-time share is the QEMU-time share times the QEMUs running on average.
    expect(b.shareOfWallTime).toBeCloseTo(b.shareOfQemuTime * b.qemusOnAverage);
  });

  it("counts a boot whose kernel never printed whole as booting", () => {
    const line = '[xen-qemu] boot 1: debug, amd (-cpu max), cmdline "", 4 cases, 0 results, 3.0 s, no kernel line, timeout (no end within 3000 ms)';
    const f = runFigures(10_000, { counts: report.counts, coreStderr: line });
    expect(f.booting).toMatchObject({ ms: 3000, caseMs: 3000, qemuMs: 3000, shareOfQemuTime: 1 });
  });

  it("gives zeros, not NaN, for a run with no boot", () => {
    const f = runFigures(1000, { counts: report.counts });
    expect(f.casesPerBoot).toEqual({ mean: 0, max: 0 });
    expect(f.booting.shareOfQemuTime).toBe(0);
  });

  it("shows the round with the median wall time, with the spread of all rounds", () => {
    const run = xenRun("whole suite, both builds", "xen-qemu", [runFigures(90_000, report), runFigures(70_000, report), runFigures(80_000, report)]);
    expect(run.median.wallMs).toBe(80_000);
    expect(run.wall).toEqual({ median: 80_000, min: 70_000, max: 90_000, n: 3 });
    const lines = runLines(run);
    expect(lines[0]).toMatch(/80\.0 s \(median of 3 runs, 70\.0 s–90\.0 s\)\s+9 boots \(4 probe, 5 case: release 3, debug 2; 1 not completed: xen-panic 1\), cases per boot 91\.2 mean, 372 max/);
    expect(lines[1]).toMatch(/booting 21\.2 s \(probe 11\.6 s, case 9\.6 s\) = 54 % of 38\.9 s QEMU time, 27 % of wall time \(0\.49 QEMUs on average\)/);
    expect(lines[2]).toMatch(/810 results: 506 pass, 23 fail, 281 skip$/);
  });
});

describe("the real-Xen bench: what it prints", () => {
  it("says plainly whether the whole run met the 3-minute target", () => {
    expect(targetLine({ underMs: TARGET_MS, wallMs: 74_600, met: true })).toBe("  target: whole suite on both builds under 3 min: met (74.6 s)");
    expect(targetLine({ underMs: TARGET_MS, wallMs: 192_300, met: false })).toBe("  target: whole suite on both builds under 3 min: OVER by 12.3 s (192.3 s)");
  });

  it("prints the definition of booting, every run and the target, and a one-line summary", () => {
    const runs = [xenRun("whole suite, both builds", "xen-qemu", [runFigures(74_600, report)])];
    const section: RealXenSection = { status: "measured", definition: BOOTING_DEFINITION, profile: "xen-4.17", runs, target: { underMs: TARGET_MS, wallMs: 74_600, met: true } };
    const text = printed(section);
    expect(text).toContain(BOOTING_DEFINITION);
    expect(text).toContain("whole suite, both builds");
    expect(text).toContain("under 3 min: met");
    expect(summaryLine(section)).toBe(
      "real Xen: both builds 74.6 s (under 3 min: met), 9 boots (4 probe, 5 case), 91.2 cases per boot (max 372), booting 54 % of QEMU time, 28 % of wall time; 506 pass, 23 fail, 281 skip",
    );
  });

  it("says loudly that real Xen was not measured without the set-up, and how to enable it", () => {
    const section: RealXenSection = { status: "not-measured", why: ["QEMU (qemu-system-x86_64 is not on PATH)"], enable: ENABLE };
    const text = printed(section);
    expect(text).toMatch(/\*{78}\n\*\*\* REAL XEN WAS NOT MEASURED: missing\n\*\*\*   - QEMU \(qemu-system-x86_64 is not on PATH\)\n\*\*\* Enable it with: sudo npm run setup:xen/);
    expect(summaryLine(section)).toBe("real Xen: NOT MEASURED (set-up missing: sudo npm run setup:xen)");
  });

  it("says that --no-xen left it out on purpose", () => {
    const section: RealXenSection = { status: "skipped", why: "--no-xen was given" };
    expect(printed(section)).toContain("not measured, on purpose: --no-xen was given");
    expect(summaryLine(section)).toBe("real Xen: not measured (--no-xen was given)");
  });

  it("keeps a failed run's text from passing for a workflow command", () => {
    expect(printed({ status: "failed", error: "exited with 2:\n::error::boom" })).toContain("\\::error::boom");
  });
});
