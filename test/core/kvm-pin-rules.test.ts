/** The revisions' pin rules, which every crpin case depends on, on a few hand-checked values. */
import { describe, expect, it } from "vitest";
import { forcePins, restorePinned, violatesPins } from "../../core/reference/kvm/crpin/pin-rules";

const SMEP = 0x100000n;
const SMAP = 0x200000n;
const UMIP = 0x800n;
const ALLOWED = SMEP | SMAP | UMIP;
const pins = (pin: bigint, pinLow = 0n) => ({ pin, pinLow });

describe("violatesPins", () => {
  it("rfc-v1 freezes pinned bits in both directions and ignores the rest", () => {
    expect(violatesPins("freeze", pins(SMEP), ALLOWED, 0x6a0n, SMEP | 0x6a0n)).toBe(true);
    expect(violatesPins("freeze", pins(SMEP), ALLOWED, SMEP, 0n)).toBe(true);
    expect(violatesPins("freeze", pins(SMEP), ALLOWED, 0x20n, 0x6a0n)).toBe(false);
    expect(violatesPins("freeze", pins(SMEP), ALLOWED, SMEP | SMAP, SMEP)).toBe(false);
  });

  it("rfc-v2 is inert at 0 and otherwise fixes every allowed bit to the pin", () => {
    expect(violatesPins("fix-allowed", pins(0n), ALLOWED, 0n, ALLOWED)).toBe(false);
    expect(violatesPins("fix-allowed", pins(SMEP), ALLOWED, SMEP | SMAP, SMEP)).toBe(true);
    expect(violatesPins("fix-allowed", pins(SMEP), ALLOWED, SMEP | 0x6a0n, 0n)).toBe(false);
    expect(violatesPins("fix-allowed", pins(SMEP | UMIP), ALLOWED, SMEP, SMEP | UMIP)).toBe(true);
  });

  it("v3 wants the high pin set and the low pin clear, whatever the current value", () => {
    expect(violatesPins("ones-zeros", pins(SMEP, SMAP), ALLOWED, SMEP | UMIP, 0n)).toBe(false);
    expect(violatesPins("ones-zeros", pins(SMEP, SMAP), ALLOWED, SMEP | SMAP, SMEP | SMAP)).toBe(true);
    expect(violatesPins("ones-zeros", pins(SMEP, SMAP), ALLOWED, UMIP, SMEP)).toBe(true);
  });
});

describe("fix-ups", () => {
  it("restore_pinned sets pinned bits and clears allowed-but-unpinned ones only", () => {
    expect(restorePinned(SMAP | UMIP | 0x6a0n, ALLOWED, SMEP)).toBe(SMEP | 0x6a0n);
    expect(restorePinned(0xffffn, 0x10000n, 0x10000n)).toBe(0x1ffffn);
  });

  it("v3's nested VM-exit forcing ORs the high pin and clears the low pin", () => {
    expect(forcePins(SMAP | 0x20n, pins(SMEP, SMAP))).toBe(SMEP | 0x20n);
  });
});
