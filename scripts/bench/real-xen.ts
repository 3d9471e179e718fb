/**
 * The real-Xen section of `npm run bench`: `hvabi run --core xen-qemu --profile xen-4.17` on the
 * whole suite, both builds in one process, then each build alone (`--build release`, `--build
 * debug`), each a whole process timed from spawn to exit, alternately for --xen-rounds rounds.
 * From each run's report.json it reads the results and the core's boot lines (coreStderr, one
 * `[xen-qemu] boot N: …` or `[xen-qemu] probe boot: …` line per boot, core/xen-qemu/core.ts
 * bootLine) and gives: the boots (probe and case), cases per boot, the share of time spent
 * booting (BOOTING_DEFINITION), and the whole run's wall time against the 3-minute target.
 *
 * Without the set-up (no Xen images, no QEMU) the section says loudly that real Xen was not
 * measured and how to enable it; it is never left out in silence.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { delimiter, join } from "node:path";
import type { Counts, Report } from "../../spec/types/generated";
import { packageRoot } from "../../spec/paths";
import { findXenImages, setupHint } from "../../core/xen-qemu/xen-images";
import { defuseWorkflowCommands } from "../../reports/escape";
import { alternate, nodeCommand, spread, type Spread } from "./processes";

/** The acceptance target: the whole suite on both builds, one process, in under 3 minutes. */
export const TARGET_MS = 180_000;
export const XEN_PROFILE = "xen-4.17";
export const ENABLE = "sudo npm run setup:xen";

/**
 * What "booting" means in these figures. A boot's booting time is from QEMU's start to the test
 * kernel's first console line (firmware, Xen's own boot, dom0's construction): the time before
 * any case could run. A boot in which the kernel never printed counts whole. Summed over all
 * boots (probe and case), it is set against the sum of the boots' QEMU durations (the share of
 * emulated-machine time spent booting) and against the whole process's wall time, spawn to
 * exit. Two QEMUs run at once, so the second ratio can pass 100 %; it is the first times the
 * average number of QEMUs running (QEMU time over wall time), also given. Waiting for a free
 * QEMU slot is in the wall time, not in any boot.
 */
export const BOOTING_DEFINITION =
  "booting = per boot, QEMU's start to the test kernel's first console line (all of a boot in which the kernel never printed), " +
  "summed over probe and case boots; shown against the sum of the boots' QEMU durations, and against the whole process's wall time " +
  "(spawn to exit; two QEMUs run at once, so this can pass 100 %: it is the first share times the QEMUs running on average)";

export interface BootRecord {
  kind: "probe" | "case";
  /** The image's label ("release", "debug") and the CPU model's name ("amd"). */
  image: string;
  cpu: string;
  cases: number;
  results: number;
  durationMs: number;
  /** From QEMU's start to the test kernel's first console line; undefined when it never printed. */
  firstKernelLineMs?: number;
  /** How the boot ended: completed, dom0-crash, xen-panic, timeout, qemu-failed. */
  end: string;
}

const BOOT_LINE =
  /^\[xen-qemu\] (probe boot|boot \d+): (.+), (\S+) \(-cpu [^)]*\), cmdline "(?:[^"\\]|\\.)*", (\d+) cases, (\d+) results, (\d+(?:\.\d+)?) s, (?:first kernel line at (\d+(?:\.\d+)?) s|no kernel line), ([a-z0-9-]+)/;

/** The boot lines of a core's stderr; `unreadable` holds `[xen-qemu] …boot…` lines this parser does not understand. */
export function parseBootLines(stderr: string): { boots: BootRecord[]; unreadable: string[] } {
  const boots: BootRecord[] = [];
  const unreadable: string[] = [];
  for (const line of stderr.split("\n")) {
    if (!/^\[xen-qemu\] (?:probe )?boot\b/.test(line)) continue;
    const m = BOOT_LINE.exec(line);
    if (m === null) {
      unreadable.push(line);
      continue;
    }
    const [, which, image, cpu, cases, results, duration, firstKernelLine, end] = m;
    boots.push({
      kind: which === "probe boot" ? "probe" : "case",
      image: image!,
      cpu: cpu!,
      cases: Number(cases),
      results: Number(results),
      durationMs: Number(duration) * 1000,
      ...(firstKernelLine === undefined ? {} : { firstKernelLineMs: Number(firstKernelLine) * 1000 }),
      end: end!,
    });
  }
  return { boots, unreadable };
}

export interface XenRunFigures {
  wallMs: number;
  results: { total: number; pass: number; fail: number; skip: number; other: number };
  boots: {
    probe: number;
    case: number;
    total: number;
    /** Case boots per image label ("release", "debug"): which build the run gave its cases to. */
    caseByImage: Record<string, number>;
    /** Boots that did not end "completed", by how they ended ("timeout", "dom0-crash", …). */
    notCompleted: Record<string, number>;
  };
  /** Over case boots: the cases each was given (a batch's rest after a crash counts again in its new boot). */
  casesPerBoot: { mean: number; max: number };
  /** See BOOTING_DEFINITION; times in ms, shares as fractions. */
  booting: { ms: number; probeMs: number; caseMs: number; qemuMs: number; shareOfQemuTime: number; shareOfWallTime: number; qemusOnAverage: number };
  unreadableLines: string[];
}

function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

const list = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([key, n]) => `${key} ${n}`)
    .join(", ");

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const bootingMs = (boot: BootRecord): number => boot.firstKernelLineMs ?? boot.durationMs;
const ratio = (top: number, bottom: number): number => (bottom > 0 ? top / bottom : 0);

function resultCounts(counts: Counts): XenRunFigures["results"] {
  const { total, pass, fail, skip } = counts;
  return { total, pass, fail, skip, other: total - pass - fail - skip };
}

/** The figures of one run: its wall time and its report. */
export function runFigures(wallMs: number, report: Pick<Report, "counts" | "coreStderr">): XenRunFigures {
  const { boots, unreadable } = parseBootLines(report.coreStderr ?? "");
  const probe = boots.filter((b) => b.kind === "probe");
  const cases = boots.filter((b) => b.kind === "case");
  const qemuMs = sum(boots.map((b) => b.durationMs));
  const probeMs = sum(probe.map(bootingMs));
  const caseMs = sum(cases.map(bootingMs));
  const ms = probeMs + caseMs;
  return {
    wallMs,
    results: resultCounts(report.counts),
    boots: {
      probe: probe.length,
      case: cases.length,
      total: boots.length,
      caseByImage: tally(cases.map((b) => b.image)),
      notCompleted: tally(boots.filter((b) => b.end !== "completed").map((b) => b.end)),
    },
    casesPerBoot: { mean: ratio(sum(cases.map((b) => b.cases)), cases.length), max: Math.max(0, ...cases.map((b) => b.cases)) },
    booting: { ms, probeMs, caseMs, qemuMs, shareOfQemuTime: ratio(ms, qemuMs), shareOfWallTime: ratio(ms, wallMs), qemusOnAverage: ratio(qemuMs, wallMs) },
    unreadableLines: unreadable,
  };
}

export interface XenRun {
  label: string;
  /** The --core argument. */
  core: string;
  wall: Spread;
  /** The round whose wall time is the median (the lower middle one for an even count): its figures are the ones shown. */
  median: XenRunFigures;
  rounds: XenRunFigures[];
}

export function xenRun(label: string, core: string, rounds: XenRunFigures[]): XenRun {
  const wall = spread(rounds.map((r) => r.wallMs));
  const byWall = [...rounds].sort((a, b) => a.wallMs - b.wallMs);
  return { label, core, wall, median: byWall[Math.floor((byWall.length - 1) / 2)]!, rounds };
}

export type RealXenSection =
  | { status: "measured"; definition: string; profile: string; runs: XenRun[]; target: { underMs: number; wallMs: number; met: boolean } }
  | { status: "not-measured"; why: string[]; enable: string }
  | { status: "failed"; error: string }
  | { status: "skipped"; why: string };

const RUNS = [
  { name: "both", label: "whole suite, both builds", core: "xen-qemu" },
  { name: "release", label: "release build only", core: "xen-qemu --build release" },
  { name: "debug", label: "debug build only", core: "xen-qemu --build debug" },
] as const;

function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((folder) => folder !== "" && existsSync(join(folder, program)));
}

/** What the section needs and this machine lacks (empty: it can run). */
export function missingSetUp(): string[] {
  const images = findXenImages();
  const missing: string[] = [];
  if (!onPath("qemu-system-x86_64")) missing.push("QEMU (qemu-system-x86_64 is not on PATH)");
  if (images === undefined) missing.push(`the Xen images (${setupHint()})`);
  else {
    for (const build of ["release", "debug"] as const) {
      if (images[build] === undefined) missing.push(`the ${build} Xen image${images.problems.length > 0 ? ` (${images.problems.join("; ")})` : ""}`);
    }
  }
  if (!(onPath("gcc") && onPath("make"))) missing.push("gcc and make, to build the test kernel");
  return missing;
}

/** Builds the test kernel (make is idempotent: a built kernel costs nothing), outside any timed process. */
function buildKernel(): string | undefined {
  const make = spawnSync("make", ["-s", "-C", join(packageRoot(), "core", "xen-qemu", "kernel")], { encoding: "utf8" });
  if (make.error !== undefined) return `cannot run make: ${make.error.message}`;
  return make.status === 0 ? undefined : `make -C core/xen-qemu/kernel failed (status ${make.status}):\n${make.stderr.slice(-2000)}`;
}

export interface RealXenOptions {
  rounds: number;
  /** Where the runs' reports are kept (a folder per run, written over each round), for a reader who wants the boot lines. */
  reportsDir: string;
  say: (text: string) => void;
}

/** Measures real Xen, or says why not: the section's figures, printed as they come. */
export async function realXenSection(options: RealXenOptions): Promise<RealXenSection> {
  const { say } = options;
  const cli = join(packageRoot(), "dist", "runner", "cli.js");
  const missing = missingSetUp();
  const kernel = missing.length === 0 ? buildKernel() : undefined;
  if (missing.length > 0 || kernel !== undefined) {
    const section: RealXenSection = { status: "not-measured", why: kernel === undefined ? missing : [kernel], enable: ENABLE };
    printSection(section, say);
    return section;
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  say(`\nreal Xen: hvabi run --core xen-qemu --profile ${XEN_PROFILE}, whole suite · ${options.rounds} round${options.rounds === 1 ? "" : "s"} · load ${load}`);
  const dir = (name: string): string => join(options.reportsDir, name);
  // No report of an earlier bench may pass for one of this run's.
  rmSync(options.reportsDir, { recursive: true, force: true });
  const commands = Object.fromEntries(
    RUNS.map((run) => [run.name, nodeCommand([cli, "run", "--core", run.core, "--profile", XEN_PROFILE, "--report-dir", dir(run.name), "--quiet"], { okStatuses: [0, 1] })]),
  );
  const figures: Record<string, XenRunFigures[]> = Object.fromEntries(RUNS.map((run) => [run.name, []]));
  try {
    await alternate(commands, options.rounds, (name, _round, timed) => {
      const report = JSON.parse(readFileSync(join(dir(name), "report.json"), "utf8")) as Report;
      figures[name]!.push(runFigures(timed.wallMs, report));
    });
  } catch (error) {
    const section: RealXenSection = { status: "failed", error: error instanceof Error ? error.message : String(error) };
    printSection(section, say);
    return section;
  }
  const runs = RUNS.map((run) => xenRun(run.label, run.core, figures[run.name]!));
  const whole = runs[0]!.wall.median;
  const section: RealXenSection = { status: "measured", definition: BOOTING_DEFINITION, profile: XEN_PROFILE, runs, target: { underMs: TARGET_MS, wallMs: whole, met: whole < TARGET_MS } };
  printSection(section, say, false);
  say(`  reports (boot lines in coreStderr): ${join(options.reportsDir, `{${RUNS.map((run) => run.name).join(",")}}`, "report.json")}`);
  return section;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const percent = (fraction: number): string => `${(fraction * 100).toFixed(0)} %`;

/** The two lines of a run: time, boots and cases per boot; booting and results. */
export function runLines(run: XenRun): string[] {
  const f = run.median;
  const noise = run.wall.n < 2 ? "1 run" : `median of ${run.wall.n} runs, ${seconds(run.wall.min)}–${seconds(run.wall.max)}`;
  const notCompleted = Object.values(f.boots.notCompleted).reduce((a, b) => a + b, 0);
  const ended = notCompleted > 0 ? `; ${notCompleted} not completed: ${list(f.boots.notCompleted)}` : "";
  const r = f.results;
  return [
    `  ${run.label.padEnd(26)} ${seconds(f.wallMs).padStart(8)} (${noise})  ${f.boots.total} boots (${f.boots.probe} probe, ${f.boots.case} case: ${list(f.boots.caseByImage)}${ended}), cases per boot ${f.casesPerBoot.mean.toFixed(1)} mean, ${f.casesPerBoot.max} max`,
    `  ${"".padEnd(26)} booting ${seconds(f.booting.ms)} (probe ${seconds(f.booting.probeMs)}, case ${seconds(f.booting.caseMs)}) = ${percent(f.booting.shareOfQemuTime)} of ${seconds(f.booting.qemuMs)} QEMU time, ${percent(f.booting.shareOfWallTime)} of wall time (${f.booting.qemusOnAverage.toFixed(2)} QEMUs on average)`,
    `  ${"".padEnd(26)} ${r.total} results: ${r.pass} pass, ${r.fail} fail, ${r.skip} skip${r.other > 0 ? `, ${r.other} error/crash/timeout` : ""}${f.unreadableLines.length > 0 ? ` · ${f.unreadableLines.length} boot lines unreadable` : ""}`,
  ];
}

export function targetLine(target: { underMs: number; wallMs: number; met: boolean }): string {
  const verdict = target.met ? "met" : `OVER by ${seconds(target.wallMs - target.underMs)}`;
  return `  target: whole suite on both builds under ${target.underMs / 60_000} min: ${verdict} (${seconds(target.wallMs)})`;
}

function banner(lines: readonly string[]): string {
  const rule = "*".repeat(78);
  return [rule, ...lines.map((line) => `*** ${line}`), rule].join("\n");
}

/** Prints a section (`heading` false when the caller already printed the heading). */
export function printSection(section: RealXenSection, say: (text: string) => void, heading = true): void {
  if (heading) say(`\nreal Xen (hvabi run --core xen-qemu --profile ${XEN_PROFILE}):`);
  switch (section.status) {
    case "skipped":
      say(`  not measured, on purpose: ${section.why}`);
      return;
    case "not-measured":
      say(banner(["REAL XEN WAS NOT MEASURED: missing", ...section.why.map((w) => `  - ${defuseWorkflowCommands(w)}`), `Enable it with: ${section.enable}   (then npm run bench again; --no-xen skips this section)`]));
      return;
    case "failed":
      say(banner(["REAL XEN WAS NOT MEASURED: a run failed", ...defuseWorkflowCommands(section.error).split("\n").slice(-30)]));
      return;
    case "measured":
      say(`  ${section.definition}`);
      for (const run of section.runs) for (const line of runLines(run)) say(line);
      say(targetLine(section.target));
  }
}

/** One line for the bench's closing summary. */
export function summaryLine(section: RealXenSection): string {
  switch (section.status) {
    case "skipped":
      return `real Xen: not measured (${section.why})`;
    case "not-measured":
      return `real Xen: NOT MEASURED (set-up missing: ${ENABLE})`;
    case "failed":
      return "real Xen: NOT MEASURED (a run failed, see above)";
    case "measured": {
      const f = section.runs[0]!.median;
      const verdict = section.target.met ? "met" : "OVER";
      return (
        `real Xen: both builds ${seconds(section.target.wallMs)} (under ${section.target.underMs / 60_000} min: ${verdict}), ${f.boots.total} boots (${f.boots.probe} probe, ${f.boots.case} case), ` +
        `${f.casesPerBoot.mean.toFixed(1)} cases per boot (max ${f.casesPerBoot.max}), booting ${percent(f.booting.shareOfQemuTime)} of QEMU time, ${percent(f.booting.shareOfWallTime)} of wall time; ` +
        `${f.results.pass} pass, ${f.results.fail} fail, ${f.results.skip} skip`
      );
    }
  }
}
