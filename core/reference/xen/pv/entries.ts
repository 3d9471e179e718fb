/**
 * mod_l[1-4]_entry() (xen/arch/x86/mm.c; xen-pv-abi-facts P6, P7, P16):
 * one guest-requested update of a page-table entry: Xen's slots refused, the
 * flags checked, Xen's adjustments applied, references taken for the new
 * entry and dropped for the old one.
 */
import { pteAbi } from "../x86/abi";
import { readWord, writeWord } from "../x86/memory";
import { hexFormat } from "../printk";
import { fastPathFlags, flagBits, isPresent, pteField, pteMask, type Level } from "./flags";
import { PAGE_TABLE_LEVEL, type PageType } from "./page-types";
import {
  adjustAndWarn,
  checkFlags,
  firstXenL2Slot,
  getFromHigher,
  getFromL1e,
  guardL1tf,
  isGuestL4Slot,
  putFromEntry,
  type PvMemory,
  type PvRc,
} from "./validation";

/** l1e_has_changed(old, new, ~FASTPATH_FLAG_WHITELIST): the frame or a flag outside the whitelist differs. */
export function changesBeyondFastPath(mm: PvMemory, previous: bigint, next: bigint): boolean {
  const compared = pteField(mm.machine, "FRAME") | (flagBits(mm.machine) & ~fastPathFlags(mm.machine));
  return ((previous ^ next) & compared) !== 0n;
}

/** UPDATE_ENTRY(): with preserve_ad, the A and D bits already in the entry survive. */
function store(mm: PvMemory, frame: bigint, index: number, previous: bigint, next: bigint, preserveAd: boolean): void {
  const kept = preserveAd ? previous & pteMask(mm.machine, ["A", "D"]) : 0n;
  writeWord(mm.domain, frame, index, next | kept);
}

/** Xen's own slots of a table the guest may not update, and the errno it gets (with the debug log of mod_l2/l4_entry()). */
function xenSlotRefusal(mm: PvMemory, type: Exclude<PageType, "writable">, index: number): PvRc {
  const slot = (level: Level): void => {
    if (mm.machine.debugBuild) mm.machine.print({ msg: "pt-update-xen-slot", level, slot: hexFormat(BigInt(index), true) });
  };
  if (type === "l2-xen" && index >= firstXenL2Slot(mm.machine)) {
    slot(2);
    return "EPERM";
  }
  if (type === "l3" && mm.domain.type === "pv32" && index >= pteAbi(mm.machine).slots.pv32L3XenL2Slot) return "EINVAL";
  if (type === "l4" && !isGuestL4Slot(mm.machine, index)) {
    slot(4);
    return "EINVAL";
  }
  return "ok";
}

/** Updates entry `index` of the page table `frame` (typed `type`) to `value`. */
export function modEntry(
  mm: PvMemory,
  frame: bigint,
  type: Exclude<PageType, "writable">,
  index: number,
  value: bigint,
  preserveAd: boolean,
): PvRc {
  const level = PAGE_TABLE_LEVEL[type] as Level;
  const refused = xenSlotRefusal(mm, type, index);
  if (refused !== "ok") return refused;
  const previous = readWord(mm.domain, frame, index);
  if (!isPresent(mm.machine, value)) {
    guardL1tf(mm, value);
    store(mm, frame, index, previous, value, preserveAd);
    putFromEntry(mm, level, previous);
    return "ok";
  }
  const flags = checkFlags(mm, level, value);
  if (flags !== "ok") return flags;
  let next = adjustAndWarn(mm, level, value);
  if (!changesBeyondFastPath(mm, previous, next)) {
    store(mm, frame, index, previous, next, preserveAd);
    return "ok";
  }
  if (level === 1) {
    const { rc, flip } = getFromL1e(mm, next);
    if (rc !== "ok") return rc;
    next ^= flip;
  } else {
    const rc = getFromHigher(mm, level as 2 | 3 | 4, next);
    if (rc !== "ok") return rc;
  }
  store(mm, frame, index, previous, next, preserveAd);
  putFromEntry(mm, level, previous);
  return "ok";
}
