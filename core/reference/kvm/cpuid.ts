/** KVM's CPUID leaves: the signature leaf and the paravirtual feature leaf, whose CR-pin bit the VMM decides. */
import { parseHex, toHex } from "../../hex";
import { CaseModelError } from "../model-error";
import { ok, type Observation } from "../observe";
import type { KvmMachine } from "./machine";

export function kvmCpuid(machine: KvmMachine, leafText: string): Observation {
  const leaf = parseHex(leafText);
  const { signatureLeaf, featuresLeaf, signature } = machine.rules.cpuid;
  if (leaf === signatureLeaf) {
    return ok({ eax: toHex(signature.eax), ebx: toHex(signature.ebx), ecx: toHex(signature.ecx), edx: toHex(signature.edx) });
  }
  if (leaf === featuresLeaf) {
    const eax = machine.settings.vmm.exposeCrPin ? machine.pinning.featureMask : 0n;
    return ok({ eax: toHex(eax), ebx: "0x0", ecx: "0x0", edx: "0x0" });
  }
  throw new CaseModelError(`CPUID leaf ${leafText} is not modelled (KVM's leaves ${toHex(signatureLeaf)} and ${toHex(featuresLeaf)} are)`);
}
