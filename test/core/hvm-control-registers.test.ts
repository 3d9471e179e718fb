/** HVM control-register rules (cr-pinning-and-x86-facts 49-52; xen/arch/x86/hvm/hvm.c), including what guests cannot reach. */
import { describe, expect, it } from "vitest";
import { contextValid, validCr4Bits, writeCr0, writeCr3, writeCr4, writeEfer } from "../../core/reference/xen/hvm/control-registers";
import type { HvmRegisters } from "../../core/reference/xen/x86/vcpu";
import { bootedMachine } from "./xen-machine";

const machine = bootedMachine();
const hvm = { type: "hvm" as const, extraFeatures: [] };
const longMode = (): HvmRegisters => ({ cr0: 0x80010031n, cr3: 0x10010000n, cr4: 0x20n, efer: 0xd01n });
const CET = 1n << 23n;

describe("HVM control registers", () => {
  it("never offer CET to a guest, and refuse to clear WP while CET is set when the state has it anyway", () => {
    expect(validCr4Bits(machine, hvm) & CET).toBe(0n);
    const regs = { ...longMode(), cr4: 0x20n | CET };
    expect(writeCr0(machine, regs, 0x80000031n)).toBe("general-protection");
    expect(regs.cr0).toBe(0x80010031n);
  });

  it("computes LMA from LME and PG, and keeps a written LMA out", () => {
    const regs: HvmRegisters = { cr0: 0x10n, cr3: 0n, cr4: 0x20n, efer: 0n };
    expect(writeEfer(machine, hvm, regs, 0x500n)).toBe("ok");
    expect(regs.efer).toBe(0x100n);
    expect(writeCr0(machine, regs, 0x80000011n)).toBe("ok");
    expect(regs.efer).toBe(0x500n);
    expect(writeEfer(machine, hvm, regs, 0x0n)).toBe("general-protection");
  });

  it("refuses PCIDE with CR3[11:0] set and strips the no-flush bit once PCIDE is on", () => {
    expect(writeCr4(machine, hvm, { ...longMode(), cr3: 0x10010001n }, 0x20020n)).toBe("general-protection");
    const regs = longMode();
    expect(writeCr4(machine, hvm, regs, 0x20020n)).toBe("ok");
    expect(writeCr3(machine, regs, (1n << 63n) | 0x10011000n)).toBe("ok");
    expect(regs.cr3).toBe(0x10011000n);
  });

  it("judges toolstack contexts like hvm_load_cpu_ctxt()", () => {
    expect(contextValid(machine, hvm, longMode())).toBe(true);
    // CR0.PG without CR0.PE.
    expect(contextValid(machine, hvm, { ...longMode(), cr0: 0x80010030n })).toBe(false);
    // LMA without LME.
    expect(contextValid(machine, hvm, { ...longMode(), efer: 0x400n })).toBe(false);
  });
});
