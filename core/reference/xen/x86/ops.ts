/** Guest operations shared by the x86 areas: memory accesses, CPUID, EFLAGS.AC, PKRU, plain stores. */
import type { AcInstructionArgs, CpuidFeaturesArgs, MemAccessArgs, StoreU64Args, WrpkruArgs } from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { cpuidFeaturesAt } from "../../../x86/cpuid";
import { walk, type WalkResult } from "../../../x86/page-walk";
import { CaseModelError } from "../../model-error";
import { errno, ok, type Observation } from "../../observe";
import type { XenDomain } from "../domain";
import type { XenMachine, XenOperations } from "../machine";
import { isPageTable } from "../pv/page-types";
import { pvHardwareCr4 } from "../pv/hardware-cr4";
import { smapSettings } from "../smap/area-state";
import { featureset, fieldMask } from "./abi";
import { domainHas, policySubject } from "./cpu-policy";
import { x86State } from "./domain-state";
import { deliver } from "./exceptions";
import { guestContext } from "./guest";
import { cpuFeature } from "./host";
import { writeWord } from "./memory";
import { pagingFor, type Paging } from "./paging";
import type { XenVcpu } from "./vcpu";
import { xenCr4 } from "./xen-registers";

const PKRU_MASK = (1n << 32n) - 1n;

/**
 * Seed 000's fixup mode: an unaware 32-bit PV kernel's fault that SMAP alone
 * causes (the access would pass without SMAP) makes Xen set EFLAGS.AC.
 */
function smapFixupApplies(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, paging: Paging & { kind: "paged" }, address: bigint, access: MemAccessArgs["access"]): boolean {
  if (domain.type !== "pv32" || vcpu.mode !== "kernel" || smapSettings(machine).smap !== "fixup") return false;
  if (x86State(domain).smapAware || !paging.controls.smap) return false;
  const withoutSmap = walk(machine.spec, paging.tables, paging.root, { ...paging.controls, smap: false }, paging.accessor, address, access);
  return withoutSmap.kind === "ok";
}

function memAccess(machine: XenMachine, args: MemAccessArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  vcpu.mode = args.mode!;
  if (args.ac !== undefined) vcpu.ac = args.ac;
  const address = parseHex(args.addr);
  const paging = pagingFor(machine, domain, vcpu, address);
  if (paging.kind === "flat") {
    if (!domain.owns(address >> 12n)) throw new CaseModelError(`with paging off the access reaches frame ${(address >> 12n).toString(16)}, which d${domain.domid} does not own`);
    return ok();
  }
  let result: WalkResult = walk(machine.spec, paging.tables, paging.root, paging.controls, paging.accessor, address, args.access);
  if (result.kind === "page-fault" && smapFixupApplies(machine, domain, vcpu, paging, address, args.access)) {
    vcpu.ac = true;
    result = walk(machine.spec, paging.tables, paging.root, paging.controls, { ...paging.accessor, ac: true }, address, args.access);
  }
  switch (result.kind) {
    case "ok":
      // An HVM guest-physical frame the domain does not own is unpopulated p2m space, which the model does not describe.
      if (!domain.isPv && !domain.owns(result.frame)) {
        throw new CaseModelError(`the access reaches guest frame ${result.frame.toString(16)}, which d${domain.domid} does not own`);
      }
      paging.apply(result.updates);
      return ok();
    case "non-canonical":
      return deliver(machine, domain, vcpu, "#GP");
    default:
      return deliver(machine, domain, vcpu, "#PF", { errorCode: result.errorCode, address });
  }
}

/**
 * CPUID: the flags at this leaf as the domain's policy has them; `!` flags
 * report the guest's CR4. A PV guest's CPUID is its kernel's enlightened
 * CPUID (the forced-emulation prefix, which Xen services from #UD), where a
 * `!` flag with `pvKernelFromXenWith` also shows Xen's own CR4 bit when the
 * domain has that feature: guest_cpuid() leaks Xen's OSXSAVE into PV kernels
 * (xen/arch/x86/cpuid.c:219-225 in 4.17, 357-363 in 4.22).
 */
function cpuidFeatures(machine: XenMachine, args: CpuidFeaturesArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  const subject = policySubject(domain);
  const returns: Record<string, boolean> = {};
  for (const feature of cpuidFeaturesAt(machine.spec, args.leaf, args.subleaf!)) {
    const policy = featureset(machine).features[feature.name];
    if (policy?.guests === "!") {
      if (feature.mirrorsCr4 === undefined) throw new Error(`${feature.name} is special but mirrors no CR4 field`);
      const mask = fieldMask(machine, "cr4", feature.mirrorsCr4);
      const cr4 = domain.isPv ? vcpu.pv.cr4 : vcpu.hvm.cr4;
      const leaked = domain.isPv && policy.pvKernelFromXenWith !== undefined
        && domainHas(machine, subject, policy.pvKernelFromXenWith) && (xenCr4(machine) & mask) !== 0n;
      returns[`feature.${feature.name}`] = (cr4 & mask) !== 0n || leaked;
    } else {
      returns[`feature.${feature.name}`] = domainHas(machine, subject, feature.name);
    }
  }
  return ok(returns);
}

/**
 * STAC/CLAC are CPL-0 instructions that need SMAP in CPUID, so PV guests (ring
 * 1 or 3) get #UD (S13); POPF changes AC at any privilege level. An HVM
 * guest's STAC/CLAC run natively, never intercepted (no STAC/CLAC in Xen's
 * SVM intercept lists, xen/arch/x86/include/asm/hvm/svm/vmcb.h:25-79 in Xen
 * 4.17; VMX has no such exit): the processor checks its own SMAP, not the
 * guest's CPUID, so `smap=0` hiding SMAP does not make them #UD.
 */
function acInstruction(machine: XenMachine, args: AcInstructionArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  vcpu.mode = args.mode!;
  if (args.insn === "popf") {
    if (args.ac === undefined) throw new CaseModelError("popf needs `ac`: the AC bit of the popped image");
    vcpu.ac = args.ac;
    return ok();
  }
  const ring0 = !domain.isPv && vcpu.mode === "kernel";
  if (!ring0 || !cpuFeature(machine, "smap")) return deliver(machine, domain, vcpu, "#UD");
  vcpu.ac = args.insn === "stac";
  return ok();
}

/** WRPKRU needs CR4.PKE in force (for PV, the hardware CR4 of its current mode). */
function wrpkru(machine: XenMachine, args: WrpkruArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  vcpu.mode = args.mode!;
  const cr4 = domain.isPv ? pvHardwareCr4(machine, domain, vcpu, vcpu.mode) : vcpu.hvm.cr4;
  if ((cr4 & fieldMask(machine, "cr4", "PKE")) === 0n) return deliver(machine, domain, vcpu, "#UD");
  vcpu.pkru = parseHex(args.value) & PKRU_MASK;
  return ok();
}

function storeU64(machine: XenMachine, args: StoreU64Args): Observation {
  const domain = machine.caller(args.dom);
  const frame = parseHex(args.frame);
  // The schema bounds `index` to the frame (0-511).
  if (!domain.owns(frame)) return errno("EFAULT");
  if (domain.isPv && isPageTable(x86State(domain).frames.get(frame).type)) {
    throw new CaseModelError("a PV guest's page tables are read-only to it; writable page-table emulation is not modelled (use mmu_update)");
  }
  writeWord(domain, frame, args.index, parseHex(args.value));
  return ok();
}

export const x86Operations: XenOperations = {
  cpuid_features: cpuidFeatures,
  mem_access: memAccess,
  ac_instruction: acInstruction,
  wrpkru,
  store_u64: storeU64,
};
