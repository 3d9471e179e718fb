/**
 * Cases per second of several cores over the same cases, in one process:
 *
 *     node dist/scripts/bench-cores.js --core reference --core "exec:node dist/runner/cli.js serve" \
 *       [--batch-size 1,16,64,256] [--repeat 5] [--replicate 4] [paths…]
 *
 * Each (core, batch size) runs the whole suite `repeat` times after one
 * warm-up run; the median is reported. The core is started once per
 * (core, batch size), outside the timing. `--replicate K` runs K renamed
 * copies of the cases (written to a temporary folder) to lengthen the run.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { loadSpec } from "../spec";
import { defaultCasesDir } from "../spec/paths";
import { resolveCore } from "../runner/resolve-core";
import { runSuite } from "../runner/run";
import type { CaseInput, Core } from "../core/interface";

interface Measurement {
  core: string;
  batchSize: number;
  results: number;
  executed: number;
  pass: number;
  /** The whole run: loading and checking case files, the core, comparing. */
  medianMs: number;
  /** Inside the core's run(): what the core and the way to reach it cost. */
  medianCoreMs: number;
}

/** The core, with the time spent in its run() added up. */
function timed(core: Core): Core & { elapsedMs: number } {
  const wrapper = {
    description: core.description,
    elapsedMs: 0,
    async run(cases: readonly CaseInput[]) {
      const start = performance.now();
      try {
        return await core.run(cases);
      } finally {
        wrapper.elapsedMs += performance.now() - start;
      }
    },
    close: () => core.close(),
  };
  return wrapper;
}

function caseFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? caseFiles(path) : name.endsWith(".json") ? [path] : [];
  });
}

/** K copies of every case under `paths`, with ids made unique, in a temporary folder. */
function replicate(paths: string[], copies: number): string {
  const target = mkdtempSync(join(tmpdir(), "hvabi-bench-"));
  for (const root of paths) {
    for (const file of caseFiles(root)) {
      const area = file.split("/").slice(-2, -1)[0]!;
      const data = JSON.parse(readFileSync(file, "utf8")) as { id: string; $schema?: string };
      delete data.$schema;
      for (let copy = 0; copy < copies; copy++) {
        const dir = join(target, `copy${copy}`, area);
        mkdirSync(dir, { recursive: true });
        const name = file.split("/").pop()!;
        writeFileSync(join(dir, name), JSON.stringify({ ...data, id: `${data.id}.copy${copy}` }));
      }
    }
  }
  return target;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      core: { type: "string", multiple: true, default: ["reference"] },
      "batch-size": { type: "string", default: "64" },
      repeat: { type: "string", default: "5" },
      replicate: { type: "string", default: "1" },
    },
  });
  const batchSizes = values["batch-size"].split(",").map(Number);
  const repeat = Number(values.repeat);
  const copies = Number(values.replicate);
  const sources = positionals.length > 0 ? positionals : [defaultCasesDir()];
  const temporary = copies > 1 ? replicate(sources, copies) : undefined;
  const paths = temporary === undefined ? sources : [temporary];
  const spec = loadSpec();
  const measurements: Measurement[] = [];
  try {
    for (const name of values.core) {
      for (const batchSize of batchSizes) {
        const core = timed(await resolveCore(name));
        try {
          const times: number[] = [];
          const coreTimes: number[] = [];
          let last;
          for (let run = 0; run <= repeat; run++) {
            core.elapsedMs = 0;
            const start = performance.now();
            last = await runSuite(core, spec, { paths, batchSize });
            if (run > 0) {
              times.push(performance.now() - start);
              coreTimes.push(core.elapsedMs);
            }
          }
          const counts = last!.counts;
          measurements.push({
            core: name,
            batchSize,
            results: counts.total,
            executed: counts.total - counts.skip,
            pass: counts.pass,
            medianMs: median(times),
            medianCoreMs: median(coreTimes),
          });
        } finally {
          await core.close();
        }
      }
    }
  } finally {
    if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
  }
  const rate = (cases: number, ms: number): number => Math.round(cases / (ms / 1000));
  console.log("| core | batch | results | executed | pass | run ms | cases/s (whole run) | core ms | cases/s (in the core) |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const m of measurements) {
    console.log(
      `| ${m.core} | ${m.batchSize} | ${m.results} | ${m.executed} | ${m.pass} | ${m.medianMs.toFixed(0)} | ${rate(m.executed, m.medianMs)} | ${m.medianCoreMs.toFixed(0)} | ${rate(m.executed, m.medianCoreMs)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
