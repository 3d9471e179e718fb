/**
 * MMUEXT_NEW_BASEPTR / MMUEXT_NEW_USER_BASEPTR (xen/arch/x86/mm.c
 * new_guest_cr3(); xen-pv-abi-facts F2, F4): a 64-bit PV vCPU takes an L4 of
 * its own as kernel or user top-level table; a 32-bit PV vCPU's L3 goes into
 * slot 0 of Xen's per-vCPU L4 through the same checks as an L4 entry update.
 */
import { CaseModelError } from "../../model-error";
import { sharedTopLevelRefusal } from "../ptshare/audit";
import { pteAbi } from "../x86/abi";
import type { XenVcpu } from "../x86/vcpu";
import { pteMask } from "./flags";
import { adjustAndWarn, dropType, getFromHigher, putFromEntry, takeType, type PvMemory, type PvRc } from "./validation";

function newCompatBaseptr(mm: PvMemory, vcpu: XenVcpu, frame: bigint): PvRc {
  const previous = vcpu.pv.compatL4Slot0;
  const next = adjustAndWarn(mm, 4, (frame << 12n) | pteMask(mm.machine, pteAbi(mm.machine).compatL4EntryFlags));
  // The same L3 again takes a reference and drops the old one: nothing changes (Xen's fast path, not modelled).
  const rc = getFromHigher(mm, 4, next);
  if (rc !== "ok") return rc;
  vcpu.pv.compatL4Slot0 = next;
  putFromEntry(mm, 4, previous);
  return "ok";
}

export function newBaseptr(mm: PvMemory, vcpu: XenVcpu, frame: bigint): PvRc {
  if (mm.domain.type === "pv32") return newCompatBaseptr(mm, vcpu, frame);
  // The same table again takes a type reference and drops the old one: nothing changes (Xen's fast path, not modelled).
  const previous = vcpu.pv.baseptr;
  if (!mm.domain.owns(frame)) return "EINVAL";
  const refusal = sharedTopLevelRefusal(mm.machine, mm.domain, vcpu, frame);
  if (refusal !== undefined) return refusal;
  const rc = takeType(mm, frame, "l4");
  if (rc !== "ok") return rc;
  vcpu.pv.baseptr = frame;
  if (previous !== null) dropType(mm, previous);
  return "ok";
}

/** Frame 0 removes the user table. */
export function newUserBaseptr(mm: PvMemory, vcpu: XenVcpu, frame: bigint): PvRc {
  if (mm.domain.type !== "pv64") throw new CaseModelError("MMUEXT_NEW_USER_BASEPTR is modelled for 64-bit PV guests only");
  const previous = vcpu.pv.userBaseptr;
  if (frame !== 0n) {
    if (!mm.domain.owns(frame)) return "EINVAL";
    const refusal = sharedTopLevelRefusal(mm.machine, mm.domain, vcpu, frame);
    if (refusal !== undefined) return refusal;
    const rc = takeType(mm, frame, "l4");
    if (rc !== "ok") return rc;
  }
  vcpu.pv.userBaseptr = frame === 0n ? null : frame;
  if (previous !== null) dropType(mm, previous);
  return "ok";
}
