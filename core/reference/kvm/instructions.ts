/** Instructions a vCPU executes at CPL 0, as cases drive them: MOV to CR, LMSW, RDMSR/WRMSR, CPUID, SMM, nested. */
import type {
  CpuidArgs,
  LmswArgs,
  MovToCrArgs,
  NestedVmentryArgs,
  RdmsrArgs,
  SmramWriteArgs,
  WrmsrArgs,
} from "../../../spec/types/generated";
import { parseHex, toHex } from "../../hex";
import { CaseModelError } from "../model-error";
import { fault, ok, type Observation } from "../observe";
import { guestWriteCr0, guestWriteCr4, lmswValue, movOperand } from "./control-registers";
import { kvmCpuid } from "./cpuid";
import type { KvmMachine } from "./machine";
import { readMsr, resolveMsr, writeMsr } from "./msrs";
import { nestedEnter, nestedExit } from "./nested";
import { enterSmm, resumeFromSmm, writeSmram } from "./smm";
import type { Vcpu } from "./vcpu";

export const generalProtection = (): Observation => fault("#GP", 0n);

/** MOV to CR0/CR4: retires, or #GP(0) with the register unchanged. */
export function movToCr(machine: KvmMachine, vcpu: Vcpu, cr: 0 | 4, value: bigint): Observation {
  const operand = movOperand(vcpu, value);
  const written = cr === 0 ? guestWriteCr0(machine, vcpu, operand) : guestWriteCr4(machine, vcpu, operand);
  return written ? ok() : generalProtection();
}

function notFromL2(vcpu: Vcpu, what: string): void {
  if (vcpu.guestMode) throw new CaseModelError(`${what} from L2 on vCPU ${vcpu.id} is not modelled (L1 would intercept it)`);
}

export const instructionOperations = {
  mov_to_cr(machine: KvmMachine, args: MovToCrArgs): Observation {
    return movToCr(machine, machine.runnable(args.vcpu ?? 0), args.cr, parseHex(args.value));
  },
  lmsw(machine: KvmMachine, args: LmswArgs): Observation {
    const vcpu = machine.runnable(args.vcpu ?? 0);
    return guestWriteCr0(machine, vcpu, lmswValue(machine.rules, vcpu.cr0, args.value)) ? ok() : generalProtection();
  },
  rdmsr(machine: KvmMachine, args: RdmsrArgs): Observation {
    const vcpu = machine.runnable(args.vcpu ?? 0);
    notFromL2(vcpu, "RDMSR");
    const read = readMsr(machine, vcpu, resolveMsr(machine, args.msr), "guest");
    return read.ok ? ok({ value: toHex(read.value) }) : generalProtection();
  },
  wrmsr(machine: KvmMachine, args: WrmsrArgs): Observation {
    const vcpu = machine.runnable(args.vcpu ?? 0);
    notFromL2(vcpu, "WRMSR");
    return writeMsr(machine, vcpu, resolveMsr(machine, args.msr), parseHex(args.value), "guest") ? ok() : generalProtection();
  },
  cpuid(machine: KvmMachine, args: CpuidArgs): Observation {
    machine.runnable(args.vcpu ?? 0);
    return kvmCpuid(machine, args.leaf);
  },
  smi(machine: KvmMachine, args: { vcpu?: number }): Observation {
    return enterSmm(machine, machine.runnable(args.vcpu ?? 0));
  },
  rsm(machine: KvmMachine, args: { vcpu?: number }): Observation {
    return resumeFromSmm(machine, machine.runnable(args.vcpu ?? 0));
  },
  smram_write(machine: KvmMachine, args: SmramWriteArgs): Observation {
    writeSmram(machine, machine.vcpu(args.vcpu ?? 0), Number(parseHex(args.offset)), args.size, parseHex(args.value));
    return ok();
  },
  nested_vmentry(machine: KvmMachine, args: NestedVmentryArgs): Observation {
    return nestedEnter(machine, machine.runnable(args.vcpu ?? 0), args);
  },
  nested_vmexit(machine: KvmMachine, args: { vcpu?: number }): Observation {
    return nestedExit(machine, machine.runnable(args.vcpu ?? 0));
  },
};
