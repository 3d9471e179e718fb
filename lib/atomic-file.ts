/**
 * Writing a file whole or not at all: the text goes to a temporary file beside
 * the target, which is then renamed over it, so that a reader (or a run killed
 * half-way) never finds half a report. lib/ is neutral ground: every layer may
 * import it, and it imports nothing of hvabi.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes `text` to `path`, creating its folder. Text given in pieces is written
 * piece by piece, so a large document never has to exist as one string.
 */
export function writeFileAtomically(path: string, text: string | Iterable<string>): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  // Named after the target and the process: two files written at once, or two processes, never share one.
  const temporary = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  if (typeof text === "string") writeFileSync(temporary, text);
  else {
    const fd = openSync(temporary, "w");
    try {
      for (const piece of text) writeSync(fd, piece);
    } finally {
      closeSync(fd);
    }
  }
  renameSync(temporary, path);
}
