/**
 * Nested virtualisation, as far as CR pinning sees it: L1 launches L2 with
 * vmcs12 guest and host CR0/CR4; L2's writes reach KVM; a VM-exit loads L1's
 * CR0/CR4 from the host fields (cr-pinning-and-x86-facts 17, 20, 28).
 */
import type { NestedVmentryArgs } from "../../../spec/types/generated";
import { parseHex } from "../../hex";
import { CaseModelError } from "../model-error";
import { ok, type Observation } from "../observe";
import type { KvmMachine } from "./machine";
import { sregsProblem } from "./sregs";
import type { Vcpu } from "./vcpu";

function requireVirtualisation(machine: KvmMachine, vcpu: Vcpu): void {
  if (machine.settings.vendor === "intel") {
    if (!machine.hasFeature("vmx")) throw new CaseModelError("nested VMX needs config.cpu.features.vmx");
    if ((vcpu.cr4 & machine.rules.cr4.mask("VMXE")) === 0n) throw new CaseModelError(`vCPU ${vcpu.id} is not in VMX operation: set CR4.VMXE before VMLAUNCH`);
  } else if (!machine.hasFeature("svm")) {
    throw new CaseModelError("nested SVM needs config.cpu.features.svm");
  }
}

export function nestedEnter(machine: KvmMachine, vcpu: Vcpu, args: NestedVmentryArgs): Observation {
  if (vcpu.smm || vcpu.guestMode) throw new CaseModelError(`vCPU ${vcpu.id} cannot launch L2 from SMM or from L2`);
  requireVirtualisation(machine, vcpu);
  const guestCr0 = parseHex(args.guestCr0);
  const guestCr4 = parseHex(args.guestCr4);
  const hostCr0 = parseHex(args.hostCr0);
  const hostCr4 = parseHex(args.hostCr4);
  const mode = { cr3: vcpu.cr3, efer: vcpu.efer, cs64: vcpu.cs64 };
  const hasFeature = (feature: string): boolean => machine.hasFeature(feature);
  for (const [what, cr0, cr4] of [["guest", guestCr0, guestCr4], ["host", hostCr0, hostCr4]] as const) {
    const problem = sregsProblem(machine.rules, { ...mode, cr0, cr4 }, hasFeature);
    if (problem !== undefined) throw new CaseModelError(`the vmcs12 ${what} CR0/CR4 fail VM-entry checks (not modelled): ${problem}`);
  }
  vcpu.nested = { hostCr0, hostCr4 };
  vcpu.cr0 = guestCr0;
  vcpu.cr4 = guestCr4;
  return ok();
}

/** load_vmcs12_host_state() / nested_svm_vmexit(): SVM also forces CR0.PE. */
export function nestedExit(machine: KvmMachine, vcpu: Vcpu): Observation {
  const nested = vcpu.nested;
  if (nested === undefined) throw new CaseModelError(`vCPU ${vcpu.id} is not running L2`);
  const svmForced = machine.settings.vendor === "intel" ? 0n : machine.rules.cr0.mask("PE");
  vcpu.cr0 = machine.pinning.nestedExitValue(vcpu, "cr0", nested.hostCr0 | svmForced);
  vcpu.cr4 = machine.pinning.nestedExitValue(vcpu, "cr4", nested.hostCr4);
  vcpu.nested = undefined;
  return ok();
}
