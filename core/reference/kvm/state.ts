/** Reads the KVM machine's observable state by key (spec/data/kvm/observables.json, spec/data/areas/crpin/observables.json). */
import type { Value } from "../../../spec/types/generated";
import { parseHex, toHex } from "../../hex";
import type { KvmMachine } from "./machine";
import { readMsr, resolveMsr } from "./msrs";
import { readSmram } from "./smm";

const REGISTER_KEY = /^vcpu([0-9]+)\.(cr0|cr3|cr4|efer|cs64|smm|guestMode)$/;
const MSR_KEY = /^vcpu([0-9]+)\.msr(?:\[(0x[0-9a-fA-F]+)\]|\.([A-Za-z0-9_-]+))$/;
const SMRAM_KEY = /^vcpu([0-9]+)\.smram\.u(32|64)\[(0x[0-9a-fA-F]+)\]$/;
const GUEST_KEY = /^guest\.(running|pvCrPin|kexecLoadDisabled|crashkernelReserved|nativePinning|nativeCr4PinnedBits|kexecLoaded)$/;

function guestValue(machine: KvmMachine, field: string): Value {
  const guest = machine.guest;
  if (field === "running") return guest?.running ?? false;
  if (guest === undefined || !guest.running) return null;
  switch (field) {
    case "pvCrPin":
      return guest.pvCrPin;
    case "kexecLoadDisabled":
      return guest.kexecLoadDisabled;
    case "crashkernelReserved":
      return guest.crashkernelReserved;
    case "nativePinning":
      return guest.nativePinning;
    case "nativeCr4PinnedBits":
      return toHex(guest.nativeCr4PinnedBits);
    default:
      return guest.loaded !== undefined;
  }
}

/** The value of `key`, or undefined when the KVM machine does not define it. */
export function readKvmState(machine: KvmMachine, key: string): Value | undefined {
  const register = REGISTER_KEY.exec(key);
  if (register) {
    const vcpu = machine.vcpu(Number(register[1]));
    const field = register[2] as "cr0" | "cr3" | "cr4" | "efer" | "cs64" | "smm" | "guestMode";
    const value = vcpu[field];
    return typeof value === "bigint" ? toHex(value) : value;
  }
  const msr = MSR_KEY.exec(key);
  if (msr) {
    const vcpu = machine.vcpu(Number(msr[1]));
    const read = readMsr(machine, vcpu, resolveMsr(machine, msr[2] ?? msr[3]!), "host");
    return read.ok ? toHex(read.value) : null;
  }
  const smram = SMRAM_KEY.exec(key);
  if (smram) {
    const size = smram[2] === "32" ? 4 : 8;
    return toHex(readSmram(machine, machine.vcpu(Number(smram[1])), Number(parseHex(smram[3]!)), size));
  }
  const guest = GUEST_KEY.exec(key);
  if (guest) return guestValue(machine, guest[1]!);
  return undefined;
}
