/** Control-register state keys: the guest's views, the hardware CR4 while a PV vCPU runs, Xen's own CR4. */
import type { Value } from "../../../../spec/types/generated";
import { layout } from "../../../x86/layouts";
import { CaseModelError } from "../../model-error";
import type { XenDomain } from "../domain";
import type { StateReader, XenMachine } from "../machine";
import { pvCr0, pvCr3 } from "../pv/guest-cr";
import { pvHardwareCr4 } from "../pv/hardware-cr4";
import { fieldMask, maskOf } from "../x86/abi";
import { x86State } from "../x86/domain-state";
import { isAmdOrHygon } from "../x86/host";
import type { XenVcpu } from "../x86/vcpu";
import { xenCr4, xenEfer, xenUsesMce } from "../x86/xen-registers";
import { toHex } from "../../../hex";

function cr4Field(machine: XenMachine, name: string): bigint {
  if (!layout(machine.spec, "cr4").fields.some((field) => field.name === name)) {
    throw new CaseModelError(`CR4 has no field ${name} (spec/data/x86/layouts.json)`);
  }
  return fieldMask(machine, "cr4", name);
}

/** guest_efer(): Xen's EFER without SVME/AIBRSE; a 32-bit PV guest sees no long mode (nor SCE on Intel). */
function pvEfer(machine: XenMachine, domain: XenDomain): bigint {
  let value = xenEfer(machine);
  if (domain.type === "pv32") {
    value &= ~maskOf(machine, "efer", ["LME", "LMA"]);
    if (!isAmdOrHygon(machine)) value &= ~fieldMask(machine, "efer", "SCE");
  }
  return value;
}

/** A reader of a per-vCPU key: null for a domain or vCPU that does not exist. */
const perVcpu =
  (read: (machine: XenMachine, domain: XenDomain, vcpu: XenVcpu) => Value): StateReader =>
  (machine, params) => {
    const domain = machine.domains.get(Number(params.domid));
    if (domain === undefined) return null;
    const vcpu = x86State(domain).vcpus[Number(params.vcpu)];
    return vcpu === undefined ? null : read(machine, domain, vcpu);
  };

/** A control register as the guest reads it: Xen's emulation for PV, the HVM vCPU's own register otherwise. */
const register = (pv: (machine: XenMachine, domain: XenDomain, vcpu: XenVcpu) => bigint, hvm: (vcpu: XenVcpu) => bigint): StateReader =>
  perVcpu((machine, domain, vcpu) => toHex(domain.isPv ? pv(machine, domain, vcpu) : hvm(vcpu)));

/** A field of the hardware CR4 while a PV vCPU runs in the given mode; null for HVM. */
const hardwareCr4 =
  (mode: "kernel" | "user"): StateReader =>
  (machine, params) =>
    perVcpu((_, domain, vcpu) =>
      domain.isPv ? (pvHardwareCr4(machine, domain, vcpu, mode) & cr4Field(machine, params.name!)) !== 0n : null,
    )(machine, params);

/** State keys of spec/data/areas/cr4/observables.json. */
export const cr4StateReaders: Record<string, StateReader> = {
  "d{domid}.vcpu[{vcpu}].cr0": register((machine, _, vcpu) => pvCr0(machine, vcpu), (vcpu) => vcpu.hvm.cr0),
  "d{domid}.vcpu[{vcpu}].cr2": perVcpu((_, __, vcpu) => toHex(vcpu.cr2)),
  "d{domid}.vcpu[{vcpu}].cr3": register(pvCr3, (vcpu) => vcpu.hvm.cr3),
  "d{domid}.vcpu[{vcpu}].cr4": register((_, __, vcpu) => vcpu.pv.cr4, (vcpu) => vcpu.hvm.cr4),
  "d{domid}.vcpu[{vcpu}].efer": register((machine, domain) => pvEfer(machine, domain), (vcpu) => vcpu.hvm.efer),
  "d{domid}.vcpu[{vcpu}].pkru": perVcpu((_, __, vcpu) => toHex(vcpu.pkru)),
  "d{domid}.vcpu[{vcpu}].hwCr4.kernel.{name}": hardwareCr4("kernel"),
  "d{domid}.vcpu[{vcpu}].hwCr4.user.{name}": hardwareCr4("user"),
  "xen.cr4.{name}": (machine, params) => (xenCr4(machine) & cr4Field(machine, params.name!)) !== 0n,
  "xen.mce": (machine) => xenUsesMce(machine),
  "d{domid}.cr4AllowList": (machine, params) => {
    const domain = machine.domains.get(Number(params.domid));
    return domain === undefined ? null : [...x86State(domain).cr4AllowList];
  },
};
