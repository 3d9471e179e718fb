/**
 * MSR numbers, the CPUID feature bit and the save-state offsets live in spec
 * data only (cr-pinning-and-x86-facts 5: the RFCs' numbers collide with merged
 * KVM), and the profiles that share RFC v2 agree on everything but kexec.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec, profileChoices } from "../../spec";
import type { CrpinChoices } from "../../spec/types/generated";
import { ROOT } from "../helpers";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("KVM machine constants", () => {
  it("are not written into the reference core", () => {
    const offenders = sources(join(ROOT, "core", "reference", "kvm")).filter((file) =>
      /0x4b564d|0x4000000[01]|0x7f(48|58|14)|0x7ffc|0xc0000080/i.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("give seed-proposals RFC v2's KVM side and the cover letter's kexec matrix", () => {
    const spec = loadSpec();
    const v2 = profileChoices<CrpinChoices>(spec, "crpin", "crpin-rfc-v2");
    const seed = profileChoices<CrpinChoices>(spec, "crpin", "seed-proposals");
    const { guest: seedGuest, ...seedKvm } = seed;
    const { guest: v2Guest, ...v2Kvm } = v2;
    expect(seedKvm).toEqual(v2Kvm);
    expect({ ...seedGuest, kexec: v2Guest.kexec, pinSafeKexec: v2Guest.pinSafeKexec }).toEqual(v2Guest);
    expect([seedGuest.kexec, seedGuest.pinSafeKexec]).toEqual(["image-flag", true]);
  });

  it("number every revision's MSRs uniquely inside KVM's custom range", () => {
    const spec = loadSpec();
    for (const profile of ["crpin-rfc-v1", "crpin-rfc-v2", "crpin-v3", "seed-proposals"]) {
      const choices = profileChoices<CrpinChoices>(spec, "crpin", profile);
      const numbers = [...choices.msrs, ...choices.otherKvmMsrs].map((msr) => BigInt(msr.number));
      expect(new Set(numbers).size, profile).toBe(numbers.length);
      for (const number of numbers) expect(number >> 8n, profile).toBe(0x4b564dn);
    }
  });
});
