/**
 * The architectural 4-level (IA-32e) page walk and permission check
 * (cr-pinning-and-x86-facts 59-76): which access faults, with which #PF error
 * code, and which accessed/dirty bits a successful access sets. It has no TLB
 * and no side effects: the caller applies the returned A/D updates. A fault
 * sets nothing, as Xen's own walker does (guest_walk.c); a processor may set
 * A in the upper-level entries a faulting walk used (SDM Vol. 3A §4.8), so
 * cases check only the leaf (PTE-AD-BITS).
 */
import type { Spec } from "../../spec";
import { layout, type Layout } from "./layouts";

export type MemoryAccess = "read" | "write" | "fetch";

/** What CR0, CR4 and EFER (and the CPU's capabilities) say about paging, for the walking CPU. */
export interface PagingControls {
  /** CR0.WP: supervisor writes honour read-only pages. */
  writeProtect: boolean;
  smep: boolean;
  smap: boolean;
  pke: boolean;
  /** EFER.NXE: bit 63 is NX; without it bit 63 is reserved. */
  nxe: boolean;
  maxPhysAddr: number;
  /** PS is allowed in L3 entries (CPUID PAGE1GB). */
  page1gb: boolean;
  /** Bit 8 of an L4 entry is reserved (AMD and Hygon, fact 76). */
  pml4Bit8Reserved: boolean;
}

/** Who accesses: the privilege level, EFLAGS.AC and PKRU. */
export interface Accessor {
  cpl: 0 | 1 | 2 | 3;
  ac: boolean;
  pkru: bigint;
}

export interface PageTables {
  /** Entry `index` of the level-`level` table at `frame`. */
  read(level: number, frame: bigint, index: number): bigint;
}

export interface EntryUpdate {
  level: number;
  frame: bigint;
  index: number;
  value: bigint;
}

export type FaultCause = "not-present" | "reserved" | "protection";

export type WalkResult =
  | { kind: "ok"; frame: bigint; updates: EntryUpdate[] }
  | { kind: "page-fault"; errorCode: bigint; cause: FaultCause }
  | { kind: "non-canonical" };

const LEVELS = 4;
const INDEX_BITS = 9n;
const PAGE_SHIFT = 12n;
const ADDRESS_WIDTH = 52;

const bits = (low: number, high: number): bigint => ((1n << BigInt(high - low + 1)) - 1n) << BigInt(low);

/** IA-32e linear addresses have 48 significant bits; bits 63:47 must be copies of bit 47 (fact 69). */
export function isCanonical(address: bigint): boolean {
  const upper = address >> 47n;
  return upper === 0n || upper === (1n << 17n) - 1n;
}

export function tableIndex(address: bigint, level: number): number {
  return Number((address >> (PAGE_SHIFT + INDEX_BITS * BigInt(level - 1))) & ((1n << INDEX_BITS) - 1n));
}

interface Walker {
  pte: Layout;
  pfec: Layout;
}

function reservedBits(w: Walker, controls: PagingControls, level: number, entry: bigint): bigint {
  const { pte } = w;
  let reserved = bits(controls.maxPhysAddr, ADDRESS_WIDTH - 1);
  if (!controls.nxe) reserved |= pte.mask("NX");
  const largePage = (entry & pte.mask("PS_PAT")) !== 0n;
  if (level === 4) {
    reserved |= pte.mask("PS_PAT");
    if (controls.pml4Bit8Reserved) reserved |= pte.mask("G");
  } else if (level === 3 && largePage) {
    reserved |= controls.page1gb ? bits(13, 29) : pte.mask("PS_PAT");
  } else if (level === 2 && largePage) {
    reserved |= bits(13, 20);
  }
  return reserved;
}

function errorCode(w: Walker, controls: PagingControls, accessor: Accessor, access: MemoryAccess, cause: FaultCause, protectionKey: boolean): bigint {
  const { pfec } = w;
  let code = 0n;
  if (cause !== "not-present") code |= pfec.mask("P");
  if (access === "write") code |= pfec.mask("W");
  if (accessor.cpl === 3) code |= pfec.mask("U");
  if (cause === "reserved") code |= pfec.mask("RSVD");
  // I/D is reported only when NX or SMEP can make a fetch fail (fact 67).
  if (access === "fetch" && (controls.nxe || controls.smep)) code |= pfec.mask("ID");
  if (protectionKey) code |= pfec.mask("PK");
  return code;
}

/** PKRU says this access to a user page with `key` is refused (fact 64). */
function keyRefuses(controls: PagingControls, accessor: Accessor, access: MemoryAccess, key: bigint): boolean {
  const accessDisabled = ((accessor.pkru >> (2n * key)) & 1n) !== 0n;
  const writeDisabled = ((accessor.pkru >> (2n * key + 1n)) & 1n) !== 0n;
  if (accessDisabled) return true;
  return access === "write" && writeDisabled && (accessor.cpl === 3 || controls.writeProtect);
}

/** Walks `address` from the level-4 table at `root` and checks the access against the effective permissions. */
export function walk(
  spec: Spec,
  tables: PageTables,
  root: bigint,
  controls: PagingControls,
  accessor: Accessor,
  address: bigint,
  access: MemoryAccess,
): WalkResult {
  if (!isCanonical(address)) return { kind: "non-canonical" };
  const w: Walker = { pte: layout(spec, "pte"), pfec: layout(spec, "pfec") };
  const { pte } = w;
  const fault = (cause: FaultCause, protectionKey = false): WalkResult => ({
    kind: "page-fault",
    cause,
    errorCode: errorCode(w, controls, accessor, access, cause, protectionKey),
  });

  const visited: { level: number; frame: bigint; index: number; entry: bigint }[] = [];
  let writable = true;
  let user = true;
  let noExecute = false;
  let frame = root;
  let target: bigint | undefined;
  // Level 1 always ends the walk (a translation or a fault), so the level never drops below 1.
  for (let level = LEVELS; target === undefined; level--) {
    const index = tableIndex(address, level);
    const entry = tables.read(level, frame, index);
    if ((entry & pte.mask("P")) === 0n) return fault("not-present");
    if ((entry & reservedBits(w, controls, level, entry)) !== 0n) return fault("reserved");
    visited.push({ level, frame, index, entry });
    writable &&= (entry & pte.mask("RW")) !== 0n;
    user &&= (entry & pte.mask("US")) !== 0n;
    noExecute ||= controls.nxe && (entry & pte.mask("NX")) !== 0n;
    const next = (entry & pte.mask("FRAME")) >> PAGE_SHIFT;
    // PS in an L4 entry is reserved (refused above); in an L1 entry bit 7 is PAT, and level 1 ends the walk anyway.
    const largePage = (entry & pte.mask("PS_PAT")) !== 0n;
    if (level === 1 || largePage) {
      // In a large-page entry the low frame bits are the PAT bit and reserved bits; the 4-KiB frame comes from the address.
      const span = INDEX_BITS * BigInt(level - 1);
      const base = (next >> span) << span;
      target = base + ((address >> PAGE_SHIFT) & ((1n << span) - 1n));
    } else {
      frame = next;
    }
  }
  if (target === undefined) throw new Error("page walk ended without a translation");

  const leaf = visited[visited.length - 1]!.entry;
  const supervisor = accessor.cpl !== 3;
  let refused = false;
  if (!supervisor && !user) refused = true;
  if (access === "write" && !writable && (!supervisor || controls.writeProtect)) refused = true;
  if (access === "fetch" && noExecute) refused = true;
  if (supervisor && user && access === "fetch" && controls.smep) refused = true;
  if (supervisor && user && access !== "fetch" && controls.smap && !accessor.ac) refused = true;
  const keyed = controls.pke && user && access !== "fetch";
  const keyRefused = keyed && keyRefuses(controls, accessor, access, (leaf & pte.mask("PKEY")) >> BigInt(pte.bit("PKEY")));
  if (refused || keyRefused) return fault("protection", keyRefused);

  const updates: EntryUpdate[] = [];
  visited.forEach(({ level, frame: table, index, entry }, i) => {
    let value = entry | pte.mask("A");
    if (i === visited.length - 1 && access === "write") value |= pte.mask("D");
    if (value !== entry) updates.push({ level, frame: table, index, value });
  });
  return { kind: "ok", frame: target, updates };
}
