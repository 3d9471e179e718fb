/**
 * Xen's own control registers: CR0 (identical on every CPU), CR4 as
 * mmu_cr4_features (what set_in_cr4() accumulated at boot), and EFER.
 */
import { smapSettings } from "../smap/area-state";
import { cr4Options } from "../cr4/options";
import type { XenMachine } from "../machine";
import { cr4Abi, maskOf } from "./abi";
import { cpuFeature } from "./host";

export const xenCr0 = (machine: XenMachine): bigint => maskOf(machine, "cr0", cr4Abi(machine).xenCr0);

/** X86_FEATURE_XEN_SMEP: the hardware has SMEP and `smep` is neither off nor hvm (S4). */
export function xenUsesSmep(machine: XenMachine): boolean {
  const { smep } = smapSettings(machine);
  return cpuFeature(machine, "smep") && smep !== "off" && smep !== "hvm";
}

/** X86_FEATURE_XEN_SMAP: the hardware has SMAP and `smap` is neither off nor hvm (compat and fixup keep it). */
export function xenUsesSmap(machine: XenMachine): boolean {
  const { smap } = smapSettings(machine);
  return cpuFeature(machine, "smap") && smap !== "off" && smap !== "hvm";
}

/** mcheck_init(): machine checks on when the CPU has them and `mce` is on. */
export const xenUsesMce = (machine: XenMachine): boolean => cr4Options(machine).mce && cpuFeature(machine, "mce");

/** mmu_cr4_features after boot. */
export function xenCr4(machine: XenMachine): bigint {
  const settings = smapSettings(machine);
  const names = [...cr4Abi(machine).xenCr4Always];
  if (xenUsesMce(machine)) names.push("MCE");
  if (xenUsesSmep(machine)) names.push("SMEP");
  if (xenUsesSmap(machine)) names.push("SMAP");
  if (cpuFeature(machine, "fsgsbase")) names.push("FSGSBASE");
  if (cpuFeature(machine, "pku")) names.push("PKE");
  if (cpuFeature(machine, "xsave")) names.push("OSXSAVE");
  if (settings.shstk || settings.ibt) names.push("CET");
  if (settings.fred) names.push("FRED");
  // start_vmx(): an HVM build on a VMX CPU keeps CR4.VMXE set everywhere.
  if (machine.hvmBuilt && cpuFeature(machine, "vmx")) names.push("VMXE");
  return maskOf(machine, "cr4", names);
}

/** Xen's EFER: long mode with SYSCALL, and NXE when the CPU has NX. */
export function xenEfer(machine: XenMachine): bigint {
  const names = ["SCE", "LME", "LMA"];
  if (cpuFeature(machine, "nx")) names.push("NXE");
  return maskOf(machine, "efer", names);
}
