/**
 * A CR-pinning revision plugged into the KVM machine: its MSRs (cr-pinning-and-x86-facts
 * 6, 7, 9, 18), its enforcement on guest CR writes (8, 10, 17), RSM (11, 19), reset (12, 20)
 * and nested VM-exit (20).
 */
import type { CrPinning, MsrAccessor, MsrRead, SmramImage } from "../pinning";
import type { PinnedRegister, RegisterPins, Vcpu } from "../vcpu";
import { forcePins, restorePinned, violatesPins } from "./pin-rules";
import type { CrpinRevision, RevisionMsr } from "./revision";

const LOW_HALF = 0xffff_ffffn;
const REGISTERS: readonly PinnedRegister[] = ["cr0", "cr4"];

function pinField(msr: RevisionMsr): keyof RegisterPins {
  return msr.role === "pin-low" ? "pinLow" : "pin";
}

export function kvmPinning(revision: CrpinRevision, ignoreMsrs: boolean): CrPinning {
  const choices = revision.choices;

  function writeAllowedMsr(msr: RevisionMsr, value: bigint): boolean {
    switch (choices.allowedMsrWrite) {
      case "unhandled":
        return ignoreMsrs;
      case "ignored":
        return true;
      case "must-equal":
        return value === revision.allowed[msr.register];
    }
  }

  function writePinMsr(vcpu: Vcpu, msr: RevisionMsr, value: bigint, accessor: MsrAccessor): boolean {
    const pins = vcpu.pins[msr.register];
    const field = pinField(msr);
    const opposite = field === "pin" ? pins.pinLow : pins.pin;
    if ((value & ~revision.allowed[msr.register]) !== 0n) return false;
    if (choices.oppositePinsExclusive && (value & opposite) !== 0n) return false;
    if (accessor === "host") {
      pins[field] = value;
      return true;
    }
    switch (choices.guestPinWrite) {
      case "or":
        pins[field] |= value;
        return true;
      case "replace-keeping-pins":
        if ((~value & pins[field]) !== 0n) return false;
        pins[field] = value;
        return true;
    }
  }

  const violates = (vcpu: Vcpu, register: PinnedRegister, next: bigint, current: bigint): boolean =>
    violatesPins(choices.enforcement, vcpu.pins[register], revision.allowed[register], next, current);

  return {
    featureMask: revision.featureMask,
    vmmManagedMsrs: revision.msrs.filter((msr) => msr.role !== "allowed").map((msr) => msr.number),
    msrNumber: (name) => revision.byName(name)?.number,
    foreignMsr: (number) => revision.foreign(number),
    ownsMsr: (number) => revision.byNumber(number) !== undefined,

    // The machine hands over only numbers ownsMsr accepts.
    readMsr(vcpu, number, accessor): MsrRead {
      const msr = revision.byNumber(number)!;
      if (msr.role === "allowed") return { ok: true, value: revision.allowed[msr.register] };
      if (accessor !== "host" && !choices.pinReadableByGuest) return { ok: false };
      return { ok: true, value: vcpu.pins[msr.register][pinField(msr)] };
    },

    writeMsr(vcpu, number, value, accessor) {
      const msr = revision.byNumber(number)!;
      return msr.role === "allowed" ? writeAllowedMsr(msr, value) : writePinMsr(vcpu, msr, value, accessor);
    },

    refusesGuestWrite(vcpu, register, next, current) {
      if (vcpu.smm) return false;
      if (vcpu.guestMode && choices.exemptInGuestMode) return false;
      return violates(vcpu, register, next, current);
    },

    beforeRsmLoad(vcpu: Vcpu, image: SmramImage) {
      if (choices.rsm !== "fixup-image") return;
      for (const register of REGISTERS) {
        const pin = vcpu.pins[register].pin;
        if (pin === 0n) continue;
        const saved = image.read(register);
        const kept = image.layout64 && choices.rsmFixupTruncates64 ? saved & LOW_HALF : saved;
        image.write(register, restorePinned(kept, revision.allowed[register], pin));
      }
    },

    onVcpuReset(vcpu) {
      if (!choices.resetClearsPins) return;
      for (const register of REGISTERS) vcpu.pins[register] = { pin: 0n, pinLow: 0n };
    },

    nestedExitValue(vcpu, register, hostValue) {
      return choices.nestedExitForcesPins ? forcePins(hostValue, vcpu.pins[register]) : hostValue;
    },
  };
}
