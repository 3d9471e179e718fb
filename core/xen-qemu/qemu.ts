/**
 * One supervised QEMU boot of real Xen with a PV kernel of ours as dom0.
 *
 * QEMU runs with software emulation only (TCG: hardware acceleration does not work on the hosts
 * this was built for, see the domain notes), without a shell, in a process group of its own, its
 * serial console read line by line from stdout. A boot ends when:
 * - dom0 asks Xen to reboot and QEMU (-no-reboot) exits by itself: "completed";
 * - Xen panics, or dom0 crashes: Xen would then wait "5 seconds" (about 10 s under emulation)
 *   before resetting, so the text that follows is read for a moment and the whole process group
 *   is killed at once: "xen-panic" or "dom0-crash";
 * - the time limit passes ("timeout"), or QEMU cannot start or fails ("qemu-failed").
 * A domU crashing is an event inside the batch, not the end of the boot.
 *
 * At most two boots run at a time in this process (two cores); HVABI_QEMU_CONCURRENCY=1 lowers it.
 * Beyond the process, each boot also holds one of two machine-wide slots (machine-slots.ts), so
 * that two runs side by side still start no more than two QEMUs between them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import { resolve } from "node:path";
import { TailBuffer } from "../protocol/tail-buffer";
import { releaseMachineSlot, takeMachineSlot } from "./machine-slots";

export interface BootRequest {
  /** ELF multiboot image of Xen (a .gz must be gunzipped first: see xen-images.ts). */
  xenImage: string;
  /** Xen's command line, e.g. "console=com1 com1=115200 loglvl=all guest_loglvl=all dom0_mem=64M dom0_max_vcpus=1". */
  xenCommandLine: string;
  /** The test kernel ELF, loaded as dom0. */
  dom0Kernel: string;
  dom0CommandLine?: string;
  /** The boot module (dom0's initial ramdisk): the batch of cases. */
  module?: string;
  /** QEMU's -cpu value, e.g. "max". */
  cpu: string;
  /** Guest memory; 512 is what the notes measured with. */
  memoryMiB: number;
  /** Limit for the whole boot, from QEMU's start (waiting for a free slot does not count). */
  timeoutMs: number;
  /** The program; default "qemu-system-x86_64". */
  qemu?: string;
  /**
   * Run the emulated CPU on instruction-counted time (QEMU -icount, shift N, no sleeping): time
   * inside the machine passes with the instructions it runs, so Xen's busy-waits (a debug build
   * waits three seconds after a boot-time warning) cost little, at the price of slower work.
   */
  icountShift?: number;
}

export type BootEnd = "completed" | "xen-panic" | "dom0-crash" | "timeout" | "qemu-failed";

export interface BootOutcome {
  end: BootEnd;
  /** One sentence: why the boot ended, with the console line that said so when there is one. */
  reason: string;
  /** The serial console, one entry a line ("\r" stripped, "(XEN) " prefixes kept, blank lines dropped). */
  lines: string[];
  /** From QEMU's start to its end (0 when it never started). */
  durationMs: number;
  exitStatus: number | null;
  signal: string | null;
  stderrTail: string;
  /** When the first console line of a guest (not starting with "(XEN)") arrived, from QEMU's start. */
  firstKernelLineMs?: number;
  /** Set when the caller's AbortSignal ended the boot (end is then "qemu-failed"). */
  aborted?: true;
  /** Set when the console outgrew what is kept: that many lines were dropped from its middle. */
  consoleCut?: { droppedLines: number; droppedBytes: number };
}

export interface BootOptions {
  /** Called for every console line as it arrives. */
  onLine?(line: string, elapsedMs: number): void;
  signal?: AbortSignal;
}

/** A request QEMU could not be given as asked (a comma in a module path, a missing file). */
export class BootRequestError extends Error {
  override readonly name = "BootRequestError";
}

export const DEFAULT_QEMU = "qemu-system-x86_64";
/** Two cores: two emulated machines at most, whatever the callers ask. */
export const MAX_CONCURRENT_BOOTS = 2;

/** After a panic or dom0 crash is seen: kill once the console has been quiet this long… */
const AFTER_END_QUIET_MS = 150;
/** …or at once after Xen's last words ("rebooting machine in 5 seconds.", "Reboot in five seconds..."), after this drain… */
const AFTER_LAST_WORDS_MS = 20;
/** …and in any case this long after the first sign: a register dump is a few dozen lines. */
const AFTER_END_MAX_MS = 1000;
/** After QEMU exits, how long a grandchild may hold its pipes before they are abandoned. */
const PIPE_DRAIN_GRACE_MS = 500;
const STDERR_TAIL_BYTES = 16 * 1024;
/** The console kept: its first HEAD and last TAIL bytes (results come early, crash text late). */
const CONSOLE_HEAD_BYTES = 16 * 1024 * 1024;
const CONSOLE_TAIL_BYTES = 4 * 1024 * 1024;
/** A console line longer than this is split: a guest printing without newlines costs bounded memory. */
const MAX_LINE_BYTES = 64 * 1024;

// --- What Xen 4.17 prints (Debian's source package, /opt/xensrc/src/xen on the build host) ---

/**
 * Every line Xen prints starts with "(XEN) " (console.c printk_start_of_line), followed by a
 * timestamp in brackets when console_timestamps is set. Guest output does not: dom0's goes to the
 * serial line raw (console.c guest_console_write, is_hardware_domain), a domU's as "(d1) …"
 * (console.c guest_printk).
 */
const XEN_PREFIX = /^\(XEN\) (?:\[[^\]]*\] )?/;

/** console.c panic(): `printk("Panic on CPU %d:\n", smp_processor_id())`, then the message. */
const PANIC = /^Panic on CPU \d+:/;
/** console.c panic(), its last line: `printk("%s in five seconds...\n", pv_shim ? "Crash" : "Reboot")` or "Manual reset required ('noreboot' specified)". */
const PANIC_LAST_WORDS = /^(?:(?:Reboot|Crash) in five seconds\.\.\.|Manual reset required)/;
/**
 * shutdown.c hwdom_shutdown(), SHUTDOWN_crash: `printk("Hardware Dom%u crashed: ", …)` then
 * maybe_reboot() on the same line: "rebooting machine in 5 seconds." or "'noreboot' set - not
 * rebooting."; the unknown-reason case reboots the same way.
 */
const HWDOM_CRASHED = /^Hardware Dom(\d+) (?:crashed|shutdown \(unknown reason \d+\))/;
const HWDOM_LAST_WORDS = /(?:rebooting machine in 5 seconds\.|'noreboot' set - not rebooting\.)$/;
/**
 * domain.c __domain_crash(): "Domain %d (vcpu#%d) crashed on cpu#%d:" (then a register dump) or
 * "Domain %d reported crashed by domain %d on cpu#%d:". The "domain_crash called from %s:%d"
 * line before it (sched.h domain_crash) does not name the domain: this one does. Only domain 0,
 * dom0, ends the boot; a domU's crash is the batch's business.
 */
const DOM0_DOMAIN_CRASH = /^Domain 0 (?:\(vcpu#\d+\) crashed on cpu#\d+:|reported crashed by domain \d+)/;
/**
 * pv/traps.c pv_inject_event(): `gprintk(XENLOG_ERR, "Unhandled: vec %u, %s[%04x]\n", …)` when the
 * guest has no handler for an exception (gprintk prefixes "%pv", "d0v0"); entry.S then crashes
 * the domain (create_bounce_frame → asm_domain_crash_synchronous).
 */
const DOM0_UNHANDLED = /^d0v\d+ Unhandled: vec \d+/;
/** shutdown.c hwdom_shutdown(), SHUTDOWN_reboot: the clean end of a batch; machine_restart(0) follows. */
const HWDOM_REBOOT = /^Hardware Dom\d+ shutdown: rebooting machine/;
/** shutdown.c: the other ways the hardware domain makes Xen reset the machine at once. */
const HWDOM_OTHER_RESET = /^(?:Hardware Dom\d+ shutdown: watchdog rebooting machine|Hardware domain \d+ did unsupported soft reset)/;
/** shutdown.c hwdom_shutdown(), SHUTDOWN_poweroff: Xen halts the CPUs and never powers off, so QEMU would run on. */
const HWDOM_HALTED = /^Hardware Dom\d+ halted: halting machine/;

type Verdict = { end: BootEnd; reason: string };

/** What one Xen console line says about the end of the boot (the line without its "(XEN) " prefix). */
export type XenSign =
  /** The end of the boot: kill QEMU soon; lastWords when nothing more of it will follow. */
  | { kind: "panic" | "dom0-crash" | "halt"; lastWords: boolean }
  /** dom0 asked for a reboot: QEMU exits by itself. */
  | { kind: "reboot" }
  /** dom0's watchdog or soft reset: QEMU exits by itself, but not as a clean end. */
  | { kind: "other-reset" };

export function classifyXenLine(message: string): XenSign | undefined {
  if (PANIC.test(message)) return { kind: "panic", lastWords: false };
  if (PANIC_LAST_WORDS.test(message)) return { kind: "panic", lastWords: true };
  if (HWDOM_CRASHED.test(message)) return { kind: "dom0-crash", lastWords: HWDOM_LAST_WORDS.test(message) };
  if (DOM0_DOMAIN_CRASH.test(message) || DOM0_UNHANDLED.test(message)) return { kind: "dom0-crash", lastWords: false };
  if (HWDOM_LAST_WORDS.test(message)) return { kind: "dom0-crash", lastWords: true };
  if (HWDOM_HALTED.test(message)) return { kind: "halt", lastWords: true };
  if (HWDOM_REBOOT.test(message)) return { kind: "reboot" };
  if (HWDOM_OTHER_RESET.test(message)) return { kind: "other-reset" };
  return undefined;
}

/**
 * QEMU's arguments for a request (never a shell). Throws BootRequestError for what QEMU's
 * multiboot loader would misread: it splits -initrd at commas into modules and each module at
 * its first space into file name and command line, and Xen skips the first word of its own
 * command line (QEMU puts the image path there), so paths may hold neither commas nor spaces,
 * and dom0's command line no comma.
 */
export function qemuArgv(request: BootRequest): string[] {
  const xen = checkedPath("xenImage", request.xenImage);
  const kernel = checkedPath("dom0Kernel", request.dom0Kernel);
  const module = request.module === undefined ? undefined : checkedPath("module", request.module);
  const dom0CommandLine = request.dom0CommandLine?.trim() ?? "";
  if (dom0CommandLine.includes(",")) {
    throw new BootRequestError(
      `dom0CommandLine must not contain a comma (QEMU's -initrd splits modules at commas): ${JSON.stringify(dom0CommandLine)}`,
    );
  }
  for (const [name, value] of [
    ["xenCommandLine", request.xenCommandLine],
    ["dom0CommandLine", dom0CommandLine],
  ] as const) {
    // One line each: a newline would end the option string in the middle for Xen and dom0.
    if (/[\0\r\n]/.test(value)) throw new BootRequestError(`${name} must be one line: ${JSON.stringify(value)}`);
  }
  if (!/^[^\s]+$/.test(request.cpu)) throw new BootRequestError(`cpu must be one QEMU -cpu value without spaces: ${JSON.stringify(request.cpu)}`);
  if (request.icountShift !== undefined && !(Number.isInteger(request.icountShift) && request.icountShift >= 0 && request.icountShift <= 10)) {
    throw new BootRequestError(`icountShift must be an integer from 0 to 10, not ${request.icountShift}`);
  }
  if (!Number.isInteger(request.memoryMiB) || request.memoryMiB < 32) {
    throw new BootRequestError(`memoryMiB must be an integer of at least 32, not ${request.memoryMiB}`);
  }
  const initrd = `${kernel}${dom0CommandLine === "" ? "" : ` ${dom0CommandLine}`}${module === undefined ? "" : `,${module}`}`;
  return [
    "-machine", "q35",
    "-cpu", request.cpu,
    "-m", String(request.memoryMiB),
    "-smp", "1",
    "-nographic",
    "-serial", "stdio",
    "-monitor", "none",
    // Xen's reset (dom0's reboot, or after a crash) makes QEMU exit instead of booting again.
    "-no-reboot",
    "-nodefaults",
    "-net", "none",
    "-kernel", xen,
    "-append", request.xenCommandLine,
    "-initrd", initrd,
    ...(request.icountShift === undefined ? [] : ["-icount", `shift=${request.icountShift},sleep=off`]),
  ];
}

function checkedPath(name: string, path: string): string {
  if (path === "") throw new BootRequestError(`${name} is empty`);
  const absolute = resolve(path);
  if (absolute.includes(",")) {
    throw new BootRequestError(`${name} must not contain a comma (QEMU's multiboot loader splits -initrd at commas): ${absolute}`);
  }
  if (/\s/.test(absolute)) {
    throw new BootRequestError(`${name} must not contain spaces (QEMU's multiboot loader ends a file name at the first space): ${absolute}`);
  }
  return absolute;
}

// --- At most two boots at a time ---

let running = 0;
const waiting: Array<() => void> = [];

/** The number of boots allowed at once: 2, or fewer with HVABI_QEMU_CONCURRENCY (read at each boot). */
export function bootConcurrency(): number {
  const raw = process.env.HVABI_QEMU_CONCURRENCY;
  if (raw === undefined || raw.trim() === "") return MAX_CONCURRENT_BOOTS;
  const wanted = Number(raw);
  // Only lowering is honoured: more would oversubscribe the two cores the timings assume.
  return Number.isInteger(wanted) && wanted >= 1 ? Math.min(wanted, MAX_CONCURRENT_BOOTS) : MAX_CONCURRENT_BOOTS;
}

/** Waits for a free slot; false when the signal aborts the wait first. */
function acquireSlot(signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (running < bootConcurrency()) {
    running++;
    return Promise.resolve(true);
  }
  return new Promise((resolveSlot) => {
    const grant = (): void => {
      signal?.removeEventListener("abort", onAbort);
      running++;
      resolveSlot(true);
    };
    const onAbort = (): void => {
      const index = waiting.indexOf(grant);
      if (index !== -1) waiting.splice(index, 1);
      resolveSlot(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    waiting.push(grant);
  });
}

function releaseSlot(): void {
  running--;
  while (running < bootConcurrency() && waiting.length > 0) waiting.shift()!();
}

// --- QEMUs must not outlive this process ---

const liveGroups = new Set<number>();
let cleanupInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", () => {
    for (const pid of liveGroups) killGroup(pid);
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      for (const pid of liveGroups) killGroup(pid);
      // Then die of the signal as if nobody had listened (other listeners may still run first).
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// --- The console ---

/** Keeps the console's first and last bytes, counting what falls out between them. */
class Console {
  readonly head: string[] = [];
  private headBytes = 0;
  private tail: string[] = [];
  private tailStart = 0;
  private tailBytes = 0;
  droppedLines = 0;
  droppedBytes = 0;

  push(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.droppedLines === 0 && this.tail.length === this.tailStart && this.headBytes + bytes <= CONSOLE_HEAD_BYTES) {
      this.head.push(line);
      this.headBytes += bytes;
      return;
    }
    this.tail.push(line);
    this.tailBytes += bytes;
    while (this.tailBytes > CONSOLE_TAIL_BYTES && this.tailStart < this.tail.length - 1) {
      const dropped = this.tail[this.tailStart++]!;
      this.tailBytes -= Buffer.byteLength(dropped) + 1;
      this.droppedLines++;
      this.droppedBytes += Buffer.byteLength(dropped) + 1;
    }
    // Compact now and then rather than shifting an array of millions on every line.
    if (this.tailStart > 4096 && this.tailStart * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailStart);
      this.tailStart = 0;
    }
  }

  lines(): string[] {
    const tail = this.tail.slice(this.tailStart);
    if (this.droppedLines === 0) return [...this.head, ...tail];
    const limitMb = Math.round((CONSOLE_HEAD_BYTES + CONSOLE_TAIL_BYTES) / (1024 * 1024));
    const marker = `[hvabi: console cut: ${this.droppedLines} lines (${this.droppedBytes} bytes) dropped here; only the first and last bytes of a console over ${limitMb} MiB are kept]`;
    return [...this.head, marker, ...tail];
  }
}

/** Splits stdout into lines: "\r" dropped, over-long lines split, the last partial line kept for flush(). */
class ConsoleLines {
  private partial = "";
  private readonly decoder = new TextDecoder("utf-8");

  push(chunk: Buffer): string[] {
    this.partial += this.decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = this.partial.indexOf("\n", start);
      if (newline === -1) break;
      lines.push(this.partial.slice(start, newline));
      start = newline + 1;
    }
    this.partial = this.partial.slice(start);
    while (this.partial.length > MAX_LINE_BYTES) {
      lines.push(this.partial.slice(0, MAX_LINE_BYTES));
      this.partial = this.partial.slice(MAX_LINE_BYTES);
    }
    return lines;
  }

  flush(): string[] {
    const rest = this.partial + this.decoder.decode();
    this.partial = "";
    return rest === "" ? [] : [rest];
  }
}

/** Removes terminal control sequences (firmware clears the screen before Xen starts). */
function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b(?:\[[0-9;?]*[A-Za-z]|[A-Za-z])/g, "").replace(/\r/g, "");
}

// --- One boot ---

export async function bootXen(request: BootRequest, options: BootOptions = {}): Promise<BootOutcome> {
  const argv = qemuArgv(request);
  if (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0) {
    throw new BootRequestError(`timeoutMs must be a positive number, not ${request.timeoutMs}`);
  }
  for (const [name, path] of [
    ["xenImage", request.xenImage],
    ["dom0Kernel", request.dom0Kernel],
    ["module", request.module],
  ] as const) {
    if (path === undefined) continue;
    try {
      accessSync(path, fsConstants.R_OK);
    } catch {
      throw new BootRequestError(`${name} ${resolve(path)} cannot be read (does it exist?)`);
    }
  }
  const program = request.qemu ?? DEFAULT_QEMU;
  if (!(await acquireSlot(options.signal))) {
    return {
      end: "qemu-failed",
      reason: `aborted before QEMU started${abortReason(options.signal)}`,
      lines: [],
      durationMs: 0,
      exitStatus: null,
      signal: null,
      stderrTail: "",
      aborted: true,
    };
  }
  try {
    const machineSlot = await takeMachineSlot(MAX_CONCURRENT_BOOTS, options.signal);
    if (machineSlot === undefined) {
      return { end: "qemu-failed", reason: `aborted before QEMU started${abortReason(options.signal)}`, lines: [], durationMs: 0, exitStatus: null, signal: null, stderrTail: "", aborted: true };
    }
    try {
      return await runQemu(program, argv, request.timeoutMs, options);
    } finally {
      releaseMachineSlot(machineSlot);
    }
  } finally {
    releaseSlot();
  }
}

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return ` (${reason.message})`;
  return typeof reason === "string" ? ` (${reason})` : "";
}

function runQemu(program: string, argv: string[], timeoutMs: number, options: BootOptions): Promise<BootOutcome> {
  installCleanup();
  return new Promise((resolveOutcome) => {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const consoleLog = new Console();
    const splitter = new ConsoleLines();
    const stderr = new TailBuffer(STDERR_TAIL_BYTES);
    let firstKernelLineMs: number | undefined;
    let xenStarted = false;
    /** What dom0 or Xen said about the end, if anything yet. */
    let rebootLine: string | undefined;
    let otherResetLine: string | undefined;
    /** Set once a panic, dom0 crash or halt is seen: the boot is over, QEMU dies soon. */
    let ending: { kind: "panic" | "dom0-crash" | "halt"; line: string; at: number } | undefined;
    /** Set when we killed QEMU, with why. */
    let killedFor: Verdict | undefined;
    let spawnError: string | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let endTimer: NodeJS.Timeout | undefined;
    /** Xen's last words before its 5 s wait were seen: nothing more will come. */
    let lastWordsSeen = false;
    let lastLine: string | undefined;

    let child: ChildProcess;
    try {
      child = spawn(program, argv, { stdio: ["ignore", "pipe", "pipe"], detached: true, windowsHide: true });
    } catch (error) {
      resolveOutcome(failedToStart(program, error as NodeJS.ErrnoException, 0));
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);

    const kill = (verdict: Verdict): void => {
      // Once settled the group is gone and its id may be reused: never signal it again.
      if (settled) return;
      killedFor ??= verdict;
      if (pid !== undefined) killGroup(pid);
    };

    const timeout = setTimeout(() => {
      kill({ end: "timeout", reason: `no end within ${timeoutMs} ms${lastLine === undefined ? " (no console output)" : `; last console line: ${lastLine}`}` });
    }, timeoutMs);
    const onAbort = (): void => kill({ end: "qemu-failed", reason: `aborted by the caller${abortReason(options.signal)}` });
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    /** After the first sign of a panic or crash: kill once quiet, soon after Xen's last words, or at the cap. */
    const scheduleEnd = (): void => {
      if (ending === undefined) return;
      clearTimeout(endTimer);
      const left = ending.at + AFTER_END_MAX_MS - performance.now();
      const wait = Math.max(0, Math.min(lastWordsSeen ? AFTER_LAST_WORDS_MS : AFTER_END_QUIET_MS, left));
      endTimer = setTimeout(() => {
        if (ending === undefined) return;
        kill(verdictFor(ending));
      }, wait);
    };

    const onConsoleLine = (raw: string): void => {
      let text = xenStarted ? raw.replace(/\r/g, "") : stripControls(raw);
      if (!xenStarted) {
        // Firmware ("SeaBIOS …", "Booting from ROM..") prints before Xen without ending its line.
        const at = text.indexOf("(XEN) ");
        if (at > 0) {
          const before = text.slice(0, at);
          if (before.trim() !== "") deliver(before);
          text = text.slice(at);
        }
      }
      if (text.trim() === "") return;
      deliver(text);
    };

    const deliver = (line: string): void => {
      const now = elapsed();
      consoleLog.push(line);
      lastLine = line;
      const prefix = XEN_PREFIX.exec(line);
      if (prefix !== null) {
        xenStarted = true;
        observeXen(line.slice(prefix[0].length), line);
      } else if (xenStarted && firstKernelLineMs === undefined) {
        firstKernelLineMs = now;
      }
      // Every line after the first sign re-arms the quiet period (the panic text is still coming).
      if (ending !== undefined) scheduleEnd();
      try {
        options.onLine?.(line, now);
      } catch (error) {
        // A throwing callback must not leave QEMU running unsupervised.
        kill({ end: "qemu-failed", reason: `the onLine callback threw: ${error instanceof Error ? error.message : String(error)}` });
      }
    };

    const observeXen = (message: string, line: string): void => {
      const sign = classifyXenLine(message);
      if (sign === undefined) return;
      switch (sign.kind) {
        case "reboot":
          rebootLine ??= line;
          return;
        case "other-reset":
          otherResetLine ??= line;
          return;
      }
      // A panic outranks a dom0 crash seen first (Xen may die while handling it).
      if (ending === undefined || (sign.kind === "panic" && ending.kind !== "panic")) {
        ending = { kind: sign.kind, line, at: ending?.at ?? performance.now() };
      }
      if (sign.lastWords) lastWordsSeen = true;
    };

    child.stdout!.on("data", (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) onConsoleLine(line);
    });
    child.stderr!.on("data", (chunk: Buffer) => stderr.append(chunk));

    child.on("error", (error: NodeJS.ErrnoException) => {
      // Only a failure to start matters here; kill errors are ignored by killGroup.
      if (child.pid === undefined) {
        spawnError = failedToStart(program, error, elapsed()).reason;
        finish();
      }
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // Whatever QEMU started dies with it, so that its pipes close.
      if (pid !== undefined) killGroup(pid);
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, PIPE_DRAIN_GRACE_MS).unref();
    });
    child.on("close", () => finish());

    function finish(): void {
      if (settled) return;
      // The last partial line first: it may still decide the end (timers are cleared below).
      for (const line of splitter.flush()) onConsoleLine(line);
      if (pid !== undefined) {
        killGroup(pid);
        liveGroups.delete(pid);
      }
      settled = true;
      clearTimeout(timeout);
      clearTimeout(endTimer);
      options.signal?.removeEventListener("abort", onAbort);
      const verdict = spawnError !== undefined ? { end: "qemu-failed" as const, reason: spawnError } : decide();
      const outcome: BootOutcome = {
        ...verdict,
        lines: consoleLog.lines(),
        durationMs: elapsed(),
        exitStatus: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stderrTail: stderr.tail(),
      };
      if (firstKernelLineMs !== undefined) outcome.firstKernelLineMs = firstKernelLineMs;
      if (options.signal?.aborted && killedFor?.reason.startsWith("aborted")) outcome.aborted = true;
      if (consoleLog.droppedLines > 0) outcome.consoleCut = { droppedLines: consoleLog.droppedLines, droppedBytes: consoleLog.droppedBytes };
      resolveOutcome(outcome);
    }

    function decide(): Verdict {
      if (killedFor !== undefined) return killedFor;
      // QEMU ended by itself.
      if (ending !== undefined) return verdictFor(ending);
      const status = exit === undefined ? "ended" : exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.code}`;
      if (exit?.code === 0) {
        if (otherResetLine !== undefined) return { end: "dom0-crash", reason: `dom0 made Xen reset the machine: ${otherResetLine}` };
        if (rebootLine !== undefined) return { end: "completed", reason: `dom0 asked for a reboot and QEMU exited: ${rebootLine}` };
        // -no-reboot turns any reset into an exit; with no reboot request and no panic message,
        // the machine reset by itself (a triple fault in Xen, or before its console was up).
        return {
          end: "xen-panic",
          reason: `QEMU exited (status 0: the machine reset) without a reboot request from dom0 or a panic message${xenStarted ? "" : ", before Xen printed anything"}: a triple fault?`,
        };
      }
      const stderrLine = stderr.tail(2048).trim().split("\n").at(-1);
      return { end: "qemu-failed", reason: `QEMU ${status}${stderrLine ? `: ${stderrLine}` : ""}` };
    }
  });
}

function verdictFor(ending: { kind: "panic" | "dom0-crash" | "halt"; line: string }): Verdict {
  switch (ending.kind) {
    case "panic":
      return { end: "xen-panic", reason: `Xen panicked: ${ending.line}` };
    case "dom0-crash":
      return { end: "dom0-crash", reason: `dom0 crashed: ${ending.line}` };
    case "halt":
      // Xen only halts the CPUs, so QEMU was killed: the batch itself ended as dom0 chose.
      return { end: "completed", reason: `dom0 powered off and Xen halted the machine (QEMU killed, Xen never powers off): ${ending.line}` };
  }
}

function failedToStart(program: string, error: NodeJS.ErrnoException, durationMs: number): BootOutcome {
  const reason =
    error.code === "ENOENT"
      ? `cannot run "${program}": not found (install QEMU: npm run setup:xen, or apt-get install qemu-system-x86)`
      : error.code === "EACCES"
        ? `cannot run "${program}": permission denied`
        : `cannot run "${program}": ${error.message}`;
  return { end: "qemu-failed", reason, lines: [], durationMs, exitStatus: null, signal: null, stderrTail: "" };
}
