/**
 * The seed's audit of a 64-bit PV guest that promised, by ELF note, never to
 * share a top-level page table between vCPUs (seed 001): a base pointer
 * another vCPU already uses is refused.
 */
import type { Errno } from "../../../../spec/types/generated";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { ptshareChoices } from "../pv/validation";
import { x86State } from "../x86/domain-state";
import type { XenVcpu } from "../x86/vcpu";

/** The top-level tables a 64-bit PV vCPU may load into %cr3: its kernel and user base pointers. */
export function topLevelTables(vcpu: XenVcpu): bigint[] {
  const { baseptr, userBaseptr } = vcpu.pv;
  return [baseptr, userBaseptr].filter((frame): frame is bigint => frame !== null);
}

/** Another vCPU of the domain uses `frame` as a top-level table. */
export function usedByOtherVcpu(domain: XenDomain, vcpu: XenVcpu, frame: bigint): boolean {
  return x86State(domain).vcpus.some((other) => other !== vcpu && topLevelTables(other).includes(frame));
}

/**
 * Why installing `frame` as a top-level table of 64-bit PV `vcpu` breaks the domain's promise, or undefined
 * (a 32-bit PV base pointer goes into Xen's per-vCPU L4 and is never audited).
 */
export function sharedTopLevelRefusal(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, frame: bigint): Errno | undefined {
  if (!x86State(domain).noSharedTopLevel) return undefined;
  return usedByOtherVcpu(domain, vcpu, frame) ? ptshareChoices(machine).sharedTopLevelAudit.errno : undefined;
}
