/** Reads the KVM machine's own observable state by key (spec/data/kvm/observables.json); its areas read theirs (KvmArea.stateReaders). */
import type { Value } from "../../../spec/types/generated";
import { parseHex, toHex } from "../../hex";
import type { KvmMachine } from "./machine";
import { readMsr, resolveMsr } from "./msrs";
import { readSmram } from "./smm";

const REGISTER_KEY = /^vcpu([0-9]+)\.(cr0|cr3|cr4|efer|cs64|smm|guestMode)$/;
const MSR_KEY = /^vcpu([0-9]+)\.msr(?:\[(0x[0-9a-fA-F]+)\]|\.([A-Za-z0-9_-]+))$/;
const SMRAM_KEY = /^vcpu([0-9]+)\.smram\.u(32|64)\[(0x[0-9a-fA-F]+)\]$/;

/** The value of `key`, or undefined when the KVM machine itself does not define it. */
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
  return undefined;
}
