/**
 * Throughput of the reference core in-process and of the C core
 * (core/c-impl) over the core protocol, on the same cases in one run.
 *
 *   make -C core/c-impl && npm run build
 *   node dist/scripts/bench-c-core.js [--rounds N] [--batch-size N] [paths…]
 *
 * Both cores are resolved as `hvabi run --core` resolves them (`reference`,
 * `exec:core/c-impl/build/hvabi-c-core`) and get the same stripped cases in
 * the same batches, so the C core's figure includes everything the protocol
 * costs. Loading cases and judging outcomes are left out of both: they are
 * the same work whichever core answered. The default cases are those of the
 * areas the C core implements.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { CaseInput, Core } from "../core/interface";
import { loadSpec } from "../spec";
import { packageRoot } from "../spec/paths";
import { discoverCaseFiles } from "../runner/discover";
import { loadCaseFile } from "../runner/loader";
import { resolveCore } from "../runner/resolve-core";
import { stripCase } from "../runner/strip";

interface Options {
  rounds: number;
  batchSize: number;
  paths: string[];
}

function parseOptions(argv: string[]): Options {
  const options: Options = { rounds: 20, batchSize: 64, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${arg} needs a positive integer`);
      return n;
    };
    if (arg === "--rounds") options.rounds = value();
    else if (arg === "--batch-size") options.batchSize = value();
    else options.paths.push(arg);
  }
  if (options.paths.length === 0) options.paths.push(...["gnttab", "crpin"].map((area) => join(packageRoot(), "cases", area)));
  return options;
}

function loadInputs(paths: string[]): CaseInput[] {
  const spec = loadSpec();
  const inputs: CaseInput[] = [];
  for (const file of discoverCaseFiles(paths).files) {
    const loaded = loadCaseFile(file, spec);
    if (!loaded.ok) throw new Error(`${file} does not load; run hvabi run for details`);
    for (const profile of loaded.data.profiles) inputs.push(stripCase(loaded.data, loaded.area, profile));
  }
  return inputs;
}

function batchesOf(inputs: CaseInput[], size: number): CaseInput[][] {
  const batches: CaseInput[][] = [];
  for (let start = 0; start < inputs.length; start += size) batches.push(inputs.slice(start, start + size));
  return batches;
}

/** Milliseconds for `rounds` passes over every batch, after one warm-up pass; fails on any non-observed outcome. */
async function measure(core: Core, batches: CaseInput[][], rounds: number): Promise<number> {
  const runAll = async (): Promise<void> => {
    for (const batch of batches) {
      const outcomes = await core.run(batch);
      const odd = outcomes.findIndex((outcome) => outcome.kind !== "observed");
      if (odd >= 0) throw new Error(`${core.description.name} did not observe ${batch[odd]!.id}: ${JSON.stringify(outcomes[odd])}`);
    }
  };
  await runAll();
  const started = performance.now();
  for (let round = 0; round < rounds; round++) await runAll();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const inputs = loadInputs(options.paths);
  const batches = batchesOf(inputs, options.batchSize);
  const total = inputs.length * options.rounds;

  const reference = await resolveCore("reference");
  const referenceMs = await measure(reference, batches, options.rounds);
  await reference.close();

  const binary = join(packageRoot(), "core", "c-impl", "build", "hvabi-c-core");
  const cCore = await resolveCore(`exec:${binary}`);
  const cMs = await measure(cCore, batches, options.rounds);
  await cCore.close();

  const rate = (ms: number): number => Math.round((total / ms) * 1000);
  console.log(`${inputs.length} cases × ${options.rounds} rounds, batches of ${options.batchSize}`);
  console.log(`reference core, in-process:     ${rate(referenceMs)} cases/s (${referenceMs.toFixed(0)} ms)`);
  console.log(`C core, over the protocol:      ${rate(cMs)} cases/s (${cMs.toFixed(0)} ms)`);
  console.log(`C over protocol / reference:    ${(referenceMs / cMs).toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
