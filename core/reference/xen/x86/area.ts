/**
 * The x86 platform under the smap, pte, cr4 and ptshare areas: it gives each
 * domain its vCPUs (with the registers the toolstack supplied) and the state
 * those areas share, and runs the guest operations they share.
 */
import type { DomainConfig, Errno } from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { CaseModelError } from "../../model-error";
import { found, type StateRead } from "../../observe";
import { acceptedAllowList, allowListFeatures } from "../cr4/allow-list";
import type { XenDomain } from "../domain";
import { contextValid } from "../hvm/control-registers";
import type { XenArea, XenMachine } from "../machine";
import { fixupGuestCr4 } from "../pv/guest-cr4";
import { kernelPromisesNoSharedTopLevel } from "../ptshare/elf-notes";
import { domainUsesPcid, domainUsesXpti } from "../ptshare/domain-options";
import { cr4Abi, fieldMask, maskOf } from "./abi";
import { X86DomainState } from "./domain-state";
import { x86Operations } from "./ops";
import { XenVcpu, type HvmRegisters } from "./vcpu";

/** The architectural reset state Xen gives an HVM vCPU (hvm_vcpu_reset_state()): CR0.ET only. */
function hvmRegisters(machine: XenMachine, config: DomainConfig): HvmRegisters {
  const context = config.vcpuContext!;
  const value = (hex: string | undefined, fallback: bigint): bigint => (hex === undefined ? fallback : parseHex(hex));
  return {
    cr0: value(context.cr0, fieldMask(machine, "cr0", "ET")),
    cr3: value(context.cr3, 0n),
    cr4: value(context.cr4, 0n),
    efer: value(context.efer, 0n),
  };
}

function createVcpus(machine: XenMachine, domain: XenDomain, config: DomainConfig): XenVcpu[] {
  const context = config.vcpuContext!;
  return Array.from({ length: domain.vcpus }, (_, id) => {
    if (domain.type === "hvm") return XenVcpu.hvm(id, hvmRegisters(machine, config));
    const ts = maskOf(machine, "cr0", cr4Abi(machine).pvCr0GuestWritable);
    return XenVcpu.pv(id, {
      // arch_set_info_guest(): CR0 keeps only TS from the toolstack (C5, C6).
      ts: context.cr0 !== undefined && (parseHex(context.cr0) & ts) !== 0n,
      cr4: 0n,
      baseptr: null,
      userBaseptr: null,
      compatL4Slot0: 0n,
    });
  });
}

function validateDomain(machine: XenMachine, config: DomainConfig): Errno | undefined {
  const context = config.vcpuContext!;
  if (config.type !== "hvm") {
    if (context.cr3 !== undefined || context.efer !== undefined) {
      throw new CaseModelError("a PV vcpuContext may give cr0 and cr4 only (PV base pointers come from MMUEXT_NEW_BASEPTR in this model)");
    }
    return undefined;
  }
  const subject = { type: "hvm" as const, extraFeatures: [] };
  return contextValid(machine, subject, hvmRegisters(machine, config)) ? undefined : "EINVAL";
}

function initDomain(machine: XenMachine, domain: XenDomain, config: DomainConfig): void {
  const state = new X86DomainState(
    createVcpus(machine, domain, config),
    acceptedAllowList(config),
    allowListFeatures(machine, config),
    kernelPromisesNoSharedTopLevel(machine, config),
    domainUsesXpti(machine, domain),
    domainUsesPcid(machine, domain),
  );
  domain.x86 = state;
  if (domain.isPv) {
    const cr4 = config.vcpuContext!.cr4 === undefined ? 0n : parseHex(config.vcpuContext!.cr4);
    for (const vcpu of state.vcpus) vcpu.pv.cr4 = fixupGuestCr4(machine, domain, cr4);
  }
}

const VCPU_KEY = /^d([0-9]+)\.vcpu\[([0-9]+)\]\.(mode|ac)$/;

function readState(machine: XenMachine, key: string): StateRead {
  const match = VCPU_KEY.exec(key);
  if (!match) return undefined;
  const vcpu = machine.domains.get(Number(match[1]))?.x86?.vcpus[Number(match[2])];
  if (vcpu === undefined) return found(null);
  return found(match[3] === "mode" ? vcpu.mode : vcpu.ac);
}

/** Xen machinery, not an area of cases (the reference core lists neither it nor the platform among its areas). */
export const x86Area: XenArea = {
  name: "xen-x86",
  customParams: {},
  initOptions: () => undefined,
  validateDomain,
  initDomain,
  operations: x86Operations,
  readState,
};
