/**
 * At most two QEMUs on this machine at once, whichever processes start them (two hvabi runs,
 * a test run beside a CI job): each boot holds a slot, a file created exclusively in a shared
 * directory and naming the process that holds it. A slot whose process has died is taken over,
 * so a killed run never blocks the next one.
 *
 * The directory is ${HVABI_QEMU_SLOT_DIR:-<tmpdir>/hvabi-qemu-slots}; the number of slots is the
 * caller's (qemu.ts: two, for two cores).
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const POLL_MS = 50;

export function slotDirectory(): string {
  return process.env.HVABI_QEMU_SLOT_DIR ?? join(tmpdir(), "hvabi-qemu-slots");
}

/** Whether a process of this pid exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid a slot file names, or undefined when it names none (being written, or damaged). */
function holder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const held = new Set<string>();
let exitCleanup = false;

function tryTake(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o644);
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const pid = holder(path);
  // A file naming no pid may be one being written this instant: it is left to its writer.
  if (pid !== undefined && !alive(pid)) {
    try {
      unlinkSync(path);
    } catch {
      // Another process took it over first.
    }
  }
  return false;
}

/** Takes one of `slots` machine-wide slots, waiting as long as needed; undefined when the signal aborts the wait. */
export async function takeMachineSlot(slots: number, signal?: AbortSignal): Promise<string | undefined> {
  const directory = slotDirectory();
  mkdirSync(directory, { recursive: true, mode: 0o1777 });
  if (!exitCleanup) {
    exitCleanup = true;
    process.on("exit", () => {
      for (const path of held) releaseMachineSlot(path);
    });
  }
  for (;;) {
    if (signal?.aborted) return undefined;
    for (let slot = 0; slot < slots; slot++) {
      const path = join(directory, `slot-${slot}`);
      if (tryTake(path)) return path;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, POLL_MS));
  }
}

export function releaseMachineSlot(path: string): void {
  held.delete(path);
  try {
    // Only our own: a slot taken over after this process was thought dead is not ours to remove.
    if (holder(path) === process.pid) unlinkSync(path);
  } catch {
    // Already gone.
  }
}
