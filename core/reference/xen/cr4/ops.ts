/** MOV to/from control registers and WRMSR to EFER: emulated by Xen for PV guests (C1-C5), architectural for HVM (D). */
import type { ReadCrArgs, WriteCrArgs, WriteEferArgs } from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { CaseModelError } from "../../model-error";
import { ok, type Observation } from "../../observe";
import type { XenDomain } from "../domain";
import { writeCr0, writeCr3, writeCr4, writeEfer } from "../hvm/control-registers";
import type { XenMachine, XenOperations } from "../machine";
import { pvCrUndefined, pvReadCr, pvWriteCr } from "../pv/guest-cr";
import { policySubject } from "../x86/cpu-policy";
import { deliver } from "../x86/exceptions";
import { guestContext } from "../x86/guest";
import type { GuestMode, XenVcpu } from "../x86/vcpu";

/** Control registers an HVM guest can name; the others are #UD (CR8, the TPR, is not modelled). */
const HVM_REGISTERS = new Set([0, 2, 3, 4]);
const CR8 = 8;

/** The step's `mode`; the loader has applied the schema's default (`kernel`). */
const guestMode = (mode: GuestMode | undefined): GuestMode => mode as GuestMode;

function hvmRegisterCheck(machine: XenMachine, domain: XenDomain, vcpu: XenVcpu, cr: number): Observation | undefined {
  if (cr === CR8) throw new CaseModelError("CR8 (the task-priority register) is not modelled for HVM guests");
  if (!HVM_REGISTERS.has(cr)) return deliver(machine, domain, vcpu, "#UD");
  if (vcpu.mode === "user") return deliver(machine, domain, vcpu, "#GP");
  return undefined;
}

function readCr(machine: XenMachine, args: ReadCrArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  vcpu.mode = guestMode(args.mode);
  if (domain.isPv) {
    if (pvCrUndefined(domain, args.cr)) return deliver(machine, domain, vcpu, "#UD");
    if (vcpu.mode === "user") return deliver(machine, domain, vcpu, "#GP");
    const read = pvReadCr(machine, domain, vcpu, args.cr);
    return read.kind === "ok" ? ok({ value: `0x${(read.value ?? 0n).toString(16)}` }) : deliver(machine, domain, vcpu, "#GP");
  }
  const refused = hvmRegisterCheck(machine, domain, vcpu, args.cr);
  if (refused !== undefined) return refused;
  const regs = vcpu.hvm;
  const value = args.cr === 0 ? regs.cr0 : args.cr === 2 ? vcpu.cr2 : args.cr === 3 ? regs.cr3 : regs.cr4;
  return ok({ value: `0x${value.toString(16)}` });
}

function writeCr(machine: XenMachine, args: WriteCrArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  vcpu.mode = guestMode(args.mode);
  const value = parseHex(args.value);
  if (domain.isPv) {
    if (pvCrUndefined(domain, args.cr)) return deliver(machine, domain, vcpu, "#UD");
    if (vcpu.mode === "user") return deliver(machine, domain, vcpu, "#GP");
    return pvWriteCr(machine, domain, vcpu, args.cr, value).kind === "ok" ? ok() : deliver(machine, domain, vcpu, "#GP");
  }
  const refused = hvmRegisterCheck(machine, domain, vcpu, args.cr);
  if (refused !== undefined) return refused;
  const regs = vcpu.hvm;
  let outcome: "ok" | "general-protection";
  switch (args.cr) {
    case 0:
      outcome = writeCr0(machine, regs, value);
      break;
    case 2:
      vcpu.cr2 = value;
      outcome = "ok";
      break;
    case 3:
      outcome = writeCr3(machine, regs, value);
      break;
    default:
      outcome = writeCr4(machine, policySubject(domain), regs, value);
  }
  return outcome === "ok" ? ok() : deliver(machine, domain, vcpu, "#GP");
}

function writeEferOp(machine: XenMachine, args: WriteEferArgs): Observation {
  const { domain, vcpu } = guestContext(machine, args.dom, args.vcpu);
  vcpu.mode = guestMode(args.mode);
  if (domain.isPv) throw new CaseModelError("PV guests' EFER writes are not modelled; EFER is Xen's");
  if (vcpu.mode === "user") return deliver(machine, domain, vcpu, "#GP");
  const outcome = writeEfer(machine, policySubject(domain), vcpu.hvm, parseHex(args.value));
  return outcome === "ok" ? ok() : deliver(machine, domain, vcpu, "#GP");
}

export const cr4Operations: XenOperations = {
  read_cr: readCr,
  write_cr: writeCr,
  write_efer: writeEferOp,
};
