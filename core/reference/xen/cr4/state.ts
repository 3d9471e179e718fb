/** Control-register state keys: the guest's views, the hardware CR4 while a PV vCPU runs, Xen's own CR4. */
import { layout } from "../../../x86/layouts";
import { CaseModelError } from "../../model-error";
import { found, type StateRead } from "../../observe";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { pvCr0, pvCr3 } from "../pv/guest-cr";
import { pvHardwareCr4 } from "../pv/hardware-cr4";
import { fieldMask, maskOf } from "../x86/abi";
import { isAmdOrHygon } from "../x86/host";
import type { XenVcpu } from "../x86/vcpu";
import { xenCr4, xenEfer, xenUsesMce } from "../x86/xen-registers";
import { toHex } from "../../../hex";

const VCPU_KEY = /^d([0-9]+)\.vcpu\[([0-9]+)\]\.(cr0|cr2|cr3|cr4|efer|pkru)$/;
const HW_KEY = /^d([0-9]+)\.vcpu\[([0-9]+)\]\.hwCr4\.(kernel|user)\.([A-Za-z0-9_-]+)$/;
const XEN_KEY = /^xen\.cr4\.([A-Za-z0-9_-]+)$/;
const ALLOW_KEY = /^d([0-9]+)\.cr4AllowList$/;

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

function register(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, name: string): bigint {
  if (name === "cr2") return vcpu.cr2;
  if (name === "pkru") return vcpu.pkru;
  if (!domain.isPv) return vcpu.hvm[name as "cr0" | "cr3" | "cr4" | "efer"];
  switch (name) {
    case "cr0":
      return pvCr0(machine, vcpu);
    case "cr3":
      return pvCr3(machine, domain, vcpu);
    case "cr4":
      return vcpu.pv.cr4;
    default:
      return pvEfer(machine, domain);
  }
}

export function readCr4State(machine: XenMachine, key: string): StateRead {
  const vcpuKey = VCPU_KEY.exec(key);
  if (vcpuKey) {
    const domain = machine.domains.get(Number(vcpuKey[1]));
    const vcpu = domain?.x86?.vcpus[Number(vcpuKey[2])];
    if (domain === undefined || vcpu === undefined) return found(null);
    return found(toHex(register(machine, domain, vcpu, vcpuKey[3]!)));
  }
  const hw = HW_KEY.exec(key);
  if (hw) {
    const domain = machine.domains.get(Number(hw[1]));
    const vcpu = domain?.x86?.vcpus[Number(hw[2])];
    if (domain === undefined || vcpu === undefined || !domain.isPv) return found(null);
    const cr4 = pvHardwareCr4(machine, domain, vcpu, hw[3] as "kernel" | "user");
    return found((cr4 & cr4Field(machine, hw[4]!)) !== 0n);
  }
  const xen = XEN_KEY.exec(key);
  if (xen) return found((xenCr4(machine) & cr4Field(machine, xen[1]!)) !== 0n);
  if (key === "xen.mce") return found(xenUsesMce(machine));
  const allow = ALLOW_KEY.exec(key);
  if (allow) {
    const state = machine.domains.get(Number(allow[1]))?.x86;
    return found(state === undefined ? null : [...state.cr4AllowList]);
  }
  return undefined;
}
