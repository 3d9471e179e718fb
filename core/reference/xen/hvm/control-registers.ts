/**
 * An HVM guest's control registers and EFER (xen/arch/x86/hvm/hvm.c
 * hvm_set_cr0/cr3/cr4(), hvm_set_efer(), hvm_load_cpu_ctxt(); the
 * architectural rules of cr-pinning-and-x86-facts 49-54). The guest's valid
 * CR4 bits follow its CPUID policy.
 */
import type { XenMachine } from "../machine";
import { cr4Abi, fieldMask, maskOf } from "../x86/abi";
import { domainHasAny, type PolicySubject } from "../x86/cpu-policy";
import { maxPhysAddr } from "../x86/host";
import type { HvmRegisters } from "../x86/vcpu";

export type HvmWrite = "ok" | "general-protection";

const UPPER_HALF = ~((1n << 32n) - 1n) & ((1n << 64n) - 1n);
const CR3_LOW_BITS = (1n << 12n) - 1n;

const cr0 = (machine: XenMachine, name: string): bigint => fieldMask(machine, "cr0", name);
const cr4 = (machine: XenMachine, name: string): bigint => fieldMask(machine, "cr4", name);
const efer = (machine: XenMachine, name: string): bigint => fieldMask(machine, "efer", name);

/** hvm_cr4_guest_valid_bits(). */
export function validCr4Bits(machine: XenMachine, subject: PolicySubject): bigint {
  const valid = cr4Abi(machine).hvmCr4Valid.filter((entry) => domainHasAny(machine, subject, entry.anyFeature));
  return maskOf(machine, "cr4", valid.map((entry) => entry.bit));
}

/** hvm_efer_valid(). `pagingOn` is CR0.PG, needed to judge LMA. */
function eferValid(machine: XenMachine, subject: PolicySubject, value: bigint, pagingOn: boolean): boolean {
  const gated = cr4Abi(machine).hvmEferValid;
  // Bits Xen does not know, and bits whose feature the policy lacks.
  if ((value & ~maskOf(machine, "efer", gated.map((entry) => entry.bit))) !== 0n) return false;
  if (gated.some((entry) => (value & efer(machine, entry.bit)) !== 0n && !domainHasAny(machine, subject, entry.anyFeature))) return false;
  // LMA needs LME and CR0.PG.
  return (value & efer(machine, "LMA")) === 0n || ((value & efer(machine, "LME")) !== 0n && pagingOn);
}

export const longModeActive = (machine: XenMachine, regs: HvmRegisters): boolean => (regs.efer & efer(machine, "LMA")) !== 0n;
export const pagingEnabled = (machine: XenMachine, regs: HvmRegisters): boolean => (regs.cr0 & cr0(machine, "PG")) !== 0n;

/**
 * MOV to CR0. NW without CD is #GP(0) as the architecture and KVM have it
 * (fact 49); Xen intercepts the write and its hvm_set_cr0() lacks that check,
 * so on real Xen the next VM entry fails instead (CR4-HVM-CR0's note). With
 * EFER.LMA the model's guest runs 64-bit code, so PG cannot be cleared.
 */
export function writeCr0(machine: XenMachine, regs: HvmRegisters, value: bigint): HvmWrite {
  if ((value & UPPER_HALF) !== 0n) return "general-protection";
  if ((value & cr0(machine, "NW")) !== 0n && (value & cr0(machine, "CD")) === 0n) return "general-protection";
  const next = (value & maskOf(machine, "cr0", cr4Abi(machine).hvmCr0Known)) | cr0(machine, "ET");
  const pg = cr0(machine, "PG");
  if ((next & pg) !== 0n && (next & cr0(machine, "PE")) === 0n) return "general-protection";
  // CET is offered to no HVM guest (CR4-HVM-CET), so no guest state reaches this; kept for a state that has CET anyway.
  if ((next & cr0(machine, "WP")) === 0n && (regs.cr4 & cr4(machine, "CET")) !== 0n) return "general-protection";
  const wasOn = (regs.cr0 & pg) !== 0n;
  const turnsOn = (next & pg) !== 0n;
  let nextEfer = regs.efer;
  if (turnsOn && !wasOn && (regs.efer & efer(machine, "LME")) !== 0n) {
    if ((regs.cr4 & cr4(machine, "PAE")) === 0n) return "general-protection";
    nextEfer |= efer(machine, "LMA");
  } else if (!turnsOn && wasOn) {
    // EFER.LMA implies LME (writeEfer and contextValid keep it so); leaving long mode is refused, so LMA is already clear below.
    if (longModeActive(machine, regs)) return "general-protection";
    if ((regs.cr4 & cr4(machine, "PCIDE")) !== 0n) return "general-protection";
  }
  regs.cr0 = next;
  regs.efer = nextEfer;
  return "ok";
}

export function writeCr4(machine: XenMachine, subject: PolicySubject, regs: HvmRegisters, value: bigint): HvmWrite {
  if ((value & ~validCr4Bits(machine, subject)) !== 0n) return "general-protection";
  if ((value & cr4(machine, "PAE")) === 0n && longModeActive(machine, regs)) return "general-protection";
  // CET with CR0.WP clear would fault too, but CET is outside every HVM guest's valid set (CR4-HVM-CET).
  const pcide = cr4(machine, "PCIDE");
  if ((value & pcide) !== 0n && (regs.cr4 & pcide) === 0n && (!longModeActive(machine, regs) || (regs.cr3 & CR3_LOW_BITS) !== 0n)) {
    return "general-protection";
  }
  regs.cr4 = value;
  return "ok";
}

/** MOV to CR3: with PCIDE, bit 63 only asks to keep the TLB and is not stored; bits at or above MAXPHYADDR fault. */
export function writeCr3(machine: XenMachine, regs: HvmRegisters, value: bigint): HvmWrite {
  let next = value;
  if ((regs.cr4 & cr4(machine, "PCIDE")) !== 0n) next &= ~fieldMask(machine, "cr3", "NOFLUSH");
  if (next >> BigInt(maxPhysAddr(machine)) !== 0n) return "general-protection";
  regs.cr3 = next;
  return "ok";
}

/** WRMSR to EFER: LMA is Xen's to compute; LME cannot change while paging is on. */
export function writeEfer(machine: XenMachine, subject: PolicySubject, regs: HvmRegisters, value: bigint): HvmWrite {
  const lma = efer(machine, "LMA");
  const requested = value & ~lma;
  if (!eferValid(machine, subject, requested, pagingEnabled(machine, regs))) return "general-protection";
  if (((requested ^ regs.efer) & efer(machine, "LME")) !== 0n && pagingEnabled(machine, regs)) return "general-protection";
  regs.efer = requested | (regs.efer & lma);
  return "ok";
}

/** hvm_load_cpu_ctxt()'s checks of a context the toolstack supplies. */
export function contextValid(machine: XenMachine, subject: PolicySubject, regs: HvmRegisters): boolean {
  const known = maskOf(machine, "cr0", cr4Abi(machine).hvmCr0Known);
  // CR0 has reserved bits, lacks ET, or sets PG without PE.
  if ((regs.cr0 & ~known) !== 0n) return false;
  if ((regs.cr0 & cr0(machine, "ET")) === 0n) return false;
  if ((regs.cr0 & cr0(machine, "PG")) !== 0n && (regs.cr0 & cr0(machine, "PE")) === 0n) return false;
  // CR4 has bits the guest may not set.
  if ((regs.cr4 & ~validCr4Bits(machine, subject)) !== 0n) return false;
  return eferValid(machine, subject, regs.efer, pagingEnabled(machine, regs));
}
