/**
 * One running core subprocess: spawned without a shell in its own process
 * group (so a hung core and anything it started can be killed together), its
 * stdout turned into a queue of events the supervisor waits on with a time
 * limit, its stderr kept as a tail.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { LineSplitter } from "./lines";
import { TailBuffer } from "./tail-buffer";

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

export type CoreEvent =
  | { kind: "line"; text: string }
  | { kind: "overflow"; head: string; bytes: number }
  /** The process is gone and its output fully read. */
  | { kind: "exit"; status: ExitStatus }
  /** The program could not be started at all (not found, not executable). */
  | { kind: "spawn-error"; message: string }
  | { kind: "timeout" };

export interface CoreProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  maxLineBytes: number;
  /** How much of an over-long line to keep for quoting. */
  headBytes: number;
  stderrTailBytes: number;
  /** Also called with every stderr chunk (the supervisor keeps a run-wide tail). */
  onStderr?: (chunk: Buffer) => void;
}

/** After the process exits, how long its pipes may stay open (held by a grandchild) before they are abandoned. */
const PIPE_DRAIN_GRACE_MS = 500;

const live = new Set<CoreProcess>();
let cleanupInstalled = false;

/** Cores must not outlive the runner, even when it is interrupted. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", () => {
    for (const core of live) core.kill();
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      for (const core of live) core.kill();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

export function describeExit(status: ExitStatus): string {
  if (status.signal !== null) return `was killed by ${status.signal}`;
  return `exited with status ${status.code ?? "unknown"}`;
}

export class CoreProcess {
  readonly stderr: TailBuffer;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly events: CoreEvent[] = [];
  private waiter: ((event: CoreEvent) => void) | undefined;
  private finished = false;
  private exitStatus: ExitStatus | undefined;

  constructor(
    readonly argv: readonly string[],
    options: CoreProcessOptions,
  ) {
    installCleanup();
    this.stderr = new TailBuffer(options.stderrTailBytes);
    const [program, ...args] = argv;
    if (program === undefined) throw new Error("internal error: a core command needs a program");
    this.child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
      windowsHide: true,
    });
    live.add(this);
    const lines = new LineSplitter(options.maxLineBytes, options.headBytes);
    this.child.stdout.on("data", (chunk: Buffer) => {
      for (const event of lines.push(chunk)) this.enqueue(event);
    });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr.append(chunk);
      options.onStderr?.(chunk);
    });
    // A core that exits while we write gets EPIPE here; its exit is reported by the events.
    this.child.stdin.on("error", () => undefined);
    this.child.on("error", (error: NodeJS.ErrnoException) => {
      if (this.child.pid === undefined) this.finish({ kind: "spawn-error", message: spawnErrorMessage(program, error) });
    });
    this.child.on("exit", (code, signal) => {
      this.exitStatus = { code, signal };
      // Whatever the core started dies with it, so its pipes close.
      this.killGroup();
      setTimeout(() => {
        this.child.stdout.destroy();
        this.child.stderr.destroy();
        this.finish({ kind: "exit", status: { code, signal } });
      }, PIPE_DRAIN_GRACE_MS).unref();
    });
    this.child.on("close", (code, signal) => {
      const status = this.exitStatus ?? { code, signal };
      this.finish({ kind: "exit", status });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit status, once the process has exited. */
  get exited(): ExitStatus | undefined {
    return this.exitStatus;
  }

  get running(): boolean {
    return !this.finished;
  }

  /** Writes one protocol message as a line on the core's stdin. */
  send(message: unknown): void {
    if (this.finished || this.child.stdin.destroyed) return;
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  closeInput(): void {
    if (!this.child.stdin.destroyed) this.child.stdin.end();
  }

  /** The next event, or `timeout` when none comes within `timeoutMs`. */
  next(timeoutMs: number): Promise<CoreEvent> {
    const queued = this.events.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.finished) return Promise.resolve(this.terminalEvent());
    return new Promise((resolve) => {
      const deliver = (event: CoreEvent): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(event);
      };
      // Timers run before I/O in an event-loop turn: after a stall (a busy runner, a loaded
      // machine) output that arrived in time would lose to the timer. Give I/O one turn first.
      const timer = setTimeout(() => {
        setImmediate(() => {
          if (this.waiter === deliver) deliver({ kind: "timeout" });
        });
      }, Math.max(0, timeoutMs));
      this.waiter = deliver;
    });
  }

  /** Lines the core wrote that nobody has read yet (dropping them). */
  drainLines(): string[] {
    const lines: string[] = [];
    while (this.events[0]?.kind === "line") lines.push((this.events.shift() as { text: string }).text);
    return lines;
  }

  /** Kills the core and everything it started. */
  kill(): void {
    this.killGroup();
    if (!this.finished && this.exitStatus === undefined) {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  /** Resolves when the process is gone (killing it after `timeoutMs`); true when it left by itself. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.finished) return true;
      const event = await this.next(deadline - Date.now());
      if (event.kind === "timeout") break;
      if (event.kind === "exit" || event.kind === "spawn-error") return true;
    }
    this.kill();
    while (!this.finished) {
      const event = await this.next(PIPE_DRAIN_GRACE_MS * 4);
      if (event.kind === "timeout") break;
    }
    return false;
  }

  private terminal: CoreEvent | undefined;

  private terminalEvent(): CoreEvent {
    return this.terminal ?? { kind: "exit", status: this.exitStatus ?? { code: null, signal: null } };
  }

  private killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  }

  private enqueue(event: CoreEvent): void {
    if (this.finished) return;
    if (this.waiter !== undefined) this.waiter(event);
    else this.events.push(event);
  }

  private finish(event: CoreEvent): void {
    if (this.finished) return;
    this.enqueue(event);
    this.terminal = event;
    this.finished = true;
    live.delete(this);
  }
}

function spawnErrorMessage(program: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return `cannot run "${program}": no such file (a path is taken relative to ${process.cwd()}; a bare name is looked up on PATH)`;
    case "EACCES":
      return `cannot run "${program}": permission denied (is it executable? try chmod +x)`;
    default:
      return `cannot run "${program}": ${error.message}`;
  }
}
