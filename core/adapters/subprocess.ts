/**
 * A core in another process, spoken to over the protocol (docs/protocol.md),
 * under supervision: a core that crashes, hangs or floods costs the case in
 * flight, is restarted with a fresh handshake, and the run goes on; after a
 * bounded number of restarts it is given up on and every remaining case says so.
 */
import type { CaseInput, CaseOutcome, Core, CoreDescription } from "../interface";
import { describeExit } from "../protocol/child";
import { caseLabel, exchangeBatch, type BatchExchange } from "../protocol/exchange";
import { HandshakeError, startCore, type StartedCore } from "../protocol/handshake";
import { quote } from "../protocol/messages";
import type { ProtocolLimits } from "../protocol/settings";
import { TailBuffer } from "../protocol/tail-buffer";

export interface SubprocessCoreOptions {
  limits: ProtocolLimits;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class SubprocessCore implements Core {
  /** From the first handshake. */
  readonly description: CoreDescription;
  private current: StartedCore | undefined;
  private restarts = 0;
  private givenUp: string | undefined;
  private nextBatch = 0;
  /** Why the core must be restarted before the next batch, if it must. */
  private trouble: string | undefined;
  /** A restart to resynchronise after a protocol violation: the cases already paid for it, so it does not count. */
  private resync = false;
  private readonly stderrLog: TailBuffer;

  private constructor(
    private readonly argv: readonly string[],
    private readonly options: SubprocessCoreOptions,
    first: StartedCore,
    stderrLog: TailBuffer,
  ) {
    this.current = first;
    this.stderrLog = stderrLog;
    this.description = first.hello.implementation;
  }

  /** Spawns the core and completes the handshake; throws {@link HandshakeError} when it cannot be started. */
  static async start(argv: readonly string[], options: SubprocessCoreOptions): Promise<SubprocessCore> {
    const stderrLog = new TailBuffer(options.limits.stderrTailBytes);
    const first = await startCore(argv, { ...options, onStderr: (chunk) => stderrLog.append(chunk) });
    return new SubprocessCore(argv, options, first, stderrLog);
  }

  stderr(): string {
    return this.stderrLog.tail();
  }

  async run(cases: readonly CaseInput[]): Promise<CaseOutcome[]> {
    const outcomes: CaseOutcome[] = [];
    while (outcomes.length < cases.length) {
      const started = await this.ready();
      if (started === undefined) {
        const message = `not run: hvabi gave up on the core ${this.givenUp ?? ""}`;
        while (outcomes.length < cases.length) outcomes.push({ kind: "errored", message });
        break;
      }
      const limit = started.hello.maxBatch ?? cases.length;
      const chunk = cases.slice(outcomes.length, outcomes.length + limit);
      const exchange = await exchangeBatch(started.process, this.nextBatch++, chunk, this.options.limits);
      outcomes.push(...exchange.outcomes);
      this.afterBatch(exchange, chunk);
      // A core that died, hung or flooded is of no further use; kill it now, restart it when there is work.
      if (exchange.end.kind !== "complete") await this.discard();
    }
    return outcomes;
  }

  async close(): Promise<void> {
    const started = this.current;
    this.current = undefined;
    if (started === undefined || !started.process.running) return;
    started.process.send({ cmd: "stop" });
    started.process.closeInput();
    const exitedByItself = await started.process.waitForExit(this.options.limits.stopTimeoutMs);
    const status = started.process.exited ?? { code: null, signal: null };
    if (!exitedByItself) this.note(`the core did not exit within ${this.options.limits.stopTimeoutMs / 1000} s of \`stop\` and was killed`);
    else if (status.code !== 0) this.note(`the core ${describeExit(status)} after \`stop\` (it should exit with status 0)`);
  }

  /** Records a supervisor event among the core's stderr, where a reader of the report looks for what happened to it. */
  private note(text: string): void {
    this.stderrLog.append(`\n[hvabi] ${text}\n`);
  }

  private afterBatch(exchange: BatchExchange, chunk: readonly CaseInput[]): void {
    const last = chunk[exchange.outcomes.length - 1];
    const label = last === undefined ? "" : caseLabel(last);
    switch (exchange.end.kind) {
      case "crashed":
        this.trouble = `it ${describeExit(exchange.end.status)} while running ${label}`;
        break;
      case "timed-out":
        this.trouble = `it timed out on ${label}`;
        break;
      case "overflow":
        this.trouble = `it flooded stdout while running ${label}`;
        break;
      case "complete":
        if (exchange.outOfStep) {
          this.trouble = "its output fell out of step with the cases (see the core-error results)";
          this.resync = true;
        }
        break;
    }
  }

  private async discard(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (current === undefined) return;
    current.process.kill();
    await current.process.waitForExit(this.options.limits.stopTimeoutMs);
  }

  /** The running core, restarting it first when needed; undefined once it has been given up on. */
  private async ready(): Promise<StartedCore | undefined> {
    if (this.givenUp !== undefined) return undefined;
    const current = this.current;
    if (current !== undefined && this.trouble === undefined) {
      const unsolicited = current.process.drainLines();
      if (unsolicited.length > 0) {
        this.trouble = `it wrote ${unsolicited.length} line(s) after its batch was complete, starting ${quote(unsolicited[0]!, this.options.limits.quotedLineChars)}`;
        this.resync = true;
      } else if (!current.process.running) {
        this.trouble = `it ${describeExit(current.process.exited ?? { code: null, signal: null })} between batches`;
      }
    }
    if (this.trouble === undefined && current !== undefined) return current;
    this.trouble ??= "it had been stopped";

    await this.discard();
    let counted = !this.resync;
    this.resync = false;
    const { maxRestarts } = this.options.limits;
    while (this.current === undefined) {
      if (counted) {
        if (this.restarts >= maxRestarts) {
          this.givenUp = `after ${this.restarts} restart${this.restarts === 1 ? "" : "s"} (the limit; --max-restarts sets it): ${this.trouble ?? ""}`;
          this.note(`giving up on the core ${this.givenUp}`);
          return undefined;
        }
        this.restarts++;
        this.note(`restarting the core (restart ${this.restarts} of at most ${maxRestarts}): ${this.trouble ?? ""}`);
      } else {
        this.note(`restarting the core to resynchronise (not counted as a restart): ${this.trouble ?? ""}`);
      }
      try {
        this.current = await startCore(this.argv, { ...this.options, onStderr: (chunk) => this.stderrLog.append(chunk) });
      } catch (error) {
        if (!(error instanceof HandshakeError)) throw error;
        this.trouble = `restarting failed: ${error.message}`;
        counted = true;
      }
    }
    this.trouble = undefined;
    return this.current;
  }
}
