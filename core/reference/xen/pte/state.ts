/** Page-table state keys: entries as the guest reads them back, frame types, base pointers. */
import { parseHex, toHex } from "../../../hex";
import { CaseModelError } from "../../model-error";
import type { XenDomain } from "../domain";
import type { StateReader, XenMachine } from "../machine";
import { frameOf } from "../pv/flags";
import type { FrameType } from "../pv/page-types";
import { firstXenL2Slot, isGuestL4Slot } from "../pv/validation";
import { x86State } from "../x86/domain-state";
import { readWord, WORDS_PER_PAGE } from "../x86/memory";
import { globalPages } from "./options";

/**
 * Xen writes its own mappings into these slots of a validated table; the model does not know their values.
 * Only 64-bit PV domains have L4-typed frames (a 32-bit PV L4 pin does nothing, HVM pins nothing).
 */
function xenOwnedSlot(machine: XenMachine, domain: XenDomain, frame: bigint, index: number): boolean {
  const { type } = x86State(domain).frames.get(frame);
  if (type === "l2-xen") return index >= firstXenL2Slot(machine);
  if (type === "l4") return !isGuestL4Slot(machine, index);
  return false;
}

const entry: StateReader = (machine, { domid, frame, n }) => {
  const domain = machine.domains.get(Number(domid));
  const mfn = parseHex(frame!);
  const index = Number(n);
  if (domain === undefined || !domain.owns(mfn) || index >= WORDS_PER_PAGE) return null;
  if (xenOwnedSlot(machine, domain, mfn, index)) {
    throw new CaseModelError(`entry ${index} of frame ${toHex(mfn)} holds Xen's own mapping, whose value is not modelled`);
  }
  return toHex(readWord(domain, mfn, index));
};

const frameInfo =
  (read: (info: FrameType) => string | number | boolean): StateReader =>
  (machine, { domid, frame }) => {
    const domain = machine.domains.get(Number(domid));
    return domain === undefined ? null : read(x86State(domain).frames.get(parseHex(frame!)));
  };

const basePointer =
  (which: "baseptr" | "userBaseptr"): StateReader =>
  (machine, { domid, vcpu: vcpuId }) => {
    const domain = machine.domains.get(Number(domid));
    if (domain === undefined || !domain.isPv) return null;
    const vcpu = x86State(domain).vcpus[Number(vcpuId)];
    if (vcpu === undefined) return null;
    if (domain.type === "pv32") {
      if (which === "userBaseptr") return null;
      return vcpu.pv.compatL4Slot0 === 0n ? null : toHex(frameOf(machine, vcpu.pv.compatL4Slot0));
    }
    const table = vcpu.pv[which];
    return table === null ? null : toHex(table);
  };

/** State keys of spec/data/areas/pte/observables.json. */
export const pteStateReaders: Record<string, StateReader> = {
  "d{domid}.entry[{frame}][{n}]": entry,
  "d{domid}.frame[{frame}].type": frameInfo((info) => info.type),
  "d{domid}.frame[{frame}].typeCount": frameInfo((info) => info.count),
  "d{domid}.frame[{frame}].pinned": frameInfo((info) => info.pinned),
  "d{domid}.vcpu[{vcpu}].baseptr": basePointer("baseptr"),
  "d{domid}.vcpu[{vcpu}].userBaseptr": basePointer("userBaseptr"),
  "xen.globalPages": (machine) => globalPages(machine),
};
