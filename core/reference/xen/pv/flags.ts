/**
 * PV page-table-entry flags: which flags Xen refuses per level (P3-P5),
 * what it adds to the entries it installs (P9, P10), and the 24-bit flag
 * word it prints (P1). Parameterised by the profile's PTE choices.
 */
import type { PteChoices } from "../../../../spec/types/generated";
import { profileChoices } from "../../../../spec";
import { bit } from "../../../hex";
import { layout } from "../../../x86/layouts";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { maskOf, pteAbi } from "../x86/abi";
import { cpuFeature } from "../x86/host";

export type Level = 1 | 2 | 3 | 4;

export const pteChoices = (machine: XenMachine): PteChoices => profileChoices<PteChoices>(machine.spec, "pte", machine.profile);

/** PTE bits that are flags (get_pte_flags() keeps them): 0-11 and 52-63. */
export function flagBits(machine: XenMachine): bigint {
  const { lowBits, highShift } = pteAbi(machine).flagEncoding;
  const low = (1n << BigInt(lowBits)) - 1n;
  return low | (low << BigInt(lowBits + highShift));
}

/** get_pte_flags(): the 24-bit flag word of an entry. */
export function flagWord(machine: XenMachine, entry: bigint): bigint {
  const { lowBits, highShift } = pteAbi(machine).flagEncoding;
  const low = (1n << BigInt(lowBits)) - 1n;
  return (entry & low) | ((entry >> BigInt(highShift)) & (low << BigInt(lowBits)));
}

export const pteMask = (machine: XenMachine, names: readonly string[]): bigint => maskOf(machine, "pte", names);
export const pteField = (machine: XenMachine, name: string): bigint => layout(machine.spec, "pte").mask(name);
export const frameOf = (machine: XenMachine, entry: bigint): bigint => (entry & pteField(machine, "FRAME")) >> 12n;
export const isPresent = (machine: XenMachine, entry: bigint): boolean => (entry & pteField(machine, "P")) !== 0n;

/** Xen reserves _PAGE_GNTTAB in L1 entries: in debug builds (merged Xen) or with CONFIG_PV_PTE_DEBUG (seed 002). */
export function gnttabBitReserved(machine: XenMachine): boolean {
  return pteChoices(machine).gnttabBitGate === "debug-build" ? machine.debugBuild : machine.kconfig("PV_PTE_DEBUG");
}

/** Xen marks 64-bit PV kernel mappings with _PAGE_GUEST_KERNEL: always (merged Xen) or with CONFIG_PV_PTE_DEBUG. */
export function guestKernelBitUsed(machine: XenMachine): boolean {
  return pteChoices(machine).guestKernelBitGate === "always" || machine.kconfig("PV_PTE_DEBUG");
}

export const gnttabBit = (machine: XenMachine): bigint => bit(pteAbi(machine).xenBits.GNTTAB);
export const guestKernelBit = (machine: XenMachine): bigint => bit(pteAbi(machine).xenBits.GUEST_KERNEL);

/** base_disallow_mask: every flag outside the guest flags (NX too when the CPU lacks it). */
function baseDisallowed(machine: XenMachine): bigint {
  const abi = pteAbi(machine);
  let allowed = pteMask(machine, abi.guestFlags);
  if (!cpuFeature(machine, "nx")) allowed &= ~pteField(machine, "NX");
  return flagBits(machine) & ~allowed;
}

/** The flags a present level-`level` entry of `domain` must not carry. */
export function disallowedFlags(machine: XenMachine, domain: XenDomain, level: Level): bigint {
  const abi = pteAbi(machine);
  switch (level) {
    case 1: {
      let mask = baseDisallowed(machine) & ~pteMask(machine, abi.l1AlsoAllowed);
      if (gnttabBitReserved(machine)) mask |= gnttabBit(machine);
      // cache_flush_permitted(): domains with I/O resources choose their own cache attributes.
      if (domain.ioResources) mask &= ~pteMask(machine, abi.cacheAttributes);
      return mask;
    }
    case 3:
      return domain.type === "pv32" ? flagBits(machine) & ~pteMask(machine, abi.pv32L3Allowed) : baseDisallowed(machine);
    default:
      return baseDisallowed(machine);
  }
}

/** The flags a guest may change in a present entry without Xen taking new references (FASTPATH_FLAG_WHITELIST). */
export const fastPathFlags = (machine: XenMachine): bigint => pteMask(machine, pteAbi(machine).fastPathFlags);

export interface AdjustedEntry {
  entry: bigint;
  /** The guest supplied _PAGE_GUEST_KERNEL together with GLOBAL (a debug build logs it). */
  globalKernelWarning: boolean;
}

/**
 * adjust_guest_l1e() for a 64-bit PV guest (P9, or the seed's reading): a
 * mapping without U/S, or one marked with bit 52 while Xen uses that bit, is a
 * kernel mapping (U/S set, bit 52 set, GLOBAL kept or cleared per profile);
 * any other gets GLOBAL.
 */
function adjustPv64L1(machine: XenMachine, entry: bigint): AdjustedEntry {
  const user = pteField(machine, "US");
  const global = pteField(machine, "G");
  const marker = guestKernelBit(machine);
  const markerUsed = guestKernelBitUsed(machine);
  const marked = markerUsed && (entry & marker) !== 0n;
  const globalKernelWarning = marked && (entry & global) !== 0n;
  const kernel = (entry & user) === 0n || marked;
  let adjusted = entry | user;
  if (kernel) {
    if (markerUsed) adjusted |= marker;
    if (pteChoices(machine).kernelMappingGlobal === "cleared") adjusted &= ~global;
  } else {
    adjusted |= global;
  }
  return { entry: adjusted, globalKernelWarning };
}

/**
 * adjust_guest_l[1-4]e(): what Xen adds to a present entry a PV domain installs (P9, P10). The core only
 * calls it for present entries; a non-present one is returned as it is, as in Xen.
 */
export function adjustEntry(machine: XenMachine, domain: XenDomain, level: Level, entry: bigint): AdjustedEntry {
  if (!isPresent(machine, entry)) return { entry, globalKernelWarning: false };
  if (level === 1 && domain.type === "pv64") return adjustPv64L1(machine, entry);
  const added = pteAbi(machine).adjust[domain.type as "pv64" | "pv32"][`l${level}`];
  return { entry: entry | pteMask(machine, added), globalKernelWarning: false };
}

/** unadjust_guest_l3e(): what a failed 32-bit PV L3 promotion strips again. */
export function unadjustPv32L3(machine: XenMachine, entry: bigint): bigint {
  if (!isPresent(machine, entry)) return entry;
  return entry & ~pteMask(machine, pteAbi(machine).pv32L3StrippedOnFailure);
}
