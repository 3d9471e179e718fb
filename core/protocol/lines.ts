/**
 * Splits a core's stdout into lines, refusing to buffer a line longer than
 * the cap: a core that floods stdout costs a bounded amount of memory.
 */
export type LineEvent =
  | { kind: "line"; text: string }
  /** A line grew past the cap; `head` is its beginning. The rest of the line is dropped. */
  | { kind: "overflow"; head: string; bytes: number };

export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly headBytes: number,
  ) {}

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!this.discarding) {
        this.parts.push(chunk.subarray(start, end));
        this.partBytes += end - start;
        if (this.partBytes > this.maxLineBytes) {
          const head = Buffer.concat(this.parts).subarray(0, this.headBytes).toString("utf8");
          events.push({ kind: "overflow", head, bytes: this.partBytes });
          this.parts = [];
          this.partBytes = 0;
          this.discarding = true;
        }
      }
      if (newline === -1) break;
      if (this.discarding) this.discarding = false;
      else this.emitLine(events);
      start = newline + 1;
    }
    return events;
  }

  private emitLine(events: LineEvent[]): void {
    const text = Buffer.concat(this.parts).toString("utf8");
    this.parts = [];
    this.partBytes = 0;
    // Blank lines carry nothing; tolerating them spares cores whose print adds one.
    if (text.trim() !== "") events.push({ kind: "line", text: text.endsWith("\r") ? text.slice(0, -1) : text });
  }
}
