/**
 * Timing whole processes for `npm run bench`: wall time from spawn to exit,
 * peak RSS (through max-rss.js, preloaded), and what the process printed.
 * Commands are argument lists, never shell strings.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface Timed {
  wallMs: number;
  /** Peak resident set size of a Node process, in MB (undefined for other programs). */
  peakRssMb?: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Command {
  program: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Exit statuses that mean the measurement is good (a run with failures exits 1 and is still a measurement). */
  okStatuses?: number[];
}

const MAX_RSS = join(__dirname, "max-rss.js");

/** `node <args>` with the peak-RSS probe preloaded. */
export function nodeCommand(args: string[], extra: Omit<Command, "program" | "args"> = {}): Command {
  return { program: process.execPath, args: ["--require", MAX_RSS, ...args], ...extra };
}

export async function timeProcess(command: Command): Promise<Timed> {
  const scratch = mkdtempSync(join(tmpdir(), "hvabi-bench-rss-"));
  const rssFile = join(scratch, "rss");
  try {
    const started = performance.now();
    const child = spawn(command.program, command.args, {
      cwd: command.cwd,
      env: { ...process.env, NO_COLOR: "1", ...command.env, HVABI_BENCH_RSS_FILE: rssFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code));
    });
    const wallMs = performance.now() - started;
    const timed: Timed = { wallMs, status, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") };
    if (existsSync(rssFile)) timed.peakRssMb = Number(readFileSync(rssFile, "utf8")) / 1024;
    const ok = command.okStatuses ?? [0];
    if (status === null || !ok.includes(status)) {
      throw new Error(`${[command.program, ...command.args].join(" ")} exited with ${status}:\n${timed.stderr.slice(-2000)}${timed.stdout.slice(-2000)}`);
    }
    return timed;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Runs the commands alternately for `rounds` rounds; per command, its timings in round order.
 * `after`, when given, sees each run as it ends (to read what it wrote before the next round
 * writes over it).
 */
export async function alternate(
  commands: Record<string, Command>,
  rounds: number,
  after?: (name: string, round: number, timed: Timed) => void,
): Promise<Record<string, Timed[]>> {
  const names = Object.keys(commands);
  const timings: Record<string, Timed[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // Each round starts with another command, so none always runs first (on a cold page cache) or last.
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const timed = await timeProcess(commands[name]!);
      timings[name]!.push(timed);
      after?.(name, round, timed);
    }
  }
  return timings;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many measurements. */
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}
