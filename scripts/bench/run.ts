/**
 * `npm run bench`: how fast hvabi runs cases, measured in one run on the same
 * generated corpora, as ratios.
 *
 *   (a) the limit: parse each case and call the reference core, nothing else;
 *   (b) `hvabi run` with the reference core in process, end to end (load,
 *       validate, run, compare, write report.json), worker threads as it
 *       chooses; (b1) the same in one thread (--workers 0);
 *   (c) `hvabi run` with the C implementation over the protocol, on the areas
 *       it implements, against (b) on the same cases;
 *   (d) the same cases as vitest test.each tests calling the reference core;
 *   the cold start of `hvabi run` on the committed suite, and the peak RSS of
 *   (b) at the largest corpus;
 *   real Xen (real-xen.ts): `hvabi run --core xen-qemu --profile xen-4.17` on
 *   the whole suite, both builds in one process and each build alone: its
 *   boots (probe and case), cases per boot, the share of time spent booting,
 *   its results, and the both-builds wall time against the 3-minute target.
 *   Without the set-up (`sudo npm run setup:xen`) it says loudly that real Xen
 *   was not measured.
 *
 * Every figure is a whole process, wall time from spawn to exit. Measurements
 * that are compared run alternately, round after round, so a busy machine
 * slows both; medians are reported with their spread and the load average.
 *
 *     npm run bench [-- --sizes 1000,10000,100000] [--rounds 5,3,1] [--cold 15]
 *                   [--c-core PATH] [--fresh] [--out out/bench]
 *                   [--xen-rounds 1] [--no-xen | --only xen]
 *
 *   --xen-rounds N  rounds of the three real-Xen runs (default 1; a round took 4–5 minutes on 2 cores)
 *   --no-xen        leave the real-Xen section out, on purpose (the output says so)
 *   --only xen      the real-Xen section alone: no cold start, corpora, C core or vitest figures
 *
 * The figures go to out/bench/bench.json (`realXen` for the real-Xen section);
 * the real-Xen runs' reports stay in out/bench/real-xen/{both,release,debug}.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Report } from "../../spec/types/generated";
import { packageRoot } from "../../spec/paths";
import { resolveCore } from "../../runner/resolve-core";
import { cCore } from "./c-core";
import { corpora, corpusKey } from "./corpus";
import { alternate, nodeCommand, spread, type Command, type Spread, type Timed } from "./processes";
import { printSection, realXenSection, summaryLine, type RealXenSection } from "./real-xen";

const ROOT = packageRoot();
const CLI = join(ROOT, "dist", "runner", "cli.js");
const LIMIT = join(__dirname, "limit-loop.js");
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");

interface Figure {
  label: string;
  cases: number;
  results: number;
  wall: Spread;
  casesPerSecond: number;
  peakRssMb?: Spread;
}

interface Ratio {
  label: string;
  /** Median of the per-round ratios (both measured in the same round). */
  value: Spread;
  target?: { min: number; text: string };
}

const scratch = mkdtempSync(join(tmpdir(), "hvabi-bench-"));
const say = (text: string): void => void process.stdout.write(`${text}\n`);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(" ");

function reportCounts(dir: string): { cases: number; results: number; pass: number; fail: number; other: number } {
  const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
  const cases = new Set(report.results.map((r) => r.file)).size;
  return { cases, results: report.counts.total, pass: report.counts.pass, fail: report.counts.fail, other: report.counts.total - report.counts.pass - report.counts.fail };
}

function runCommand(paths: string[], extra: string[], name: string): Command {
  return nodeCommand([CLI, "run", ...paths, "--report-dir", join(scratch, name), "--quiet", ...extra], { okStatuses: [0, 1] });
}

function figure(label: string, timings: readonly Timed[], cases: number, results: number): Figure {
  const wall = spread(timings.map((t) => t.wallMs));
  const rss = timings.filter((t) => t.peakRssMb !== undefined).map((t) => t.peakRssMb!);
  return { label, cases, results, wall, casesPerSecond: cases / (wall.median / 1000), ...(rss.length > 0 ? { peakRssMb: spread(rss) } : {}) };
}

/** Per round, the throughput of `top` over that of `bottom` (same cases), as a spread. */
function ratio(label: string, top: readonly Timed[], bottom: readonly Timed[], topCases: number, bottomCases: number, target?: Ratio["target"]): Ratio {
  const values = top.map((t, i) => topCases / t.wallMs / (bottomCases / bottom[i]!.wallMs));
  return { label, value: spread(values), ...(target ? { target } : {}) };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const noise = (s: Spread): string => (s.n < 2 ? "1 run" : `${s.n} runs, ${seconds(s.min)}–${seconds(s.max)}`);

function printFigure(f: Figure): void {
  const rss = f.peakRssMb ? ` · peak RSS ${f.peakRssMb.median.toFixed(0)} MB` : "";
  say(`  ${f.label.padEnd(46)} ${seconds(f.wall.median).padStart(9)}  ${Math.round(f.casesPerSecond).toLocaleString("en-US").padStart(8)} cases/s  (${f.cases} cases, ${f.results} results; ${noise(f.wall)})${rss}`);
}

function printRatio(r: Ratio): void {
  const verdict = r.target === undefined ? "" : r.value.median >= r.target.min ? `  target ${r.target.text}: met` : `  target ${r.target.text}: MISSED`;
  const range = r.value.n < 2 ? "" : ` (rounds: ${r.value.min.toFixed(2)}–${r.value.max.toFixed(2)})`;
  say(`  ${r.label.padEnd(46)} ${r.value.median.toFixed(2)}×${range}${verdict}`);
}

async function coreAreas(program: string): Promise<string[]> {
  const core = await resolveCore(`exec:${program}`);
  try {
    return core.description.areas;
  } finally {
    await core.close();
  }
}

interface Options {
  sizes: number[];
  /** Rounds per size, the last repeated for larger sizes. */
  rounds: number[];
  cold: number;
  cCore?: string;
  fresh: boolean;
}

interface Collected {
  figures: Figure[];
  ratios: Ratio[];
  notes: string[];
}

/** The cold start, (a)–(d) on each corpus, and peak RSS: every section but real Xen. */
async function measureHvabi(options: Options, { figures, ratios, notes }: Collected): Promise<void> {
  const { sizes } = options;
  const c = cCore(options.cCore);
  say(c.ok ? `C implementation: ${c.program} (${c.source})` : `C implementation: ${c.why}`);
  const cAreas = c.ok ? await coreAreas(c.program) : [];

  // Cold start: the committed suite, a whole process each time.
  const coldRuns = options.cold;
  const baseline = await alternate({ node: { program: process.execPath, args: ["-e", "0"] } }, coldRuns);
  const cold = await alternate({ cold: runCommand([], [], "cold") }, coldRuns);
  const suite = reportCounts(join(scratch, "cold"));
  say(`\ncold start of hvabi run on the committed suite (${suite.cases} cases, ${suite.results} results), load ${load()}`);
  const coldFigure = figure("hvabi run (cold, whole process)", cold.cold!, suite.cases, suite.results);
  printFigure(coldFigure);
  say(`  ${"node -e 0 (the floor of any Node process)".padEnd(46)} ${seconds(spread(baseline.node!.map((t) => t.wallMs)).median).padStart(9)}`);
  figures.push(coldFigure);
  const coldTarget = coldFigure.wall.median < 500;
  say(`  target under 0.5 s: ${coldTarget ? "met" : "MISSED"} (median)`);

  say(`\ncorpora: load ${load()}`);
  const sets = await corpora(sizes, corpusKey(), options.fresh);
  for (const [size, set] of [...sets].sort(([a], [b]) => a - b)) {
    say(`  ${size.toLocaleString("en-US")} cases in ${set.dir}${set.generatedInMs === undefined ? "" : ` (generated in ${seconds(set.generatedInMs)}, ${Math.round(size / (set.generatedInMs / 1000))} cases/s)`}`);
  }
  for (const [index, size] of sizes.entries()) {
    const round = options.rounds[Math.min(index, options.rounds.length - 1)]!;
    const set = sets.get(size)!;
    say(`\n${size.toLocaleString("en-US")} cases · ${round} round${round === 1 ? "" : "s"} · load ${load()}`);
    const commands: Record<string, Command> = {
      a: nodeCommand([LIMIT, set.dir]),
      b: runCommand([set.dir], [], `b-${size}`),
      ...(round > 1 || size < 100_000 ? { b1: runCommand([set.dir], ["--workers", "0"], `b1-${size}`) } : {}),
    };
    const timings = await alternate(commands, round);
    const limit = JSON.parse(timings.a![0]!.stdout) as { cases: number; results: number };
    const counts = reportCounts(join(scratch, `b-${size}`));
    if (counts.pass !== counts.results) notes.push(`${size} cases: hvabi run reported ${counts.results - counts.pass} results that did not pass`);
    const a = figure("(a) limit: parse + reference core", timings.a!, limit.cases, limit.results);
    const b = figure("(b) hvabi run, in process (default workers)", timings.b!, counts.cases, counts.results);
    figures.push(a, b);
    printFigure(a);
    printFigure(b);
    const target = size >= 10_000 ? { min: 0.4, text: "≥ 0.40" } : undefined;
    ratios.push(ratio(`(b)/(a) at ${size}`, timings.b!, timings.a!, counts.cases, limit.cases, target));
    printRatio(ratios.at(-1)!);
    if (timings.b1 !== undefined) {
      const b1 = figure("(b1) hvabi run, one thread (--workers 0)", timings.b1, counts.cases, counts.results);
      figures.push(b1);
      printFigure(b1);
      ratios.push(ratio(`(b1)/(a) at ${size}`, timings.b1, timings.a!, counts.cases, limit.cases));
      printRatio(ratios.at(-1)!);
    }

    if (size === 10_000 || (size === sizes[sizes.length - 1] && !sizes.includes(10_000))) {
      if (c.ok && cAreas.length > 0) {
        const subset = cAreas.map((area) => join(set.dir, area));
        const pair = await alternate(
          { c: runCommand(subset, ["--core", `exec:${c.program}`], `c-${size}`), bsub: runCommand(subset, [], `bsub-${size}`) },
          round,
        );
        const cCounts = reportCounts(join(scratch, `c-${size}`));
        const bCounts = reportCounts(join(scratch, `bsub-${size}`));
        const cFigure = figure(`(c) hvabi run, C over the protocol (${cAreas.join(", ")})`, pair.c!, cCounts.cases, cCounts.results);
        const bFigure = figure(`(b) hvabi run, reference, same cases`, pair.bsub!, bCounts.cases, bCounts.results);
        figures.push(cFigure, bFigure);
        printFigure(cFigure);
        printFigure(bFigure);
        ratios.push(ratio(`(c)/(b) at ${size}, ${cAreas.join(", ")}`, pair.c!, pair.bsub!, cCounts.cases, bCounts.cases, { min: 0.5, text: "≥ 0.50" }));
        printRatio(ratios.at(-1)!);
        if (cCounts.pass !== cCounts.results) notes.push(`(c): the C implementation passed ${cCounts.pass} of ${cCounts.results} results (${cCounts.fail} fail, ${cCounts.other} other); its disagreements are its own`);
      } else {
        say(`  (c) not measured: ${c.ok ? "the C implementation implements no area of the corpus" : c.why}`);
        notes.push(`(c) not measured: ${c.ok ? "no area in common" : c.why}`);
      }
      const userRounds = Math.min(round, 2);
      const pair = await alternate(
        { d: { program: process.execPath, args: [VITEST, "run", "--config", join("scripts", "bench", "vitest.config.mts")], cwd: ROOT, env: { HVABI_BENCH_CORPUS: set.dir } }, b: runCommand([set.dir], [], `bd-${size}`) },
        userRounds,
      );
      const dFigure = figure("(d) vitest test.each, reference core", pair.d!, limit.cases, limit.results);
      const bFigure = figure("(b) hvabi run, same rounds", pair.b!, counts.cases, counts.results);
      figures.push(dFigure, bFigure);
      printFigure(dFigure);
      printFigure(bFigure);
      ratios.push(ratio(`(b)/(d) at ${size}`, pair.b!, pair.d!, counts.cases, limit.cases, { min: 10, text: "≥ 10" }));
      printRatio(ratios.at(-1)!);
    }
    if (index === sizes.length - 1 && b.peakRssMb !== undefined) {
      const rss = b.peakRssMb.median;
      say(`  peak RSS of (b) at ${size}: ${rss.toFixed(0)} MB${size >= 100_000 ? `  target under 300 MB: ${rss < 300 ? "met" : "MISSED"}` : ""}`);
    }
  }

}

function positiveIntegers(option: string, text: string): number[] {
  const numbers = text.split(",").map(Number);
  if (numbers.some((n) => !(Number.isInteger(n) && n > 0))) throw new Error(`--${option} takes positive whole numbers, comma-separated`);
  return numbers;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "1000,10000,100000" },
      rounds: { type: "string", default: "5,3,1" },
      cold: { type: "string", default: "15" },
      "c-core": { type: "string" },
      fresh: { type: "boolean", default: false },
      out: { type: "string", default: join(ROOT, "out", "bench") },
      "xen-rounds": { type: "string", default: "1" },
      "no-xen": { type: "boolean", default: false },
      only: { type: "string" },
    },
  });
  const options: Options = {
    sizes: positiveIntegers("sizes", values.sizes),
    rounds: positiveIntegers("rounds", values.rounds),
    cold: positiveIntegers("cold", values.cold)[0]!,
    fresh: values.fresh,
    ...(values["c-core"] === undefined ? {} : { cCore: values["c-core"] }),
  };
  const xenRounds = positiveIntegers("xen-rounds", values["xen-rounds"])[0]!;
  if (values.only !== undefined && values.only !== "xen") throw new Error(`--only takes "xen" (the real-Xen section alone), not "${values.only}"`);
  const onlyXen = values.only === "xen";
  if (onlyXen && values["no-xen"]) throw new Error("--only xen and --no-xen contradict each other");
  const collected: Collected = { figures: [], ratios: [], notes: [] };
  const { figures, ratios, notes } = collected;
  const started = Date.now();

  say(`hvabi benchmark · ${availableParallelism()} × ${cpus()[0]?.model.trim() ?? "unknown CPU"} · node ${process.version} · load average ${load()}`);
  if (onlyXen) say("--only xen: the real-Xen section alone (no cold start, corpora, C implementation or vitest figures)");
  else await measureHvabi(options, collected);

  const realXen: RealXenSection = values["no-xen"]
    ? { status: "skipped", why: "--no-xen was given" }
    : await realXenSection({ rounds: xenRounds, reportsDir: join(values.out, "real-xen"), say });
  if (realXen.status === "skipped") printSection(realXen, say);

  if (!onlyXen) {
    say(`\nratios (each the median over rounds of figures measured in the same round):`);
    for (const r of ratios) printRatio(r);
  }
  say(`\n${summaryLine(realXen)}`);
  for (const note of notes) say(`note: ${note}`);
  say(`\ntotal ${seconds(Date.now() - started)} · load average now ${load()}`);
  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, "bench.json");
  writeFileSync(file, `${JSON.stringify({ load: loadavg(), cpus: availableParallelism(), node: process.version, figures, ratios, realXen, notes }, null, 1)}\n`);
  say(`wrote ${file}`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }));
