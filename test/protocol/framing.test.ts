import { describe, expect, it } from "vitest";
import { LineSplitter, type LineEvent } from "../../core/protocol/lines";
import { TailBuffer } from "../../core/protocol/tail-buffer";

const feed = (splitter: LineSplitter, ...chunks: (string | Buffer)[]): LineEvent[] =>
  chunks.flatMap((chunk) => splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));

describe("splitting stdout into lines", () => {
  it("joins lines split across chunks and splits chunks holding several lines", () => {
    const splitter = new LineSplitter(1024, 20);
    expect(feed(splitter, '{"a":', '1}\n{"b"', ':2}\n{"c":3}\n{"d"')).toEqual([
      { kind: "line", text: '{"a":1}' },
      { kind: "line", text: '{"b":2}' },
      { kind: "line", text: '{"c":3}' },
    ]);
    expect(feed(splitter, ":4}\n")).toEqual([{ kind: "line", text: '{"d":4}' }]);
  });

  it("drops blank lines and a carriage return before the newline", () => {
    expect(feed(new LineSplitter(1024, 20), "\n  \n{}\r\n\n")).toEqual([{ kind: "line", text: "{}" }]);
  });

  it("decodes a UTF-8 character split between chunks", () => {
    const bytes = Buffer.from('"é"\n');
    expect(feed(new LineSplitter(1024, 20), bytes.subarray(0, 2), bytes.subarray(2))).toEqual([{ kind: "line", text: '"é"' }]);
  });

  it("reports a line over the cap once, keeps its head, and resumes after its newline", () => {
    const splitter = new LineSplitter(10, 4);
    const events = feed(splitter, "abcdefgh", "ijklmnop", "qrstuvwxyz", "…more\nok\n");
    expect(events).toEqual([
      { kind: "overflow", head: "abcd", bytes: 16 },
      { kind: "line", text: "ok" },
    ]);
  });

  it("reports an endless line without waiting for its newline", () => {
    const splitter = new LineSplitter(1024, 8);
    const chunk = Buffer.alloc(600, "x");
    expect(feed(splitter, chunk)).toEqual([]);
    expect(feed(splitter, chunk)).toEqual([{ kind: "overflow", head: "xxxxxxxx", bytes: 1200 }]);
    expect(feed(splitter, chunk, chunk, chunk)).toEqual([]);
  });
});

describe("keeping the tail of stderr", () => {
  it("keeps the last bytes and knows what came since a mark", () => {
    const tail = new TailBuffer(8);
    tail.append("hello ");
    const mark = tail.mark();
    tail.append("world");
    tail.append("!");
    expect(tail.tail()).toBe("o world!".slice(-8));
    expect(tail.since(mark)).toBe("world!");
    expect(tail.since(mark, 3)).toBe("ld!");
    expect(tail.since(tail.mark())).toBe("");
  });

  it("never starts in the middle of a character", () => {
    const tail = new TailBuffer(3);
    tail.append("aé"); // 3 bytes
    tail.append("é"); // the tail's first byte is é's continuation byte
    expect(tail.tail(3)).toBe("é");
  });

  it("keeps nothing with a zero capacity but still counts", () => {
    const tail = new TailBuffer(0);
    tail.append("abc");
    expect(tail.tail()).toBe("");
    expect(tail.mark()).toBe(3);
  });
});
