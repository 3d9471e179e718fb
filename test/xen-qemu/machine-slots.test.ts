/**
 * Machine-wide QEMU slots (core/xen-qemu/machine-slots.ts): two runs side by side start no more
 * than two QEMUs between them, and a run killed while holding a slot does not block the next.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { releaseMachineSlot, takeMachineSlot } from "../../core/xen-qemu/machine-slots";

let dir = "";
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hvabi-slots-test-"));
  process.env.HVABI_QEMU_SLOT_DIR = dir;
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  delete process.env.HVABI_QEMU_SLOT_DIR;
  rmSync(dir, { recursive: true, force: true });
});

/** Another process holding a slot, as another hvabi run would. */
function heldByOther(slot: number): ChildProcess {
  const other = spawn("sleep", ["30"], { stdio: "ignore" });
  children.push(other);
  writeFileSync(join(dir, `slot-${slot}`), `${other.pid}\n`);
  return other;
}

describe("machine-wide QEMU slots", () => {
  it("waits while other processes hold both slots, and takes the one they free", async () => {
    heldByOther(0);
    heldByOther(1);
    let taken: string | undefined;
    const waiting = takeMachineSlot(2).then((path) => (taken = path));
    await new Promise((r) => setTimeout(r, 300));
    expect(taken).toBeUndefined();
    rmSync(join(dir, "slot-1"));
    await waiting;
    expect(taken).toBe(join(dir, "slot-1"));
    expect(readFileSync(taken!, "utf8").trim()).toBe(String(process.pid));
    releaseMachineSlot(taken!);
    expect(existsSync(taken!)).toBe(false);
  });

  it("takes over a slot whose process has died", async () => {
    const dead = spawn("true", { stdio: "ignore" });
    await new Promise((r) => dead.on("exit", r));
    writeFileSync(join(dir, "slot-0"), `${dead.pid}\n`);
    heldByOther(1);
    const path = await takeMachineSlot(2);
    expect(path).toBe(join(dir, "slot-0"));
    releaseMachineSlot(path!);
  });

  it("gives up when the wait is aborted", async () => {
    heldByOther(0);
    const controller = new AbortController();
    const waiting = takeMachineSlot(1, controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await waiting).toBeUndefined();
  });

  it("releases only a slot this process holds", async () => {
    const other = heldByOther(0);
    releaseMachineSlot(join(dir, "slot-0"));
    expect(readFileSync(join(dir, "slot-0"), "utf8").trim()).toBe(String(other.pid));
  });
});
