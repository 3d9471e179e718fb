/**
 * Throughput of the reference core in-process and of the C core
 * (core/c-impl) over the core protocol, on the same cases in one run.
 *
 *   make -C core/c-impl && npm run build
 *   node dist/scripts/bench-c-core.js [--rounds N] [--batch-size N] [paths…]
 *
 * Both cores get the same stripped cases in the same batches; the C core's
 * figure includes everything the protocol costs (serialising each batch,
 * the pipe, parsing each result line). Comparing outcomes is left out of
 * both, as it is the same work whichever core answered.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import type { CaseInput } from "../core/interface";
import { inProcessCore } from "../core/adapters/in-process";
import { createReferenceExecutor } from "../core/reference";
import { loadSpec } from "../spec";
import { packageRoot } from "../spec/paths";
import { discoverCaseFiles } from "../runner/discover";
import { loadCaseFile } from "../runner/loader";
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
  if (options.paths.length === 0) options.paths.push(join(packageRoot(), "cases", "gnttab"));
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

/** A minimal protocol-1 client for the C core: one `run` per batch, one result line per case. */
class ProtocolClient {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(program: string) {
    this.child = spawn(program, [], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.on("error", (error) => {
      throw new Error(`cannot start ${program}: ${error.message} (build it with make -C core/c-impl)`);
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(line);
      else this.lines.push(line);
    });
  }

  private next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async start(): Promise<void> {
    this.child.stdin.write(`${JSON.stringify({ cmd: "start", protocol: 1, hvabi: "bench" })}\n`);
    const hello = JSON.parse(await this.next()) as { reply: string; protocol: number };
    if (hello.reply !== "hello" || hello.protocol !== 1) throw new Error(`unexpected handshake: ${JSON.stringify(hello)}`);
  }

  async run(batch: number, cases: CaseInput[]): Promise<unknown[]> {
    this.child.stdin.write(`${JSON.stringify({ cmd: "run", batch, cases })}\n`);
    const results: unknown[] = [];
    for (let i = 0; i < cases.length; i++) results.push(JSON.parse(await this.next()));
    return results;
  }

  stop(): void {
    this.child.stdin.end(`${JSON.stringify({ cmd: "stop" })}\n`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const inputs = loadInputs(options.paths);
  const batches = batchesOf(inputs, options.batchSize);
  const total = inputs.length * options.rounds;

  const reference = inProcessCore(createReferenceExecutor());
  for (const batch of batches) await reference.run(batch); // warm-up
  let started = performance.now();
  for (let round = 0; round < options.rounds; round++) for (const batch of batches) await reference.run(batch);
  const referenceMs = performance.now() - started;

  const client = new ProtocolClient(join(packageRoot(), "core", "c-impl", "build", "hvabi-c-core"));
  await client.start();
  let batchNumber = 0;
  for (const batch of batches) await client.run(batchNumber++, batch); // warm-up
  started = performance.now();
  for (let round = 0; round < options.rounds; round++) for (const batch of batches) await client.run(batchNumber++, batch);
  const cMs = performance.now() - started;
  client.stop();

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
