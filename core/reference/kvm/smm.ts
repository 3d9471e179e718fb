/**
 * SMM on the KVM machine: entry saves the state to SMRAM and clears CR4 and
 * parts of CR0 (cr-pinning-and-x86-facts 23, 58); RSM leaves SMM first and
 * then reloads the saved registers through the guest write paths, so pins are
 * enforced on the reload (torvalds/linux arch/x86/kvm/smm.c emulator_leave_smm).
 */
import { toHex } from "../../hex";
import { CaseModelError } from "../model-error";
import { fault, ok, type Observation } from "../observe";
import { guestWriteCr0, guestWriteCr4, guestWriteEfer } from "./control-registers";
import type { KvmMachine } from "./machine";
import type { SmramImage } from "./pinning";
import type { SmramField, SmramFields } from "./rules";
import type { Vcpu } from "./vcpu";

const PCID_BITS = 0xfffn;

function readLittleEndian(bytes: Uint8Array, index: number, size: number): bigint {
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[index + i] ?? 0);
  return value;
}

function writeLittleEndian(bytes: Uint8Array, index: number, size: number, value: bigint): void {
  for (let i = 0; i < size; i++) bytes[index + i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

const sizeMask = (size: number): bigint => (1n << BigInt(8 * size)) - 1n;

export function smramLayout(machine: KvmMachine): SmramFields {
  return machine.longModeCapable ? machine.rules.smm.layout64 : machine.rules.smm.layout32;
}

/** The byte index of a save-state offset (relative to SMBASE+0x8000), or a case error when it is outside the area. */
function smramIndex(machine: KvmMachine, offset: number, size: number): number {
  const { saveLow, saveHigh } = machine.rules.smm;
  if (offset < saveLow || offset + size - 1 > saveHigh) {
    throw new CaseModelError(`SMRAM offset ${toHex(offset)} (+${size}) is outside the save-state area ${toHex(saveLow)}-${toHex(saveHigh)}`);
  }
  return offset - saveLow;
}

export function readSmram(machine: KvmMachine, vcpu: Vcpu, offset: number, size: 4 | 8): bigint {
  return readLittleEndian(vcpu.smram, smramIndex(machine, offset, size), size);
}

export function writeSmram(machine: KvmMachine, vcpu: Vcpu, offset: number, size: 4 | 8, value: bigint): void {
  if (value > sizeMask(size)) throw new CaseModelError(`value ${toHex(value)} does not fit in ${size} bytes`);
  writeLittleEndian(vcpu.smram, smramIndex(machine, offset, size), size, value);
}

function fieldOf(machine: KvmMachine, bytes: Uint8Array, field: SmramField) {
  const index = smramIndex(machine, field.offset, field.size);
  return {
    read: (): bigint => readLittleEndian(bytes, index, field.size),
    write: (value: bigint): void => writeLittleEndian(bytes, index, field.size, value & sizeMask(field.size)),
  };
}

export function enterSmm(machine: KvmMachine, vcpu: Vcpu): Observation {
  if (vcpu.smm) throw new CaseModelError(`vCPU ${vcpu.id} is already in SMM: an SMI there stays pending, which the model does not deliver`);
  if (vcpu.guestMode) throw new CaseModelError(`an SMI while L2 runs on vCPU ${vcpu.id} is not modelled`);
  const fields = smramLayout(machine);
  vcpu.smram.fill(0);
  fieldOf(machine, vcpu.smram, fields.cr0).write(vcpu.cr0);
  fieldOf(machine, vcpu.smram, fields.cr3).write(vcpu.cr3);
  fieldOf(machine, vcpu.smram, fields.cr4).write(vcpu.cr4);
  if (fields.efer !== undefined) fieldOf(machine, vcpu.smram, fields.efer).write(vcpu.efer);
  vcpu.cs64BeforeSmm = vcpu.cs64;
  vcpu.smm = true;
  vcpu.cr0 &= ~machine.rules.smm.entryCr0Clear;
  vcpu.cr4 = 0n;
  if (machine.longModeCapable) vcpu.efer = 0n;
  vcpu.cs64 = false;
  return ok();
}

/** em_rsm's return to a real-mode-like state before the reload; KVM ignores failures of these writes. */
function returnToRealMode(machine: KvmMachine, vcpu: Vcpu): void {
  const { cr0, cr4 } = machine.rules;
  if (machine.longModeCapable) {
    if ((vcpu.cr4 & cr4.mask("PCIDE")) !== 0n) guestWriteCr4(machine, vcpu, vcpu.cr4 & ~cr4.mask("PCIDE"));
    vcpu.cs64 = false;
  }
  if ((vcpu.cr0 & cr0.mask("PE")) !== 0n) guestWriteCr0(machine, vcpu, vcpu.cr0 & ~(cr0.mask("PG") | cr0.mask("PE")));
  if (machine.longModeCapable) {
    if ((vcpu.cr4 & cr4.mask("PAE")) !== 0n) guestWriteCr4(machine, vcpu, vcpu.cr4 & ~cr4.mask("PAE"));
    guestWriteEfer(machine, vcpu, 0n);
  }
}

/** rsm_load_state_*() and rsm_enter_protected_mode(): false when KVM refuses a reloaded value. */
function reload(machine: KvmMachine, vcpu: Vcpu, image: SmramImage, fields: SmramFields, bytes: Uint8Array): boolean {
  const { cr4, efer } = machine.rules;
  const savedCr0 = image.read("cr0");
  let savedCr3 = fieldOf(machine, bytes, fields.cr3).read();
  const savedCr4 = image.read("cr4");
  if (fields.efer !== undefined) {
    const savedEfer = fieldOf(machine, bytes, fields.efer).read();
    if (!guestWriteEfer(machine, vcpu, savedEfer & ~efer.mask("LMA"))) return false;
  }
  const pcidEnabled = (savedCr4 & cr4.mask("PCIDE")) !== 0n;
  const pcid = pcidEnabled ? savedCr3 & PCID_BITS : 0n;
  if (pcidEnabled) savedCr3 &= ~PCID_BITS;
  vcpu.cr3 = savedCr3;
  if (!guestWriteCr4(machine, vcpu, savedCr4 & ~cr4.mask("PCIDE"))) return false;
  if (!guestWriteCr0(machine, vcpu, savedCr0)) return false;
  if (pcidEnabled) {
    if (!guestWriteCr4(machine, vcpu, savedCr4)) return false;
    vcpu.cr3 |= pcid;
  }
  if (machine.longModeCapable) vcpu.cs64 = vcpu.cs64BeforeSmm;
  return true;
}

export function resumeFromSmm(machine: KvmMachine, vcpu: Vcpu): Observation {
  if (!vcpu.smm) return fault("#UD");
  const fields = smramLayout(machine);
  // KVM reads the save-state area once, into a buffer it may rewrite before reloading from it.
  const bytes = vcpu.smram.slice();
  const image: SmramImage = {
    layout64: machine.longModeCapable,
    read: (register) => fieldOf(machine, bytes, fields[register]).read(),
    write: (register, value) => fieldOf(machine, bytes, fields[register]).write(value),
  };
  vcpu.smm = false;
  returnToRealMode(machine, vcpu);
  machine.pinning.beforeRsmLoad(vcpu, image);
  // The reload's writes run after SMM is left, through the guest write paths, so the pins apply to
  // them: a restored CR0/CR4 that violates the pins fails the reload, which is v3's check after the
  // load (cr-pinning-and-x86-facts 19) and needs no second look once every write has passed.
  if (!reload(machine, vcpu, image, fields, bytes)) {
    vcpu.stopped = "an emulation failure on RSM";
    return { result: "emulation-failure" };
  }
  return ok();
}
