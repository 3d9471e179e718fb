/**
 * Reads a boot's serial console: Xen's own lines ("(XEN) …") and the test kernel's compact
 * lines (wire.json "console"): H (the hypervisor's version and capabilities), B (boot probes),
 * R (one case: every step's result, or X and why it stopped), M (log markers around a step
 * whose console messages a case observes), E (the batch is done), F (the kernel gave up).
 */
import { wire } from "./wire";

export interface RawFault {
  vector: number;
  /** undefined when the vector pushes no error code. */
  errorCode?: number;
  cr2: bigint;
}

export interface RawOutput {
  value: bigint;
  /** false when the value names a real frame that stands for no model frame (printed with '~'). */
  known: boolean;
}

export interface RawStep {
  /** 0, a negative Xen errno, or a wire.json "results" sentinel. */
  rc: number;
  fault?: RawFault;
  outputs: RawOutput[];
}

export interface RawCase {
  index: number;
  steps: RawStep[];
  /** Why the case stopped before its last step (a domU that died, a domain that could not be built). */
  abort?: string;
  /** Xen's console lines printed while a marked step ran, by kernel step index. */
  stepLogs: Map<number, string[]>;
  /** Real frame -> model frame, when the case asked for its pools (P line). */
  frames?: Map<bigint, bigint>;
}

export interface ConsoleReading {
  header?: { version: string; capabilities: string[]; changeset: string };
  probes: Map<string, string>;
  cases: Map<number, RawCase>;
  /** Xen's lines before the kernel's first line: the boot log (with the lines only the console ring kept, first). */
  bootLog: string[];
  /** All of Xen's lines, in order. */
  xenLines: string[];
  /** Xen's register dump (debug key 'd') while it ran dom0, when the program asked for it. */
  registerDump: string[];
  ended: boolean;
  fatal?: string;
  /** dom0 ended the boot on purpose after a case (a domain it destroyed did not go away): why. */
  stopped?: string;
  /** Lines that are neither Xen's nor valid kernel lines (reported, never silently dropped). */
  garbled: string[];
}

const XEN_PREFIX = "(XEN) ";
const STEP = /^(-?\d+)(?:!([0-9a-f]+),([0-9a-f]+),([0-9a-f]+))?(?::(.*))?$/;
const OUTPUT = /^(~?)([0-9a-f]+)$/;

function parseStep(token: string): RawStep | undefined {
  const match = STEP.exec(token);
  if (!match) return undefined;
  const step: RawStep = { rc: Number(match[1]), outputs: [] };
  if (match[2] !== undefined) {
    const errorCode = Number.parseInt(match[3] ?? "0", 16);
    step.fault = {
      vector: Number.parseInt(match[2], 16),
      ...(errorCode === 0xffffffff ? {} : { errorCode }),
      cr2: BigInt(`0x${match[4] ?? "0"}`),
    };
  }
  if (match[5] !== undefined) {
    for (const item of match[5].split(",")) {
      const output = OUTPUT.exec(item);
      if (!output) return undefined;
      step.outputs.push({ value: BigInt(`0x${output[2] ?? "0"}`), known: output[1] !== "~" });
    }
  }
  return step;
}

/** Parses one R line; undefined when it is not one. */
export function parseResultLine(line: string): RawCase | undefined {
  const c = wire().console;
  if (!line.startsWith(c.result)) return undefined;
  const abortAt = line.indexOf(` ${c.caseAbort} `);
  const body = abortAt < 0 ? line.slice(1) : line.slice(1, abortAt);
  const tokens = body.split(" ");
  const index = Number.parseInt(tokens[0] ?? "", 16);
  if (!Number.isInteger(index)) return undefined;
  const steps: RawStep[] = [];
  for (const token of tokens.slice(1)) {
    if (token === "") continue;
    const step = parseStep(token);
    if (!step) return undefined;
    steps.push(step);
  }
  const reading: RawCase = { index, steps, stepLogs: new Map() };
  if (abortAt >= 0) reading.abort = line.slice(abortAt + 3).trim();
  return reading;
}

const POOL = /^d(\d+)=((?:[0-9a-f]+:[0-9a-f]+,?)+)$/;

/** A P line: each domain's pool as runs "first:count"; model frame d * stride + i. */
function parsePools(line: string): { index: number; frames: Map<bigint, bigint> } | undefined {
  const [head, ...pools] = line.slice(1).split(" ");
  const index = Number.parseInt(head ?? "", 16);
  if (!Number.isInteger(index)) return undefined;
  const frames = new Map<bigint, bigint>();
  const stride = BigInt(wire().model.frameStride);
  for (const pool of pools) {
    const match = POOL.exec(pool);
    if (!match) return undefined;
    let model = BigInt(match[1] ?? "0") * stride;
    for (const run of (match[2] ?? "").split(",").filter((r) => r !== "")) {
      const [first, count] = run.split(":").map((n) => BigInt(`0x${n}`));
      for (let i = 0n; i < (count ?? 0n); i++) frames.set((first ?? 0n) + i, model++);
    }
  }
  return { index, frames };
}

const MARK_START = /^M([0-9a-f]+)\.(\d+)$/;
const MARK_END = /^M([0-9a-f]+)\.(\d+)\.$/;

export function readConsole(lines: readonly string[]): ConsoleReading {
  const c = wire().console;
  const reading: ConsoleReading = { probes: new Map(), cases: new Map(), bootLog: [], xenLines: [], registerDump: [], ended: false, garbled: [] };
  let dumping = false;
  const early: string[] = [];
  let kernelStarted = false;
  let marked: { index: number; step: number; lines: string[] } | undefined;
  const pendingLogs = new Map<number, Map<number, string[]>>();
  for (const raw of lines) {
    // The firmware's banner; SeaBIOS prints "Booting from ROM.." with no newline before Xen's first line.
    const line = raw.replace(/\r$/, "").replace(/^Booting from ROM\.*/, "");
    if (line.startsWith("SeaBIOS ")) continue;
    if (line.startsWith(XEN_PREFIX)) {
      const text = line.slice(XEN_PREFIX.length);
      reading.xenLines.push(text);
      if (!kernelStarted) reading.bootLog.push(text);
      marked?.lines.push(text);
      if (dumping) reading.registerDump.push(text);
      continue;
    }
    if (line.trim() === "") continue;
    // The boot log ends where the kernel's first line (its H line) begins; the firmware's lines come before.
    if (line.startsWith(`${c.header} `)) kernelStarted = true;
    const start = MARK_START.exec(line);
    const end = MARK_END.exec(line);
    if (start) {
      marked = { index: Number.parseInt(start[1] ?? "", 16), step: Number(start[2]), lines: [] };
    } else if (end) {
      if (marked) {
        const perCase = pendingLogs.get(marked.index) ?? new Map<number, string[]>();
        perCase.set(marked.step, marked.lines);
        pendingLogs.set(marked.index, perCase);
      }
      marked = undefined;
    } else if (line.startsWith(c.pools) && /^P[0-9a-f]+ /.test(line)) {
      const parsed = parsePools(line);
      const target = parsed && reading.cases.get(parsed.index);
      if (parsed && target) target.frames = parsed.frames;
      else reading.garbled.push(line);
    } else if (line === c.registerDump || line === `${c.registerDump}.`) {
      dumping = line === c.registerDump;
    } else if (line.startsWith(`${c.earlyLog} `)) {
      early.push(line.slice(2));
    } else if (line.startsWith(`${c.header} `)) {
      const fields = new Map(
        line
          .slice(2)
          .split("|")
          .map((part) => {
            const at = part.indexOf("=");
            return [part.slice(0, at), part.slice(at + 1)] as const;
          }),
      );
      reading.header = {
        version: fields.get("version") ?? "",
        capabilities: (fields.get("caps") ?? "").split(" ").filter((cap) => cap !== ""),
        changeset: fields.get("changeset") ?? "",
      };
    } else if (line.startsWith(`${c.bootProbe} `) || line === c.bootProbe) {
      for (const pair of line.slice(2).split(" ")) {
        const at = pair.indexOf("=");
        if (at > 0) reading.probes.set(pair.slice(0, at), pair.slice(at + 1));
      }
    } else if (line.startsWith(c.result)) {
      const parsed = parseResultLine(line);
      if (parsed) {
        parsed.stepLogs = pendingLogs.get(parsed.index) ?? new Map();
        reading.cases.set(parsed.index, parsed);
      } else reading.garbled.push(line);
    } else if (line.startsWith(`${c.end} `)) {
      reading.ended = true;
    } else if (line.startsWith(`${c.stop} `)) {
      reading.stopped = line.slice(2);
    } else if (line.startsWith(`${c.fatal} `)) {
      reading.fatal = reading.fatal === undefined ? line.slice(2) : `${reading.fatal}; ${line.slice(2)}`;
    } else {
      reading.garbled.push(line);
    }
  }
  reading.bootLog.unshift(...early);
  return reading;
}
