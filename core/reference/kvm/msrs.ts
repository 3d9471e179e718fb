/**
 * MSR access on the KVM machine: EFER, the CR-pinning revision's MSRs, and
 * the rest of KVM's custom range, which a revision does not define and KVM
 * therefore treats as unhandled (kvm.ignore_msrs decides).
 */
import { isHex, parseHex, toHex } from "../../hex";
import { CaseModelError } from "../model-error";
import { guestWriteEfer, type CrWriter } from "./control-registers";
import type { MsrAccessor, MsrRead } from "./pinning";
import type { Vcpu } from "./vcpu";

export interface MsrBus extends CrWriter {
  readonly ignoreMsrs: boolean;
}

const EFER_NAME = "MSR_EFER";

/** The MSR number a case names: a 0x number, MSR_EFER, or a name or alias of the profile's CR-pinning revision. */
export function resolveMsr(bus: MsrBus, ref: string): bigint {
  if (isHex(ref)) return parseHex(ref);
  if (ref === EFER_NAME) return bus.rules.eferMsr;
  const number = bus.pinning.msrNumber(ref);
  if (number === undefined) throw new CaseModelError(`MSR ${ref} is not defined in this profile's CR-pinning revision; use a name it defines or a 0x number`);
  return number;
}

function inPvRange(bus: MsrBus, number: bigint): boolean {
  return number >= bus.rules.pvMsrLow && number <= bus.rules.pvMsrHigh;
}

function unmodelled(bus: MsrBus, number: bigint): CaseModelError {
  const name = bus.pinning.foreignMsr(number);
  return new CaseModelError(
    name === undefined
      ? `MSR ${toHex(number)} is not modelled (the KVM machine models EFER and KVM's custom range ${toHex(bus.rules.pvMsrLow)}-${toHex(bus.rules.pvMsrHigh)})`
      : `MSR ${toHex(number)} is ${name} in this revision's KVM, which the model does not implement`,
  );
}

export function readMsr(bus: MsrBus, vcpu: Vcpu, number: bigint, accessor: MsrAccessor): MsrRead {
  if (number === bus.rules.eferMsr) return { ok: true, value: vcpu.efer };
  if (bus.pinning.ownsMsr(number)) return bus.pinning.readMsr(vcpu, number, accessor);
  if (!inPvRange(bus, number) || bus.pinning.foreignMsr(number) !== undefined) throw unmodelled(bus, number);
  return bus.ignoreMsrs ? { ok: true, value: 0n } : { ok: false };
}

export function writeMsr(bus: MsrBus, vcpu: Vcpu, number: bigint, value: bigint, accessor: MsrAccessor): boolean {
  if (number === bus.rules.eferMsr) {
    if (accessor === "guest") return guestWriteEfer(bus, vcpu, value);
    throw new CaseModelError("the host sets EFER with host_set_sregs in this model");
  }
  if (bus.pinning.ownsMsr(number)) return bus.pinning.writeMsr(vcpu, number, value, accessor);
  if (!inPvRange(bus, number) || bus.pinning.foreignMsr(number) !== undefined) throw unmodelled(bus, number);
  return bus.ignoreMsrs;
}
