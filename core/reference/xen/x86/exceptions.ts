/**
 * Delivering an exception to a guest, as the guest observes it. For PV
 * (xen-pv-abi-facts S9, S10): a #PF's U/S bit says whether the guest was in
 * kernel or user mode and CR2 gets the address; a 64-bit PV handler runs
 * with EFLAGS.AC clear, a 32-bit PV one with the AC it had. An HVM handler
 * gets the hardware error code and keeps AC. Either way the guest kernel's
 * handler runs next.
 */
import type { Fault } from "../../../../spec/types/generated";
import { fault, type Observation } from "../../observe";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { fieldMask } from "./abi";
import type { XenVcpu } from "./vcpu";

export interface PageFaultDetail {
  errorCode: bigint;
  address: bigint;
}

export function deliver(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, vector: Fault["vector"], pageFault?: PageFaultDetail): Observation {
  let errorCode: bigint | undefined = vector === "#GP" ? 0n : undefined;
  if (pageFault !== undefined) {
    errorCode = pageFault.errorCode;
    if (domain.isPv) {
      const user = fieldMask(machine, "pfec", "U");
      errorCode = vcpu.mode === "user" ? errorCode | user : errorCode & ~user;
    }
    vcpu.cr2 = pageFault.address;
  }
  if (domain.type === "pv64") vcpu.ac = false;
  vcpu.mode = "kernel";
  return fault(vector, errorCode);
}
