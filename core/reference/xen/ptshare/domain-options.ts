/** Whether a PV domain uses XPTI and PCIDs (spec_ctrl_init_domain(), pv_domain_initialise(), switch_compat()). */
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { cpuFeature } from "../x86/host";
import { ptshareOptions, useInvpcid, xptiDom0, xptiDomu } from "./options";

/** The hardware domain is dom0 in the case model. */
export function domainUsesXpti(machine: XenMachine, domain: Pick<XenDomain, "domid" | "type">): boolean {
  if (domain.type !== "pv64") return false;
  return domain.domid === 0 ? xptiDom0(machine) : xptiDomu(machine);
}

export function domainUsesPcid(machine: XenMachine, domain: Pick<XenDomain, "domid" | "type">): boolean {
  if (domain.type !== "pv64" || !useInvpcid(machine) || !cpuFeature(machine, "pcid")) return false;
  const xpti = domainUsesXpti(machine, domain);
  switch (ptshareOptions(machine).pcid) {
    case "off":
      return false;
    case "on":
      return true;
    case "xpti":
      return xpti;
    default:
      return !xpti;
  }
}
