/** Page-table sharing state keys: XPTI and PCID settings, the directmap, and what each vCPU loads into %cr3. */
import type { Value } from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import type { XenDomain } from "../domain";
import type { StateReader } from "../machine";
import { ptshareChoices } from "../pv/validation";
import { x86State, type X86DomainState } from "../x86/domain-state";
import type { XenVcpu } from "../x86/vcpu";
import { topLevelTables } from "./audit";
import { ptshareOptions, useInvpcid, xptiDom0, xptiDomu } from "./options";

/** What %cr3 holds for a PV vCPU while it runs guest code (`inGuest`) and while Xen runs for it (F2, F4). */
function cr3Table(domain: XenDomain, vcpu: XenVcpu, inGuest: boolean): string | null {
  if (domain.type === "pv32") return vcpu.pv.compatL4Slot0 === 0n ? null : "compat-per-vcpu";
  if (vcpu.pv.baseptr === null) return null;
  return inGuest && x86State(domain).xpti ? "xpti-per-pcpu" : "guest-l4";
}

/**
 * Another vCPU loads one of this vCPU's top-level tables into %cr3: always possible for 64-bit PV in Xen context.
 * A 32-bit PV vCPU has no base pointers of its own (its L3 sits in Xen's per-vCPU L4), so it shares nothing.
 */
function sharesCr3(domain: XenDomain, vcpu: XenVcpu): boolean {
  const mine = topLevelTables(vcpu);
  return x86State(domain).vcpus.some((other) => other !== vcpu && topLevelTables(other).some((frame) => mine.includes(frame)));
}

const perDomain =
  (key: keyof Pick<X86DomainState, "xpti" | "pcid" | "noSharedTopLevel">): StateReader =>
  (machine, { domid }) => {
    const domain = machine.domains.get(Number(domid));
    return domain === undefined ? null : x86State(domain)[key];
  };

/** A per-vCPU key: null for HVM vCPUs and vCPUs that do not exist. */
const perPvVcpu =
  (read: (domain: XenDomain, vcpu: XenVcpu) => Value): StateReader =>
  (machine, { domid, vcpu: vcpuId }) => {
    const domain = machine.domains.get(Number(domid));
    if (domain === undefined || !domain.isPv) return null;
    const vcpu = x86State(domain).vcpus[Number(vcpuId)];
    return vcpu === undefined ? null : read(domain, vcpu);
  };

/** State keys of spec/data/areas/ptshare/observables.json. */
export const ptshareStateReaders: Record<string, StateReader> = {
  "xen.xpti.dom0": (machine) => xptiDom0(machine),
  "xen.xpti.domu": (machine) => xptiDomu(machine),
  "xen.pcid": (machine) => ptshareOptions(machine).pcid,
  "xen.invpcid": (machine) => useInvpcid(machine),
  "xen.directmap": (machine) => ptshareChoices(machine).directmap,
  "d{domid}.xpti": perDomain("xpti"),
  "d{domid}.pcid": perDomain("pcid"),
  "d{domid}.noSharedTopLevel": perDomain("noSharedTopLevel"),
  // Only 64-bit PV domains have L4-typed frames.
  "d{domid}.frame[{frame}].directmap": (machine, { domid, frame }) => {
    const domain = machine.domains.get(Number(domid));
    return domain === undefined ? null : x86State(domain).frames.get(parseHex(frame!)).type === "l4" && ptshareChoices(machine).directmap;
  },
  "d{domid}.vcpu[{vcpu}].cr3Table.guest": perPvVcpu((domain, vcpu) => cr3Table(domain, vcpu, true)),
  "d{domid}.vcpu[{vcpu}].cr3Table.xen": perPvVcpu((domain, vcpu) => cr3Table(domain, vcpu, false)),
  "d{domid}.vcpu[{vcpu}].cr3Table.shared": perPvVcpu(sharesCr3),
};
