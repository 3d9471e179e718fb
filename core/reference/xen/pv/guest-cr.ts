/**
 * MOV to/from control registers by a PV guest kernel, emulated by Xen
 * (emul-priv-op.c read_cr()/write_cr(); xen-pv-abi-facts C3, C5, S5): a
 * register Xen does not handle leaves the original #GP.
 */
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { cr4Abi, fieldMask, maskOf } from "../x86/abi";
import { x86State } from "../x86/domain-state";
import type { XenVcpu } from "../x86/vcpu";
import { xenCr0 } from "../x86/xen-registers";
import { frameOf } from "./flags";
import { newBaseptr } from "./base-pointers";
import { fixupGuestCr4 } from "./guest-cr4";
import { smapChoices } from "./hardware-cr4";

export type CrAccess = { kind: "ok"; value?: bigint } | { kind: "general-protection" };

const CR8 = 8;

/**
 * A 32-bit PV guest can name CR8 only as AMD's LOCK MOV CR0 form, which
 * Xen's emulator decodes as CR8 only for a domain with CR8_LEGACY and
 * otherwise answers with #UD, before any privilege check
 * (x86_decode_twobyte(), xen/arch/x86/x86_emulate/x86_emulate.c:2731-2740 in
 * Xen 4.17, decode.c:782-793 in 4.22; injected by pv_emulate_privileged_op(),
 * pv/emul-priv-op.c:1390-1392). No PV guest has CR8_LEGACY (tag `S`,
 * cpufeatureset.h:154), and an Intel CPU raises #UD for the LOCK prefix
 * itself. A 64-bit PV kernel's MOV CR8 (REX.R) reaches write_cr()/read_cr(),
 * which leave the #GP.
 */
export const pvCrUndefined = (domain: XenDomain, cr: number): boolean => domain.type === "pv32" && cr === CR8;

const OK: CrAccess = { kind: "ok" };
const GP: CrAccess = { kind: "general-protection" };
const MASK32 = (1n << 32n) - 1n;

/** compat_pfn_to_cr3(): a 32-bit PV CR3 carries frame bits 20 and up in its low bits. */
const compatPfnToCr3 = (pfn: bigint): bigint => ((pfn << 12n) | (pfn >> 20n)) & MASK32;
const compatCr3ToPfn = (cr3: bigint): bigint => (((cr3 & MASK32) >> 12n) | ((cr3 & MASK32) << 20n)) & MASK32;

export function pvCr0(machine: XenMachine, vcpu: XenVcpu): bigint {
  const ts = maskOf(machine, "cr0", cr4Abi(machine).pvCr0GuestWritable);
  return (xenCr0(machine) & ~ts) | (vcpu.pv.ts ? ts : 0n);
}

export function pvCr3(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu): bigint {
  if (domain.type === "pv32") return compatPfnToCr3(frameOf(machine, vcpu.pv.compatL4Slot0));
  return (vcpu.pv.baseptr ?? 0n) << 12n;
}

export function pvReadCr(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, cr: number): CrAccess {
  switch (cr) {
    case 0:
      return { kind: "ok", value: pvCr0(machine, vcpu) };
    case 2:
      return { kind: "ok", value: vcpu.cr2 };
    case 3:
      return { kind: "ok", value: pvCr3(machine, domain, vcpu) };
    case 4:
      return { kind: "ok", value: vcpu.pv.cr4 };
    default:
      return GP;
  }
}

export function pvWriteCr(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, cr: number, value: bigint): CrAccess {
  switch (cr) {
    case 0: {
      const writable = maskOf(machine, "cr0", cr4Abi(machine).pvCr0GuestWritable);
      if (((value ^ xenCr0(machine)) & ~writable) !== 0n) {
        if (machine.debugBuild) machine.print({ msg: "cr0-unmodifiable" });
        return GP;
      }
      vcpu.pv.ts = (value & writable) !== 0n;
      return OK;
    }
    case 2:
      vcpu.cr2 = value;
      return OK;
    case 3: {
      // A frame the domain does not own fails MMUEXT_NEW_BASEPTR's checks (EINVAL), hence #GP.
      const frame = domain.type === "pv32" ? compatCr3ToPfn(value) : value >> 12n;
      const mm = { machine, domain, state: x86State(domain) };
      return newBaseptr(mm, vcpu, frame) === "ok" ? OK : GP;
    }
    case 4: {
      const smap = fieldMask(machine, "cr4", "SMAP");
      if (smapChoices(machine).smapAwareness && domain.type === "pv32" && (value & smap) !== 0n) x86State(domain).smapAware = true;
      vcpu.pv.cr4 = fixupGuestCr4(machine, domain, value);
      return OK;
    }
    default:
      return GP;
  }
}
