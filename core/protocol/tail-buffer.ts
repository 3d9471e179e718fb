/**
 * Keeps the last bytes of an unbounded stream (a core's stderr) and knows how
 * many were ever written, so a reader can ask for "what came since mark".
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  private written = 0;

  constructor(private readonly capacity: number) {}

  append(data: Buffer | string): void {
    const chunk = typeof data === "string" ? Buffer.from(data) : data;
    this.written += chunk.length;
    if (this.capacity === 0 || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= this.capacity) {
      this.kept -= this.chunks.shift()!.length;
    }
  }

  /** Bytes ever appended; pass it to {@link since} later. */
  mark(): number {
    return this.written;
  }

  /** The last `limit` bytes of what was appended after `mark` (as much as is still kept). */
  since(mark: number, limit: number = this.capacity): string {
    const wanted = Math.min(this.written - mark, limit, this.kept);
    if (wanted <= 0) return "";
    // Copy only the chunks the answer needs, from the end.
    const parts: Buffer[] = [];
    let collected = 0;
    for (let i = this.chunks.length - 1; i >= 0 && collected < wanted; i--) {
      const chunk = this.chunks[i]!;
      const take = Math.min(chunk.length, wanted - collected);
      parts.unshift(chunk.subarray(chunk.length - take));
      collected += take;
    }
    return decodeTail(Buffer.concat(parts));
  }

  /** The last `limit` bytes. */
  tail(limit: number = this.capacity): string {
    return this.since(0, limit);
  }
}

/** Decodes UTF-8 that may start in the middle of a character. */
function decodeTail(bytes: Buffer): string {
  let start = 0;
  // Continuation bytes (10xxxxxx) cannot start a character: skip at most three.
  while (start < Math.min(3, bytes.length) && (bytes[start]! & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString("utf8");
}
