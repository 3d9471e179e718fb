/** Page-table state keys: entries as the guest reads them back, frame types, base pointers. */
import { toHex } from "../../../hex";
import { CaseModelError } from "../../model-error";
import { found, type StateRead } from "../../observe";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { frameOf } from "../pv/flags";
import { firstXenL2Slot, isGuestL4Slot } from "../pv/validation";
import { readWord, WORDS_PER_PAGE } from "../x86/memory";
import { globalPages } from "./options";

const ENTRY_KEY = /^d([0-9]+)\.entry\[(0x[0-9a-fA-F]+)\]\[([0-9]+)\]$/;
const FRAME_KEY = /^d([0-9]+)\.frame\[(0x[0-9a-fA-F]+)\]\.(type|typeCount|pinned)$/;
const VCPU_KEY = /^d([0-9]+)\.vcpu\[([0-9]+)\]\.(baseptr|userBaseptr)$/;

/** Xen writes its own mappings into these slots of a validated table; the model does not know their values. */
function xenOwnedSlot(machine: XenMachine, domain: XenDomain, frame: bigint, index: number): boolean {
  const { type } = domain.x86?.frames.get(frame) ?? { type: "none" };
  if (type === "l2-xen") return index >= firstXenL2Slot(machine);
  if (type === "l4" && domain.type === "pv64") return !isGuestL4Slot(machine, index);
  return false;
}

function readEntry(machine: XenMachine, domainId: number, frame: bigint, index: number): StateRead {
  const domain = machine.domains.get(domainId);
  if (domain === undefined || !domain.owns(frame) || index >= WORDS_PER_PAGE) return found(null);
  if (xenOwnedSlot(machine, domain, frame, index)) {
    throw new CaseModelError(`entry ${index} of frame ${toHex(frame)} holds Xen's own mapping, whose value is not modelled`);
  }
  return found(toHex(readWord(domain, frame, index)));
}

function basePointer(machine: XenMachine, domain: XenDomain, vcpuId: number, which: "baseptr" | "userBaseptr"): StateRead {
  const vcpu = domain.x86?.vcpus[vcpuId];
  if (vcpu === undefined || !domain.isPv) return found(null);
  if (domain.type === "pv32") {
    if (which === "userBaseptr") return found(null);
    return found(vcpu.pv.compatL4Slot0 === 0n ? null : toHex(frameOf(machine, vcpu.pv.compatL4Slot0)));
  }
  const frame = vcpu.pv[which];
  return found(frame === null ? null : toHex(frame));
}

export function readPteState(machine: XenMachine, key: string): StateRead {
  const entry = ENTRY_KEY.exec(key);
  if (entry) return readEntry(machine, Number(entry[1]), BigInt(entry[2]!), Number(entry[3]));
  const frameKey = FRAME_KEY.exec(key);
  if (frameKey) {
    const info = machine.domains.get(Number(frameKey[1]))?.x86?.frames.get(BigInt(frameKey[2]!));
    if (info === undefined) return found(null);
    return found(frameKey[3] === "type" ? info.type : frameKey[3] === "typeCount" ? info.count : info.pinned);
  }
  const vcpuKey = VCPU_KEY.exec(key);
  if (vcpuKey) {
    const domain = machine.domains.get(Number(vcpuKey[1]));
    return domain === undefined ? found(null) : basePointer(machine, domain, Number(vcpuKey[2]), vcpuKey[3] as "baseptr" | "userBaseptr");
  }
  if (key === "xen.globalPages") return found(globalPages(machine));
  return undefined;
}
