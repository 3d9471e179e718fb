/**
 * A PV guest's CR4 view (pv_fixup_guest_cr4(); xen-pv-abi-facts C1, C2, S5):
 * the bits it controls, kept only where its CPUID policy has the feature,
 * plus Xen's visible bits. A seed 002 allow-list adds the nominated bits.
 */
import type { Cr4Choices } from "../../../../spec/types/generated";
import { profileChoices } from "../../../../spec";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { cr4Abi, maskOf } from "../x86/abi";
import { domainHasAny, policySubject } from "../x86/cpu-policy";
import { x86State } from "../x86/domain-state";
import { xenCr4 } from "../x86/xen-registers";

export const cr4Choices = (machine: XenMachine): Cr4Choices => profileChoices<Cr4Choices>(machine.spec, "cr4", machine.profile);

/** The allow-list candidates of the profile that this domain was nominated for. */
export function nominatedBits(machine: XenMachine, domain: XenDomain) {
  const nominated = x86State(domain).cr4AllowList;
  return cr4Choices(machine).toolstackAllowList.candidates.filter((candidate) => nominated.includes(candidate.bit));
}

/** The CR4 bits this PV guest's kernel controls. */
export function guestControlledCr4(machine: XenMachine, domain: XenDomain): bigint {
  const subject = policySubject(domain);
  const gated = [...cr4Abi(machine).pvCr4GuestControllable, ...nominatedBits(machine, domain)];
  return maskOf(machine, "cr4", gated.filter((entry) => domainHasAny(machine, subject, entry.anyFeature)).map((entry) => entry.bit));
}

/** pv_fixup_guest_cr4(): what the guest reads back after writing `value` (or the toolstack supplying it). */
export function fixupGuestCr4(machine: XenMachine, domain: XenDomain, value: bigint): bigint {
  const visible = maskOf(machine, "cr4", cr4Abi(machine).pvCr4GuestVisibleXenBits);
  return (value & guestControlledCr4(machine, domain)) | (xenCr4(machine) & visible);
}
