/**
 * Page types and their validation (xen/arch/x86/mm.c): get_page_type() with
 * promotion of page tables, put_page_type() with demotion, and the
 * get_page_from_lNe() checks every present entry goes through
 * (xen-pv-abi-facts P3-P8, F4).
 */
import type { Errno, PtshareChoices } from "../../../../spec/types/generated";
import { profileChoices } from "../../../../spec";
import { layout } from "../../../x86/layouts";
import { CaseModelError } from "../../model-error";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { pteAbi } from "../x86/abi";
import type { X86DomainState } from "../x86/domain-state";
import { allOnesFrame, frameOwner, iomemPermitted, isRam, readWord, WORDS_PER_PAGE, writeWord } from "../x86/memory";
import {
  adjustEntry,
  disallowedFlags,
  flagWord,
  frameOf,
  isPresent,
  pteField,
  pteChoices,
  pteMask,
  unadjustPv32L3,
  type Level,
} from "./flags";
import { hexFormat } from "../printk";
import { isPageTable, PAGE_TABLE_LEVEL, type PageType } from "./page-types";

export type PvRc = "ok" | Errno;

/** The domain whose page tables an operation works on. */
export interface PvMemory {
  machine: XenMachine;
  domain: XenDomain;
  state: X86DomainState;
}

const CHILD_TYPE: Readonly<Record<2 | 3 | 4, PageType>> = { 2: "l1", 3: "l2", 4: "l3" };

/** A 32-bit PV L3 must sit below 4 GiB unless the guest enabled extended CR3 (a VM assist the model does not have). */
const PV32_L3_FRAME_LIMIT = 1n << 20n;

const read = (mm: PvMemory, frame: bigint, index: number): bigint => readWord(mm.domain, frame, index);
const write = (mm: PvMemory, frame: bigint, index: number, value: bigint): void => writeWord(mm.domain, frame, index, value);

export const ptshareChoices = (machine: XenMachine): PtshareChoices =>
  profileChoices<PtshareChoices>(machine.spec, "ptshare", machine.profile);

/** The first slot of the slot-3 L2 of a 32-bit PV guest that belongs to Xen (COMPAT_L2_PAGETABLE_FIRST_XEN_SLOT). */
export function firstXenL2Slot(machine: XenMachine): number {
  const start = BigInt(pteAbi(machine).slots.compatHypervisorStart);
  return Number((start >> 21n) & BigInt(WORDS_PER_PAGE - 1));
}

/** is_guest_l4_slot() for a 64-bit PV L4. */
export function isGuestL4Slot(machine: XenMachine, index: number): boolean {
  const { pv64XenL4First, pv64XenL4Last } = pteAbi(machine).slots;
  return index < pv64XenL4First || index > pv64XenL4Last;
}

/** Guest slots by ABI data, page type and domain type: the same for every table of a type, worked out once. */
const slotCache = new WeakMap<object, Map<string, readonly number[]>>();

/** The slots of a table of this type that hold guest entries (Xen's own slots are skipped). */
export function guestSlots(mm: PvMemory, type: Exclude<PageType, "writable">): readonly number[] {
  const abi = pteAbi(mm.machine);
  let byTableType = slotCache.get(abi);
  if (byTableType === undefined) slotCache.set(abi, (byTableType = new Map()));
  const key = `${type} ${mm.domain.type}`;
  let slots = byTableType.get(key);
  if (slots === undefined) {
    slots = slotsOf(mm, type);
    byTableType.set(key, slots);
  }
  return slots;
}

/** Every slot of a table. */
const ALL_SLOTS: readonly number[] = Array.from({ length: WORDS_PER_PAGE }, (_, i) => i);

/**
 * A 32-bit PV L3 counts as all guest slots: its promotion zeroes entries 4-511
 * and mmu_update refuses them, so they never hold anything.
 */
function slotsOf(mm: PvMemory, type: Exclude<PageType, "writable">): readonly number[] {
  switch (type) {
    case "l2-xen": {
      const firstXen = firstXenL2Slot(mm.machine);
      return ALL_SLOTS.filter((i) => i < firstXen);
    }
    case "l4":
      return ALL_SLOTS.filter((i) => isGuestL4Slot(mm.machine, i));
    default:
      return ALL_SLOTS;
  }
}

/** The flags check every present entry gets first (P3-P5): EINVAL, logged in debug builds. */
export function checkFlags(mm: PvMemory, level: Level, entry: bigint): PvRc {
  const bad = entry & disallowedFlags(mm.machine, mm.domain, level);
  if (bad === 0n) return "ok";
  if (mm.machine.debugBuild) {
    // L1 flags print with the profile's format (`%#x` or `%x`), L2-L4 flags always with `%x`.
    const alternate = level === 1 && pteChoices(mm.machine).badL1FlagsFormat === "%#x";
    mm.machine.print({ msg: "pte-bad-flags", level, flags: hexFormat(flagWord(mm.machine, bad), alternate) });
  }
  return "EINVAL";
}

/** adjust_guest_lNe(), printing the debug warning about a GLOBAL kernel mapping. */
export function adjustAndWarn(mm: PvMemory, level: Level, entry: bigint): bigint {
  const adjusted = adjustEntry(mm.machine, mm.domain, level, entry);
  if (adjusted.globalKernelWarning && mm.machine.debugBuild) {
    mm.machine.print({ msg: "pte-global-kernel", pfn: hexFormat(frameOf(mm.machine, entry), false) });
  }
  return adjusted.entry;
}

/**
 * A non-present entry with address bits can be L1TF-unsafe; on an affected CPU
 * Xen may shadow or crash the domain (P6), which the model does not cover.
 */
export function guardL1tf(mm: PvMemory, entry: bigint): void {
  if (mm.machine.config.cpu.vulnerable!.l1tf === true && (entry & pteField(mm.machine, "FRAME")) !== 0n) {
    throw new CaseModelError("a non-present PTE with address bits on an L1TF-vulnerable CPU: pv-l1tf shadowing (xen-pv-abi-facts P6) is not modelled");
  }
}

/**
 * The cache attributes Xen flips in a permitted MMIO mapping: a type that is
 * cacheable under XEN_MSR_PAT becomes UC (P8).
 */
function mmioCacheFlip(mm: PvMemory, entry: bigint): bigint {
  const abi = pteAbi(mm.machine);
  const pte = layout(mm.machine.spec, "pte");
  const patIndex = (entry: bigint): number =>
    ((entry & pte.mask("PS_PAT")) !== 0n ? 4 : 0) | ((entry & pte.mask("PCD")) !== 0n ? 2 : 0) | ((entry & pte.mask("PWT")) !== 0n ? 1 : 0);
  // XEN_MSR_PAT has all eight entries.
  if (abi.mmioUncachedTypes.includes(abi.xenPat[patIndex(entry)]!)) return 0n;
  const uc = abi.xenPat.indexOf("UC");
  const ucBits = (uc & 4 ? pte.mask("PS_PAT") : 0n) | (uc & 2 ? pte.mask("PCD") : 0n) | (uc & 1 ? pte.mask("PWT") : 0n);
  return (entry & pteMask(mm.machine, abi.cacheAttributes)) ^ ucBits;
}

/** get_page_from_l1e(): the frame checks of a present L1 entry (P8); returns the flags to flip on success. */
export function getFromL1e(mm: PvMemory, entry: bigint): { rc: PvRc; flip: bigint } {
  const flags = checkFlags(mm, 1, entry);
  if (flags !== "ok") return { rc: flags, flip: 0n };
  const frame = frameOf(mm.machine, entry);
  if (!isRam(mm.machine, frame)) {
    if (iomemPermitted(mm.machine, mm.domain, frame)) return { rc: "ok", flip: mmioCacheFlip(mm, entry) };
    return { rc: frame === allOnesFrame(mm.machine) ? "EINVAL" : "EPERM", flip: 0n };
  }
  if (frameOwner(mm.machine, frame) !== mm.domain) return { rc: "EBUSY", flip: 0n };
  if ((entry & pteField(mm.machine, "RW")) !== 0n && takeType(mm, frame, "writable") !== "ok") return { rc: "EBUSY", flip: 0n };
  return { rc: "ok", flip: 0n };
}

/** get_page_from_l[234]e(): flags, then a type reference on the next-level table (F4 sharing rules included). */
export function getFromHigher(mm: PvMemory, level: 2 | 3 | 4, entry: bigint): PvRc {
  const flags = checkFlags(mm, level, entry);
  if (flags !== "ok") return flags;
  const child = frameOf(mm.machine, entry);
  if (!mm.domain.owns(child)) return "EINVAL";
  const info = mm.state.frames.get(child);
  // A frame typed as a table of this very level (it has type references, or its type would be none):
  // a linear page table, except from a 32-bit PV L3, whose child then just fails to take the L2 type below.
  const childLevel = (PAGE_TABLE_LEVEL as Readonly<Record<string, number | undefined>>)[info.type];
  if (childLevel === level && !(level === 3 && mm.domain.type === "pv32")) {
    throw new CaseModelError(`an L${level} entry refers to an L${level} table (a linear page table): pv-linear-pt is not modelled`);
  }
  if (
    level === 3 &&
    mm.domain.type === "pv32" &&
    ptshareChoices(mm.machine).pv32L2Sharing === "refused" &&
    // A referenced child of another type fails the type check below with the same EINVAL.
    info.count - (info.pinned ? 1 : 0) > 0
  ) {
    return "EINVAL";
  }
  return takeType(mm, child, CHILD_TYPE[level]);
}

/** put_page_from_lNe(): drops what a present entry held. */
export function putFromEntry(mm: PvMemory, level: Level, entry: bigint): void {
  if (!isPresent(mm.machine, entry)) return;
  const frame = frameOf(mm.machine, entry);
  if (level > 1) {
    dropType(mm, frame);
    return;
  }
  // A writable mapping of RAM is always of the domain's own (get_page_from_l1e() refuses others).
  if ((entry & pteField(mm.machine, "RW")) !== 0n && isRam(mm.machine, frame)) dropType(mm, frame);
}

/** get_page_type(): a type reference, validating the frame when it takes a page-table type afresh. */
export function takeType(mm: PvMemory, frame: bigint, type: PageType): PvRc {
  const info = mm.state.frames.get(frame);
  if (info.count === 0) {
    info.type = type;
    info.count = 1;
    if (!isPageTable(type)) return "ok";
    const rc = promote(mm, frame, type);
    if (rc !== "ok") {
      info.type = "none";
      info.count = 0;
    }
    return rc;
  }
  if (info.type !== type) return "EINVAL";
  info.count++;
  return "ok";
}

/** put_page_type(): drops a type reference; the last one of a page table releases what its entries held. */
export function dropType(mm: PvMemory, frame: bigint): void {
  const info = mm.state.frames.get(frame);
  info.count--;
  if (info.count > 0) return;
  const type = info.type;
  info.type = "none";
  info.pinned = false;
  if (isPageTable(type)) {
    const level = PAGE_TABLE_LEVEL[type] as Level;
    for (const index of guestSlots(mm, type)) putFromEntry(mm, level, read(mm, frame, index));
  }
}

/** Releases what the already validated entries before `upTo` hold (a failed promotion). */
function releaseValidated(mm: PvMemory, frame: bigint, level: Level, slots: readonly number[], upTo: number): void {
  for (const index of slots) {
    if (index >= upTo) break;
    putFromEntry(mm, level, read(mm, frame, index));
  }
}

function promote(mm: PvMemory, frame: bigint, type: Exclude<PageType, "writable">): PvRc {
  if (type === "l1") return promoteL1(mm, frame);
  if (type === "l3" && mm.domain.type === "pv32") return promotePv32L3(mm, frame);
  return promoteHigher(mm, frame, type);
}

/** promote_l1_table(): entries already adjusted stay adjusted when a later one fails. */
function promoteL1(mm: PvMemory, frame: bigint): PvRc {
  for (let index = 0; index < WORDS_PER_PAGE; index++) {
    const entry = read(mm, frame, index);
    if (!isPresent(mm.machine, entry)) {
      guardL1tf(mm, entry);
      continue;
    }
    const { rc, flip } = getFromL1e(mm, entry);
    if (rc !== "ok") {
      releaseValidated(mm, frame, 1, ALL_SLOTS, index);
      return rc;
    }
    write(mm, frame, index, adjustAndWarn(mm, 1, entry ^ flip));
  }
  return "ok";
}

/** promote_l2_table(), promote_l3_table() for 64-bit PV, promote_l4_table(). */
function promoteHigher(mm: PvMemory, frame: bigint, type: "l2" | "l2-xen" | "l3" | "l4"): PvRc {
  const level = PAGE_TABLE_LEVEL[type] as 2 | 3 | 4;
  const slots = guestSlots(mm, type);
  for (const index of slots) {
    const entry = read(mm, frame, index);
    if (!isPresent(mm.machine, entry)) {
      guardL1tf(mm, entry);
      continue;
    }
    const rc = getFromHigher(mm, level, entry);
    if (rc !== "ok") {
      releaseValidated(mm, frame, level, slots, index);
      return rc;
    }
    write(mm, frame, index, adjustAndWarn(mm, level, entry));
  }
  return "ok";
}

/**
 * promote_l3_table() for 32-bit PV (F4): entries 4-511 are zeroed; slot 3 must
 * hold an L2 that becomes Xen's (PGT_pae_xen_l2) and nothing else may use.
 */
function promotePv32L3(mm: PvMemory, frame: bigint): PvRc {
  if (frame >= PV32_L3_FRAME_LIMIT) {
    throw new CaseModelError("a 32-bit PV L3 above 4 GiB needs the pae_extended_cr3 VM assist, which is not modelled");
  }
  const { pv32L3GuestEntries, pv32L3XenL2Slot } = pteAbi(mm.machine).slots;
  for (let index = pv32L3GuestEntries; index < WORDS_PER_PAGE; index++) write(mm, frame, index, 0n);
  for (let index = 0; index < pv32L3GuestEntries; index++) {
    const entry = read(mm, frame, index);
    let rc: PvRc;
    if (index === pv32L3XenL2Slot) {
      rc = takeXenL2(mm, entry);
    } else if (!isPresent(mm.machine, entry)) {
      guardL1tf(mm, entry);
      continue;
    } else {
      rc = getFromHigher(mm, 3, entry);
    }
    if (rc !== "ok") {
      for (let done = 0; done < index; done++) {
        const validated = read(mm, frame, done);
        putFromEntry(mm, 3, validated);
        write(mm, frame, done, unadjustPv32L3(mm.machine, validated));
      }
      return rc;
    }
    write(mm, frame, index, adjustAndWarn(mm, 3, entry));
  }
  return "ok";
}

/** Slot 3 of a 32-bit PV L3: present, allowed flags, an L2 of this domain that becomes PGT_pae_xen_l2 with a single reference. */
function takeXenL2(mm: PvMemory, entry: bigint): PvRc {
  if (!isPresent(mm.machine, entry) || (entry & disallowedFlags(mm.machine, mm.domain, 3)) !== 0n) return "EINVAL";
  const child = frameOf(mm.machine, entry);
  if (!mm.domain.owns(child)) return "EINVAL";
  const rc = takeType(mm, child, "l2-xen");
  if (rc !== "ok") return rc;
  if (mm.state.frames.get(child).count !== 1) {
    if (mm.machine.debugBuild) mm.machine.print({ msg: "pae-l3-slot3-shared" });
    dropType(mm, child);
    return "EINVAL";
  }
  return "ok";
}
