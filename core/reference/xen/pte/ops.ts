/** HYPERVISOR_mmu_update and HYPERVISOR_mmuext_op, one request at a time (xen/arch/x86/mm.c; P7, F2, F4). */
import type { MmuextOpArgs, MmuUpdateArgs } from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { CaseModelError } from "../../model-error";
import { errno, ok, type Observation } from "../../observe";
import type { XenMachine, XenOperations } from "../machine";
import { newBaseptr, newUserBaseptr } from "../pv/base-pointers";
import { modEntry } from "../pv/entries";
import { isPageTable, type PageType } from "../pv/page-types";
import { dropType, takeType, type PvMemory, type PvRc } from "../pv/validation";
import { pteAbi } from "../x86/abi";
import { x86State } from "../x86/domain-state";
import { guestContext } from "../x86/guest";
import { writeWord } from "../x86/memory";

/** A PV return code as the step's result (`ok` or the errno name). */
const rc = (result: PvRc): Observation => ({ result });

function mmuUpdate(machine: XenMachine, args: MmuUpdateArgs): Observation {
  const domain = machine.caller(args.dom);
  // HVM guests have no mmu_update hypercall (xen/include/hypercall-defs.c).
  if (!domain.isPv) return errno("ENOSYS");
  const commands = pteAbi(machine).mmuUpdateCommands;
  const cmd = args.cmd ?? commands.normal;
  if (cmd === commands.machphys) throw new CaseModelError("MMU_MACHPHYS_UPDATE (the M2P table) is not modelled");
  if (cmd !== commands.normal && cmd !== commands.preserveAd && cmd !== commands.noTranslate) return errno("ENOSYS");
  const frame = parseHex(args.frame);
  if (!domain.owns(frame)) return errno("EINVAL");
  const mm: PvMemory = { machine, domain, state: x86State(domain) };
  const value = parseHex(args.value);
  const { type } = mm.state.frames.get(frame);
  if (!isPageTable(type)) {
    // A frame that is not a page table takes a plain, unvalidated write.
    writeWord(domain, frame, args.index, value);
    return ok();
  }
  return rc(modEntry(mm, frame, type, args.index, value, cmd === commands.preserveAd));
}

const PIN_TYPES: Readonly<Record<string, PageType>> = {
  pin_l1_table: "l1",
  pin_l2_table: "l2",
  pin_l3_table: "l3",
  pin_l4_table: "l4",
};

function pin(mm: PvMemory, frame: bigint, type: PageType): PvRc {
  // A 32-bit PV guest has no L4 of its own: pinning one is ignored.
  if (type === "l4" && mm.domain.type === "pv32") return "ok";
  if (!mm.domain.owns(frame)) return "EINVAL";
  const taken = takeType(mm, frame, type);
  if (taken !== "ok") return taken;
  const info = mm.state.frames.get(frame);
  if (info.pinned) {
    dropType(mm, frame);
    return "EINVAL";
  }
  info.pinned = true;
  return "ok";
}

/** A frame the domain does not own is never pinned in its frame table (pin() checks ownership). */
function unpin(mm: PvMemory, frame: bigint): PvRc {
  const info = mm.state.frames.get(frame);
  if (!info.pinned) return "EINVAL";
  info.pinned = false;
  dropType(mm, frame);
  return "ok";
}

function mmuextOp(machine: XenMachine, args: MmuextOpArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  const pinType = PIN_TYPES[args.cmd];
  if (!domain.isPv) {
    // HVM: pins and unpins do nothing (refcounting paging mode); the rest is not supported.
    return pinType !== undefined || args.cmd === "unpin_table" ? ok() : errno("EOPNOTSUPP");
  }
  const mm: PvMemory = { machine, domain, state: x86State(domain) };
  const frame = parseHex(args.mfn);
  if (pinType !== undefined) return rc(pin(mm, frame, pinType));
  switch (args.cmd) {
    case "unpin_table":
      return rc(unpin(mm, frame));
    case "new_baseptr":
      return rc(newBaseptr(mm, vcpu, frame));
    default:
      return rc(newUserBaseptr(mm, vcpu, frame));
  }
}

export const pteOperations: XenOperations = {
  mmu_update: mmuUpdate,
  mmuext_op: mmuextOp,
};
