/** Page-table sharing state keys: XPTI and PCID settings, the directmap, and what each vCPU loads into %cr3. */
import { found, type StateRead } from "../../observe";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { ptshareChoices } from "../pv/validation";
import type { XenVcpu } from "../x86/vcpu";
import { topLevelTables } from "./audit";
import { ptshareOptions, useInvpcid, xptiDom0, xptiDomu } from "./options";

const DOMAIN_KEY = /^d([0-9]+)\.(xpti|pcid|noSharedTopLevel)$/;
const FRAME_KEY = /^d([0-9]+)\.frame\[(0x[0-9a-fA-F]+)\]\.directmap$/;
const CR3_KEY = /^d([0-9]+)\.vcpu\[([0-9]+)\]\.cr3Table\.(guest|xen|shared)$/;

/** What %cr3 holds for a PV vCPU while it runs guest code and while Xen runs for it (F2, F4). */
function cr3Table(domain: XenDomain, vcpu: XenVcpu, context: "guest" | "xen"): string | null {
  if (domain.type === "pv32") return vcpu.pv.compatL4Slot0 === 0n ? null : "compat-per-vcpu";
  if (domain.type !== "pv64" || vcpu.pv.baseptr === null) return null;
  return context === "guest" && domain.x86?.xpti === true ? "xpti-per-pcpu" : "guest-l4";
}

/** Another vCPU loads one of this vCPU's top-level tables into %cr3: always possible for 64-bit PV in Xen context. */
function sharesCr3(domain: XenDomain, vcpu: XenVcpu): boolean | null {
  if (!domain.isPv) return null;
  if (domain.type === "pv32") return false;
  const mine = topLevelTables(vcpu);
  return (domain.x86?.vcpus ?? []).some((other) => other !== vcpu && topLevelTables(other).some((frame) => mine.includes(frame)));
}

export function readPtshareState(machine: XenMachine, key: string): StateRead {
  switch (key) {
    case "xen.xpti.dom0":
      return found(xptiDom0(machine));
    case "xen.xpti.domu":
      return found(xptiDomu(machine));
    case "xen.pcid":
      return found(ptshareOptions(machine).pcid);
    case "xen.invpcid":
      return found(useInvpcid(machine));
    case "xen.directmap":
      return found(ptshareChoices(machine).directmap);
  }
  const domainKey = DOMAIN_KEY.exec(key);
  if (domainKey) {
    const state = machine.domains.get(Number(domainKey[1]))?.x86;
    return found(state === undefined ? null : state[domainKey[2] as "xpti" | "pcid" | "noSharedTopLevel"]);
  }
  const frameKey = FRAME_KEY.exec(key);
  if (frameKey) {
    const domain = machine.domains.get(Number(frameKey[1]));
    const info = domain?.x86?.frames.get(BigInt(frameKey[2]!));
    if (domain === undefined || info === undefined) return found(null);
    return found(domain.type === "pv64" && info.type === "l4" && ptshareChoices(machine).directmap);
  }
  const cr3 = CR3_KEY.exec(key);
  if (cr3) {
    const domain = machine.domains.get(Number(cr3[1]));
    const vcpu = domain?.x86?.vcpus[Number(cr3[2])];
    if (domain === undefined || vcpu === undefined) return found(null);
    if (!domain.isPv) return found(null);
    return found(cr3[3] === "shared" ? sharesCr3(domain, vcpu) : cr3Table(domain, vcpu, cr3[3] as "guest" | "xen"));
  }
  return undefined;
}
