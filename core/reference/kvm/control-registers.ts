/**
 * The guest's write paths to CR0, CR4 and EFER, as KVM's kvm_set_cr0(),
 * kvm_set_cr4() and set_efer() implement them (cr-pinning-and-x86-facts
 * section D), with the pin check where the revisions put it. Every refusal is
 * #GP(0) with nothing changed, so the order of the checks is not observable.
 */
import type { CrPinning } from "./pinning";
import { reservedBits, type KvmRules } from "./rules";
import type { Vcpu } from "./vcpu";

const HIGH_HALF = 0xffff_ffff_0000_0000n;
const LOW_HALF = 0xffff_ffffn;
const CR3_PCID_BITS = 0xfffn;

export interface CrWriter {
  readonly rules: KvmRules;
  readonly pinning: CrPinning;
  hasFeature(name: string): boolean;
}

/** MOV to CRn outside 64-bit mode has a 32-bit operand. */
export function movOperand(vcpu: Vcpu, value: bigint): bigint {
  return vcpu.in64BitMode ? value : value & LOW_HALF;
}

const set = (value: bigint, mask: bigint): boolean => (value & mask) !== 0n;

/** kvm_set_cr0(): true when the write took effect. */
export function guestWriteCr0(writer: CrWriter, vcpu: Vcpu, value: bigint): boolean {
  const { cr0, cr4, efer } = writer.rules;
  if ((value & HIGH_HALF) !== 0n) return false;
  const next = (value | writer.rules.cr0Forced) & writer.rules.cr0Defined;
  if (set(next, cr0.mask("NW")) && !set(next, cr0.mask("CD"))) return false;
  if (set(next, cr0.mask("PG")) && !set(next, cr0.mask("PE"))) return false;
  if (writer.pinning.refusesGuestWrite(vcpu, "cr0", next, vcpu.cr0)) return false;

  const longModeEnabled = set(vcpu.efer, efer.mask("LME"));
  const enablingPaging = !vcpu.paging && set(next, cr0.mask("PG"));
  if (enablingPaging && longModeEnabled && (!set(vcpu.cr4, cr4.mask("PAE")) || vcpu.cs64)) return false;
  if (!set(next, cr0.mask("PG")) && (vcpu.in64BitMode || set(vcpu.cr4, cr4.mask("PCIDE")))) return false;
  if (!set(next, cr0.mask("WP")) && set(vcpu.cr4, cr4.mask("CET"))) return false;

  vcpu.cr0 = next;
  // With EFER.LME set, LMA follows CR0.PG (it already agrees when PG does not change).
  if (longModeEnabled) vcpu.efer = vcpu.paging ? vcpu.efer | efer.mask("LMA") : vcpu.efer & ~efer.mask("LMA");
  return true;
}

/** kvm_set_cr4(): true when the write took effect. */
export function guestWriteCr4(writer: CrWriter, vcpu: Vcpu, value: bigint): boolean {
  const { cr0, cr4 } = writer.rules;
  if (reservedBits(value, writer.rules.cr4Known, writer.rules.cr4Gated, (f) => writer.hasFeature(f)) !== 0n) return false;
  if (writer.pinning.refusesGuestWrite(vcpu, "cr4", value, vcpu.cr4)) return false;

  if (vcpu.longModeActive) {
    if (!set(value, cr4.mask("PAE"))) return false;
    if (set(value ^ vcpu.cr4, cr4.mask("LA57"))) return false;
  }
  const enablingPcid = set(value, cr4.mask("PCIDE")) && !set(vcpu.cr4, cr4.mask("PCIDE"));
  if (enablingPcid && ((vcpu.cr3 & CR3_PCID_BITS) !== 0n || !vcpu.longModeActive)) return false;
  if (set(value, cr4.mask("CET")) && !set(vcpu.cr0, cr0.mask("WP"))) return false;

  vcpu.cr4 = value;
  return true;
}

/** set_efer() for a guest WRMSR (and RSM's reload): true when the write took effect. LMA is read-only. */
export function guestWriteEfer(writer: CrWriter, vcpu: Vcpu, value: bigint): boolean {
  const { efer } = writer.rules;
  if (reservedBits(value, writer.rules.eferKnown, writer.rules.eferGated, (f) => writer.hasFeature(f)) !== 0n) return false;
  if (vcpu.paging && set(value ^ vcpu.efer, efer.mask("LME"))) return false;
  vcpu.efer = (value & ~efer.mask("LMA")) | (vcpu.efer & efer.mask("LMA"));
  return true;
}

/** LMSW: only PE/MP/EM/TS change, and PE can be set but not cleared (cr-pinning-and-x86-facts 50). */
export function lmswValue(rules: KvmRules, cr0Now: bigint, operand: number): bigint {
  const pe = rules.cr0.mask("PE");
  return (cr0Now & ~(rules.lmswMask & ~pe)) | (BigInt(operand) & rules.lmswMask);
}
