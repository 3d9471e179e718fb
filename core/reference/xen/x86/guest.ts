/** Finding the domain and vCPU a guest operation runs on. */
import { CaseModelError } from "../../model-error";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { x86State } from "./domain-state";
import type { XenVcpu } from "./vcpu";

export interface GuestContext {
  domain: XenDomain;
  vcpu: XenVcpu;
}

export function guestContext(machine: XenMachine, domid: number | undefined, vcpuId: number | undefined): GuestContext {
  const domain = machine.caller(domid ?? 1);
  const id = vcpuId ?? 0;
  const vcpu = x86State(domain).vcpus[id];
  if (vcpu === undefined) throw new CaseModelError(`d${domain.domid} has no vCPU ${id} (it was created with ${x86State(domain).vcpus.length})`);
  return { domain, vcpu };
}
