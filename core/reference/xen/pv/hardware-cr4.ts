/**
 * The hardware CR4 while a PV vCPU runs (pv_make_cr4(), xen-pv-abi-facts C4,
 * P12, P13), and what happens to SMEP/SMAP while a 32-bit PV guest kernel
 * runs: cleared by the return path (S6), or, in the seed's reading, Xen's own
 * settings with the compat mode switching SMAP off for an unaware guest.
 */
import type { SmapChoices } from "../../../../spec/types/generated";
import { profileChoices } from "../../../../spec";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { globalPages } from "../pte/options";
import { smapSettings } from "../smap/area-state";
import { cr4Abi, fieldMask, maskOf } from "../x86/abi";
import { x86State } from "../x86/domain-state";
import type { GuestMode, XenVcpu } from "../x86/vcpu";
import { xenCr4 } from "../x86/xen-registers";

export const smapChoices = (machine: XenMachine): SmapChoices => profileChoices<SmapChoices>(machine.spec, "smap", machine.profile);

export function pvHardwareCr4(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, mode: GuestMode): bigint {
  const state = x86State(domain);
  const abi = cr4Abi(machine);
  const bit = (name: string): bigint => fieldMask(machine, "cr4", name);
  const guest = vcpu.pv.cr4;
  let cr4 = xenCr4(machine) & ~maskOf(machine, "cr4", abi.pvCr4PerContextBits);
  if (state.pcid) cr4 |= bit("PCIDE");
  else if (!state.xpti && globalPages(machine)) cr4 |= bit("PGE");
  if ((guest & bit("TSD")) !== 0n) cr4 |= bit("TSD");
  if (domain.type === "pv64" && (guest & bit("FSGSBASE")) === 0n) cr4 &= ~bit("FSGSBASE");
  for (const name of state.cr4AllowList) cr4 = (cr4 & ~bit(name)) | (guest & bit(name));
  if (domain.type === "pv32" && mode === "kernel") {
    if (smapChoices(machine).pv32KernelSmepSmap === "cleared") {
      cr4 &= ~maskOf(machine, "cr4", abi.pv32KernelSuppressedBits);
    } else if (smapSettings(machine).smap === "compat" && !state.smapAware && !state.cr4AllowList.includes("SMAP")) {
      cr4 &= ~bit("SMAP");
    }
  }
  return cr4;
}
