/**
 * What the hardware walks when a guest accesses memory. A PV guest's own
 * tables under the hardware CR4 of its current mode (64-bit PV at ring 3,
 * 32-bit PV kernel at ring 1, CR0.WP and, with NX, EFER.NXE as Xen set them);
 * an HVM guest's tables under its own registers (long mode only).
 */
import { type Accessor, type EntryUpdate, isCanonical, type PageTables, type PagingControls, tableIndex } from "../../../x86/page-walk";
import { CaseModelError } from "../../model-error";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { isGuestL4Slot } from "../pv/validation";
import { pvHardwareCr4 } from "../pv/hardware-cr4";
import { longModeActive, pagingEnabled } from "../hvm/control-registers";
import { fieldMask, pteAbi } from "./abi";
import { domainHas, policySubject } from "./cpu-policy";
import { cpuFeature, isAmdOrHygon, maxPhysAddr } from "./host";
import { readWord, writeWord } from "./memory";
import type { XenVcpu } from "./vcpu";
import { xenCr0, xenEfer } from "./xen-registers";

export type Paging =
  | { kind: "paged"; tables: PageTables; root: bigint; controls: PagingControls; accessor: Accessor; apply(updates: readonly EntryUpdate[]): void }
  | { kind: "flat"; accessor: Accessor };

/**
 * A 32-bit PV guest's L4 is Xen's per-vCPU one: its slot 0 holds the guest's
 * L3, and every address the model walks for such a guest (below 0xF5800000,
 * or non-canonical and refused before any read) uses that slot.
 */
function guestTables(domain: XenDomain, compatSlot0?: bigint): PageTables {
  return {
    read(level, frame, index) {
      if (compatSlot0 !== undefined && level === 4) return compatSlot0;
      if (!domain.owns(frame)) throw new CaseModelError(`the walk reaches frame ${frame.toString(16)}, which d${domain.domid} does not own`);
      return readWord(domain, frame, index);
    },
  };
}

/**
 * The walk's A/D updates. A 32-bit PV guest's compat L4 slot already has A set
 * (compatL4EntryFlags) and is never a leaf, so no update ever names Xen's L4.
 */
function applyTo(domain: XenDomain) {
  return (updates: readonly EntryUpdate[]): void => {
    for (const update of updates) writeWord(domain, update.frame, update.index, update.value);
  };
}

/** Xen maps itself into every PV address space; the model does not describe those mappings. */
function refuseXenRange(machine: XenMachine, domain: XenDomain, address: bigint): void {
  if (!isCanonical(address)) return;
  if (domain.type === "pv64" && !isGuestL4Slot(machine, tableIndex(address, 4))) {
    throw new CaseModelError("the address lies in Xen's L4 slots 256-271, whose mappings are not modelled");
  }
  // The compat hypervisor area starts below 4 GiB, so this also refuses every address above a 32-bit guest's reach.
  if (domain.type === "pv32" && address >= BigInt(pteAbi(machine).slots.compatHypervisorStart)) {
    throw new CaseModelError("a 32-bit PV guest address at or above the compat hypervisor area (0xF5800000) is not modelled");
  }
}

function pvPaging(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, address: bigint): Paging {
  refuseXenRange(machine, domain, address);
  const cr4 = pvHardwareCr4(machine, domain, vcpu, vcpu.mode);
  const set = (name: string): boolean => (cr4 & fieldMask(machine, "cr4", name)) !== 0n;
  const controls: PagingControls = {
    writeProtect: (xenCr0(machine) & fieldMask(machine, "cr0", "WP")) !== 0n,
    smep: set("SMEP"),
    smap: set("SMAP"),
    pke: set("PKE"),
    nxe: (xenEfer(machine) & fieldMask(machine, "efer", "NXE")) !== 0n,
    maxPhysAddr: maxPhysAddr(machine),
    page1gb: cpuFeature(machine, "page1gb"),
    pml4Bit8Reserved: isAmdOrHygon(machine),
  };
  const kernel = vcpu.mode === "kernel";
  const accessor: Accessor = { cpl: domain.type === "pv32" && kernel ? 1 : 3, ac: vcpu.ac, pkru: vcpu.pkru };
  if (domain.type === "pv32") {
    if (vcpu.pv.compatL4Slot0 === 0n) throw new CaseModelError(`d${domain.domid} vCPU ${vcpu.id} has no base pointer (MMUEXT_NEW_BASEPTR) to walk`);
    return { kind: "paged", tables: guestTables(domain, vcpu.pv.compatL4Slot0), root: 0n, controls, accessor, apply: applyTo(domain) };
  }
  const root = kernel ? vcpu.pv.baseptr : vcpu.pv.userBaseptr;
  if (root === null) {
    throw new CaseModelError(`d${domain.domid} vCPU ${vcpu.id} has no ${kernel ? "" : "user "}base pointer (MMUEXT_NEW_${kernel ? "" : "USER_"}BASEPTR) to walk in ${vcpu.mode} mode`);
  }
  return { kind: "paged", tables: guestTables(domain), root, controls, accessor, apply: applyTo(domain) };
}

function hvmPaging(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu): Paging {
  const regs = vcpu.hvm;
  const accessor: Accessor = { cpl: vcpu.mode === "kernel" ? 0 : 3, ac: vcpu.ac, pkru: vcpu.pkru };
  if (!pagingEnabled(machine, regs)) return { kind: "flat", accessor };
  if (!longModeActive(machine, regs)) throw new CaseModelError("HVM 32-bit and PAE paging are not modelled: accesses need long mode or paging off");
  const set = (name: string): boolean => (regs.cr4 & fieldMask(machine, "cr4", name)) !== 0n;
  const controls: PagingControls = {
    writeProtect: (regs.cr0 & fieldMask(machine, "cr0", "WP")) !== 0n,
    smep: set("SMEP"),
    smap: set("SMAP"),
    pke: set("PKE"),
    nxe: (regs.efer & fieldMask(machine, "efer", "NXE")) !== 0n,
    maxPhysAddr: maxPhysAddr(machine),
    // Under HAP the CPU's 1-GiB support decides (PTE-HVM-LARGE-PAGES); the guest's policy has PAGE1GB exactly when the CPU does.
    page1gb: domainHas(machine, policySubject(domain), "page1gb"),
    pml4Bit8Reserved: isAmdOrHygon(machine),
  };
  const root = (regs.cr3 & fieldMask(machine, "cr3", "FRAME")) >> 12n;
  return { kind: "paged", tables: guestTables(domain), root, controls, accessor, apply: applyTo(domain) };
}

export function pagingFor(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, address: bigint): Paging {
  return domain.isPv ? pvPaging(machine, domain, vcpu, address) : hvmPaging(machine, domain, vcpu);
}
